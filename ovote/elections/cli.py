"""`ovote election ...`: defining, freezing, opening and closing elections from scripts.

Every command refuses what the pages refuse, with the same message (the refusal
table of `ovote.refusals`), stores nothing when it refuses, and is audited as "cli".
Times are wall-clock times in the commission's time zone (OVOTE_COMMISSION_TIMEZONE).
"""
import functools
import json
from datetime import date, datetime

import click

from ovote.schema import with_database
from ovote.elections import documents, freezing, keys, services, timeline
from ovote.elections.ceremony_link import ceremony_outcome
from ovote.elections.outreach import send_notices
from ovote.runtime import runtime
from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import message_of

ACTOR = "cli"


def refusals_as_errors(command):
    """A refusal ends the command with its message and exit status 1; nothing is committed."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except Refused as refusal:
            db.session.rollback()
            raise click.ClickException(message_of(refusal)) from None

    return run


def _labels(pairs, what="--label"):
    """LANG=TEXT pairs as a dict."""
    labels = {}
    for pair in pairs:
        language, sep, text = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"write LANG=TEXT, e.g. en=\"Referendum\", not {pair!r}",
                                     param_hint=what)
        labels[language.strip()] = text
    return labels


def _moment(text, name):
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("write YYYY-MM-DD HH:MM", param_hint=name) from None


def _election(slug):
    return services.election_by_slug(db.session, slug)


@click.group(help="Elections: definition, key ceremony, freeze, opening and closing.")
def election():
    pass


def command(name):
    """An `ovote election` subcommand on a migrated database, refusals as errors."""
    def wrap(function):
        return election.command(name)(with_database(refusals_as_errors(function)))
    return wrap


@command("create")
@click.argument("slug")
@click.option("--title", "titles", multiple=True, required=True, metavar="LANG=TEXT",
              help="The title in one language (repeat per language; the default one is required).")
@click.option("--threshold", type=int, help="k: trustees needed to decrypt.")
@click.option("--min-unit-ballots", type=int, default=10, show_default=True,
              help="Privacy floor: fewest counted ballots behind a published total.")
@click.option("--max-revotes", type=int, default=20, show_default=True,
              help="How often one voting key may vote again.")
def create(slug, titles, threshold, min_unit_ballots, max_revotes):
    """Create the draft election SLUG (a-z, 0-9 and hyphens)."""
    created = services.create_election(db.session, actor=ACTOR, slug=slug, title=_labels(titles, "--title"),
                                        settings=runtime().settings, threshold=threshold, min_unit_ballots=min_unit_ballots,
                                        max_revotes=max_revotes)
    db.session.commit()
    click.echo(f"election {created.slug} created (draft, times in {created.timezone})")


@command("set")
@click.argument("slug")
@click.option("--title", "titles", multiple=True, metavar="LANG=TEXT")
@click.option("--threshold", type=int)
@click.option("--min-unit-ballots", type=int)
@click.option("--max-revotes", type=int)
def set_(slug, titles, threshold, min_unit_ballots, max_revotes):
    """Change the title, threshold, privacy floor or revote limit of a draft."""
    services.update_settings(db.session, _election(slug), actor=ACTOR, settings=runtime().settings,
                             title=_labels(titles, "--title") if titles else None, threshold=threshold,
                             min_unit_ballots=min_unit_ballots, max_revotes=max_revotes)
    db.session.commit()
    click.echo(f"election {slug} updated")


@command("add-contest")
@click.argument("slug")
@click.argument("code")
@click.option("--label", "labels", multiple=True, required=True, metavar="LANG=TEXT")
@click.option("--min", "minimum", type=int, default=0, show_default=True, help="Fewest choices.")
@click.option("--max", "maximum", type=int, default=1, show_default=True, help="Most choices.")
def add_contest(slug, code, labels, minimum, maximum):
    """Add contest CODE (upper-case letters and digits) after the others."""
    services.add_contest(db.session, _election(slug), actor=ACTOR, code=code, labels=_labels(labels),
                         settings=runtime().settings, min_selections=minimum, max_selections=maximum)
    db.session.commit()
    click.echo(f"contest {code} added to {slug}")


@command("add-option")
@click.argument("slug")
@click.argument("contest")
@click.argument("code")
@click.option("--label", "labels", multiple=True, required=True, metavar="LANG=TEXT")
def add_option(slug, contest, code, labels):
    """Add option CODE to CONTEST, after its other options."""
    services.add_option(db.session, _election(slug), contest, actor=ACTOR, code=code,
                        labels=_labels(labels), settings=runtime().settings)
    db.session.commit()
    click.echo(f"option {code} added to {slug} {contest}")


@command("add-style")
@click.argument("slug")
@click.argument("code")
@click.option("--contest", "contests", multiple=True, help="A contest it carries (repeat).")
@click.option("--constituency", "constituencies", multiple=True,
              help="A home constituency whose voters get it (repeat).")
def add_style(slug, code, contests, constituencies):
    """Add ballot style CODE carrying the given contests, for the given constituencies."""
    services.add_ballot_style(db.session, _election(slug), actor=ACTOR, code=code, contests=contests,
                              constituencies=constituencies)
    db.session.commit()
    click.echo(f"ballot style {code} added to {slug}")


@command("add-trustee")
@click.argument("slug")
@click.argument("email")
def add_trustee(slug, email):
    """Make the staff member EMAIL (trustee role) the next trustee."""
    trustee = services.add_trustee(db.session, _election(slug), actor=ACTOR, email=email)
    db.session.commit()
    click.echo(f"{email} is trustee {trustee.index} of {slug}")


@command("timeline")
@click.argument("slug")
@click.option("--registration-deadline", required=True, help="YYYY-MM-DD HH:MM")
@click.option("--tokens-open", required=True, help="YYYY-MM-DD HH:MM")
@click.option("--voting-opens", required=True, help="YYYY-MM-DD HH:MM")
@click.option("--voting-closes", required=True, help="YYYY-MM-DD HH:MM")
@click.option("--election-day", required=True, help="YYYY-MM-DD: ages are assessed on this day.")
def timeline_(slug, registration_deadline, tokens_open, voting_opens, voting_closes, election_day):
    """Set the timeline, in the commission's time zone."""
    try:
        day = date.fromisoformat(election_day)
    except ValueError:
        raise click.BadParameter("write YYYY-MM-DD", param_hint="--election-day") from None
    services.set_timeline(
        db.session, _election(slug), actor=ACTOR,
        registration_deadline=_moment(registration_deadline, "--registration-deadline"),
        tokens_open=_moment(tokens_open, "--tokens-open"),
        voting_opens=_moment(voting_opens, "--voting-opens"),
        voting_closes=_moment(voting_closes, "--voting-closes"), election_day=day)
    db.session.commit()
    click.echo(f"timeline of {slug} set")


@command("start-ceremony")
@click.argument("slug")
def start_ceremony(slug):
    """Check the definition is complete and start the key ceremony."""
    services.start_ceremony(db.session, _election(slug), actor=ACTOR)
    db.session.commit()
    click.echo(f"{slug}: key ceremony started; the trustees now use `ovote trustee`")


@command("freeze")
@click.argument("slug")
@click.option("--ceremony-file", type=click.File("rb"),
              help="The ceremony's outcome as JSON {\"trustees\": [{\"index\", \"commitments\", "
                   "\"proofs\"}]} instead of the one the server's ceremony recorded.")
@click.option("--workers", type=click.IntRange(min=0), help="Key-making processes (0: one per CPU).")
@click.option("--batch-size", type=click.IntRange(min=1), help="Unit keys stored per transaction.")
def freeze(slug, ceremony_file, workers, batch_size):
    """Make the unit and receipt keys and fix the definition and fingerprint."""
    election_ = _election(slug)
    outcome = _read_outcome(ceremony_file) if ceremony_file else ceremony_outcome(db.session, election_)
    freezing.check_freezable(db.session, election_, outcome)
    done, total = freezing.progress_of(db.session, election_)
    rt = runtime()
    maker = keys.UnitKeyMaker(keys.workers_for(workers if workers is not None
                                               else rt.settings.freeze_workers))
    started = datetime.now()
    try:
        with click.progressbar(length=total, label=f"unit keys of {slug}", show_pos=True,
                               show_eta=True) as bar:
            bar.update(done)
            frozen = freezing.freeze(
                db.session, election_, actor=ACTOR, ceremony=outcome, cipher=rt.cipher,
                make_keys=maker, batch_size=batch_size or rt.settings.freeze_batch,
                progress=lambda now_done, _total: bar.update(now_done - bar.pos))
    finally:
        maker.close()
    seconds = (datetime.now() - started).total_seconds()
    click.echo(f"{slug} frozen: {len(frozen.units)} units in {seconds:.1f} s, "
               f"fingerprint {documents.grouped_fingerprint(frozen.fingerprint)}")


def _read_outcome(stream):
    try:
        data = json.loads(stream.read())
        return {int(t["index"]): {"commitments": t["commitments"], "proofs": t["proofs"]}
                for t in data["trustees"]}
    except (ValueError, KeyError, TypeError):
        raise click.BadParameter('expected {"trustees": [{"index", "commitments", "proofs"}]}',
                                 param_hint="--ceremony-file") from None


@command("open")
@click.argument("slug")
def open_(slug):
    """Open a frozen election for voting now."""
    timeline.open_election(db.session, _election(slug), actor=ACTOR)
    db.session.commit()
    click.echo(f"{slug} is open")


@command("close")
@click.argument("slug")
def close(slug):
    """Close an open election now."""
    timeline.close_election(db.session, _election(slug), actor=ACTOR, cipher=runtime().cipher)
    db.session.commit()
    click.echo(f"{slug} is closed")


@command("tick")
@click.option("--now", "now_text", hidden=True, help="Pretend it is this UTC time (tests).")
def tick(now_text):
    """Move elections by their timeline and send the outreach mails due; safe to run every
    minute from cron, on several hosts at once."""
    now = datetime.fromisoformat(now_text) if now_text else None
    rt = runtime()
    report = timeline.move_by_timeline(db.session, actor="tick", cipher=rt.cipher, now=now)
    maker = keys.UnitKeyMaker(keys.workers_for(rt.settings.freeze_workers))
    try:
        report.frozen = freezing.run_requested_freezes(
            db.session, actor="tick", cipher=rt.cipher, make_keys=maker,
            batch_size=rt.settings.freeze_batch)
    finally:
        maker.close()
    report.mails = send_notices(db.session, settings=rt.settings, mailer=rt.mailer, now=now)
    for verb, slugs in (("opened", report.opened), ("closed", report.closed), ("frozen", report.frozen)):
        for slug in slugs:
            click.echo(f"{slug} {verb}")
    for notice, count in report.mails.items():
        if count:
            click.echo(f"{count} {notice} mail(s) sent")


@command("list")
def list_():
    """Every election with its state."""
    for row in services.list_elections(db.session):
        click.echo(f"{row.slug:<32} {row.state.value:<10} {row.title_in('en', 'en')}")


@command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="The frozen definition, byte for byte.")
def show(slug, as_json):
    """The election's definition so far (or, with --json, the frozen definition's bytes)."""
    election_ = _election(slug)
    if as_json:
        if election_.definition is None:
            raise click.ClickException(f"{slug} is not frozen yet: it has no definition")
        click.echo(election_.definition.decode())
        return
    click.echo(f"{election_.slug}: {election_.state.value}, threshold {election_.threshold} of "
               f"{len(election_.trustees)}, times in {election_.timezone}")
    for name in ("registration_deadline", "tokens_open", "voting_opens", "voting_closes"):
        moment = services.in_zone(getattr(election_, name), election_.timezone)
        click.echo(f"  {name:<22} {moment:%Y-%m-%d %H:%M %Z}" if moment else f"  {name:<22} -")
    click.echo(f"  {'election_day':<22} {election_.election_day or '-'}")
    for contest in election_.contests:
        click.echo(f"  contest {contest.code} (min {contest.min_selections}, max "
                   f"{contest.max_selections}): {', '.join(o.code for o in contest.options)}")
    for style in election_.ballot_styles:
        click.echo(f"  style {style.code}: {', '.join(c.code for c in style.contests)} for "
                   f"{', '.join(row.constituency.code for row in style.constituencies)}")
    for trustee in election_.trustees:
        click.echo(f"  trustee {trustee.index}: {trustee.user.email}")
    if election_.fingerprint:
        click.echo(f"  fingerprint {documents.grouped_fingerprint(election_.fingerprint)}")
        click.echo(f"  units {len(election_.units)}")
