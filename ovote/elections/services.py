"""Defining an election: slug and title, contests and options, ballot styles, timeline,
trustees, and the move into the key ceremony.

Every function takes the session and the acting user (or "cli") explicitly, checks
its input, raises `ovote.errors.Refused` with a code of `ovote.refusals` (its `field`
parameter names the form field at fault), changes rows, writes the audit event and
flushes; the caller commits. Nothing is stored when a function refuses: each checks
everything before it writes.
"""
import logging
import re
import zoneinfo
from datetime import date, datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role, User
from ovote.audit.services import record
from ovote.consulates.models import Constituency
from ovote.elections.models import (BallotStyle, BallotStyleConstituency, BallotStyleContest,
                                    Contest, ContestOption, Election, ElectionState,
                                    ElectionTrustee)
from ovote.codes import ConfusableCode, confusable_with
from ovote.errors import Refused
from ovote.text import visible_text

log = logging.getLogger(__name__)

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
#: contest, option and ballot style codes (DESIGN.md §3.9: ASCII upper-case letters, digits)
CODE = re.compile(r"[A-Z0-9]{1,32}\Z")
MAX_LABEL = 200


# -- look-ups ------------------------------------------------------------------------

def election_by_slug(session, slug, *, lock=False):
    """The election with this slug; raises Refused("unknown_election"). With `lock`, the row
    is locked for the transaction (PostgreSQL; SQLite's writer lock covers it)."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise Refused("unknown_election", slug=str(slug)[:64])
    query = select(Election).where(Election.slug == slug)
    if lock:
        query = query.with_for_update()
    election = session.scalar(query)
    if election is None:
        raise Refused("unknown_election", slug=slug)
    return election


def list_elections(session, *, public=False):
    """Every election, newest first; with `public`, only those past the draft."""
    query = select(Election).order_by(Election.created_at.desc(), Election.id.desc())
    if public:
        query = query.where(Election.state.not_in((ElectionState.DRAFT,)))
    return session.scalars(query).all()


def contest_by_code(election, code):
    for contest in election.contests:
        if contest.code == code:
            return contest
    raise Refused("unknown_contest", contest=str(code)[:32], field="contest")


def style_by_code(election, code):
    for style in election.ballot_styles:
        if style.code == code:
            return style
    raise Refused("unknown_ballot_style", style=str(code)[:32], field="style")


# -- checks of input -----------------------------------------------------------------

def languages(settings):
    """The languages election texts may be given in (ovote.settings.Settings)."""
    return tuple(settings.languages)


def default_language(settings):
    """The language every election text must have."""
    return settings.default_locale


def _visible(text):
    try:
        visible_text(text)
    except Refused:
        return False
    return True


def check_labels(labels, field="labels", *, settings):
    """Text per offered language, the default language required; returns the cleaned map
    (blank entries dropped) in language order. Invisible and control characters are
    refused as `election_bad_label` (ovote.text's rule, the elections' code)."""
    default = default_language(settings)
    if not isinstance(labels, dict):
        raise Refused("election_missing_label", language=default, field=field)
    offered = languages(settings)
    cleaned = {}
    for language, text in labels.items():
        if language not in offered:
            raise Refused("election_bad_language", language=str(language)[:16], field=field)
        text = (text or "").strip() if isinstance(text, str) else None
        if text is None or len(text) > MAX_LABEL or not _visible(text):
            raise Refused("election_bad_label", field=field)
        if text:
            cleaned[language] = text
    if default not in cleaned:
        raise Refused("election_missing_label", language=default, field=field)
    return {language: cleaned[language] for language in offered if language in cleaned}


def _no_look_alike(code, existing):
    """Refuse a code a reader could take for one of its siblings' (N0RTH beside NORTH):
    voters and observers tell contests, options and styles apart by these codes."""
    other = confusable_with(code, existing)
    if other is not None:
        raise ConfusableCode(code=code, other=other, field="code")


def check_code(code, field="code"):
    if not isinstance(code, str) or not CODE.match(code):
        raise Refused("election_bad_code", code=str(code)[:40], field=field)
    return code


def _whole_number(value, *, least, field):
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise Refused("election_bad_number", least=least, field=field)
    return value


def _flush_or_taken(session, code, field="code"):
    """Flush in a savepoint; a unique constraint that a concurrent request won is refused
    like a code already taken."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Refused("election_code_taken", code=code, field=field) from None


def _editable(election):
    election.check_editable()
    return election


# -- the election itself -------------------------------------------------------------

def create_election(session, *, actor, slug, title, settings, min_unit_ballots=10, max_revotes=20,
                    threshold=None, timezone_name=None):
    """A new draft election in `timezone_name`, by default the commission's
    (`settings.commission_timezone`)."""
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise Refused("election_bad_slug", field="slug")
    title = check_labels(title, "title", settings=settings)
    _whole_number(min_unit_ballots, least=1, field="min_unit_ballots")
    _whole_number(max_revotes, least=0, field="max_revotes")
    if threshold is not None:
        _whole_number(threshold, least=1, field="threshold")
    tz = timezone_name or settings.commission_timezone
    if tz not in zoneinfo.available_timezones():
        raise Refused("election_bad_timezone", timezone=tz, field="timezone")
    if session.scalar(select(Election.id).where(Election.slug == slug)) is not None:
        raise Refused("election_slug_taken", slug=slug, field="slug")
    election = Election(slug=slug, title=title, timezone=tz, min_unit_ballots=min_unit_ballots,
                        max_revotes=max_revotes, threshold=threshold, state=ElectionState.DRAFT)
    session.add(election)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Refused("election_slug_taken", slug=slug, field="slug") from None
    record(session, actor=actor, action="election.create", target=election.audit_target,
           details={"title": title, "min_unit_ballots": min_unit_ballots,
                    "max_revotes": max_revotes, "threshold": threshold})
    log.info("election %s created", slug)
    return election


def update_settings(session, election, *, actor, settings, title=None, min_unit_ballots=None,
                    max_revotes=None, threshold=None):
    """Change the title, privacy floor, revote limit or threshold of a draft."""
    _editable(election)
    changes = {}
    if title is not None:
        changes["title"] = check_labels(title, "title", settings=settings)
    if min_unit_ballots is not None:
        changes["min_unit_ballots"] = _whole_number(min_unit_ballots, least=1,
                                                    field="min_unit_ballots")
    if max_revotes is not None:
        changes["max_revotes"] = _whole_number(max_revotes, least=0, field="max_revotes")
    if threshold is not None:
        changes["threshold"] = _whole_number(threshold, least=1, field="threshold")
    for name, value in changes.items():
        setattr(election, name, value)
    session.flush()
    record(session, actor=actor, action="election.update", target=election.audit_target,
           details=changes)
    return election


def to_utc(local, tz_name):
    """A naive wall-clock time in `tz_name` as naive UTC (an aware time is converted)."""
    if local is None:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def in_zone(utc, tz_name):
    """A naive UTC time as an aware time in `tz_name` (for display)."""
    if utc is None:
        return None
    return utc.replace(tzinfo=timezone.utc).astimezone(zoneinfo.ZoneInfo(tz_name))


def set_timeline(session, election, *, actor, registration_deadline, tokens_open, voting_opens,
                 voting_closes, election_day):
    """The timeline, given as wall-clock times in the election's (the commission's) time
    zone, stored as UTC; `election_day` is the date on which ages are assessed."""
    _editable(election)
    moments = [to_utc(t, election.timezone)
               for t in (registration_deadline, tokens_open, voting_opens, voting_closes)]
    if any(m is None for m in moments) or not isinstance(election_day, date) \
            or isinstance(election_day, datetime):
        raise Refused("election_timeline_incomplete", field="registration_deadline")
    deadline, tokens, opens, closes = moments
    if not (deadline <= tokens <= opens < closes):
        raise Refused("election_bad_timeline", field="registration_deadline")
    election.registration_deadline, election.tokens_open = deadline, tokens
    election.voting_opens, election.voting_closes = opens, closes
    election.election_day = election_day
    session.flush()
    record(session, actor=actor, action="election.timeline", target=election.audit_target,
           details={"registration_deadline": f"{deadline:%Y-%m-%dT%H:%M}Z",
                    "tokens_open": f"{tokens:%Y-%m-%dT%H:%M}Z",
                    "voting_opens": f"{opens:%Y-%m-%dT%H:%M}Z",
                    "voting_closes": f"{closes:%Y-%m-%dT%H:%M}Z",
                    "election_day": election_day.isoformat()})
    return election


# -- contests and options ------------------------------------------------------------

def add_contest(session, election, *, actor, code, labels, settings, min_selections=0,
                max_selections=1):
    """Append a contest to the manifest (voters see contests in this order)."""
    _editable(election)
    check_code(code)
    labels = check_labels(labels, settings=settings)
    _whole_number(min_selections, least=0, field="min_selections")
    _whole_number(max_selections, least=0, field="max_selections")
    if min_selections > max_selections:
        raise Refused("contest_min_above_max", min=min_selections, max=max_selections,
                      field="min_selections")
    if any(c.code == code for c in election.contests):
        raise Refused("election_code_taken", code=code, field="code")
    _no_look_alike(code, [c.code for c in election.contests])
    position = max((c.position for c in election.contests), default=-1) + 1
    contest = Contest(code=code, labels=labels, position=position, min_selections=min_selections,
                      max_selections=max_selections)
    election.contests.append(contest)
    _flush_or_taken(session, code)
    record(session, actor=actor, action="election.contest.add", target=election.audit_target,
           details={"contest": code, "min": min_selections, "max": max_selections})
    return contest


def add_option(session, election, contest_code, *, actor, code, labels, settings):
    """Append an option to a contest (voters see options in this order)."""
    _editable(election)
    contest = contest_by_code(election, contest_code)
    check_code(code)
    labels = check_labels(labels, settings=settings)
    if any(o.code == code for o in contest.options):
        raise Refused("election_code_taken", code=code, field="code")
    _no_look_alike(code, [o.code for o in contest.options])
    position = max((o.position for o in contest.options), default=-1) + 1
    option = ContestOption(code=code, labels=labels, position=position)
    contest.options.append(option)
    _flush_or_taken(session, code)
    record(session, actor=actor, action="election.option.add", target=election.audit_target,
           details={"contest": contest.code, "option": code})
    return option


def remove_contest(session, election, contest_code, *, actor):
    _editable(election)
    contest = contest_by_code(election, contest_code)
    election.contests.remove(contest)
    session.flush()
    record(session, actor=actor, action="election.contest.remove", target=election.audit_target,
           details={"contest": contest.code})


# -- ballot styles ------------------------------------------------------------------

def add_ballot_style(session, election, *, actor, code, contests=(), constituencies=()):
    """A ballot style carrying `contests` (codes; each once), given to the voters of
    `constituencies` (codes; each constituency gets one style per election)."""
    _editable(election)
    check_code(code)
    if any(s.code == code for s in election.ballot_styles):
        raise Refused("election_code_taken", code=code, field="code")
    _no_look_alike(code, [s.code for s in election.ballot_styles])
    chosen = _distinct_contests(election, code, contests)
    places = _free_constituencies(session, election, constituencies, code)
    style = BallotStyle(code=code,
                        style_contests=[BallotStyleContest(contest=c) for c in chosen],
                        constituencies=[BallotStyleConstituency(election_id=election.id, constituency=p)
                                        for p in places])
    election.ballot_styles.append(style)
    _flush_or_taken(session, code)
    record(session, actor=actor, action="election.style.add", target=election.audit_target,
           details={"style": code, "contests": [c.code for c in chosen],
                    "constituencies": [p.code for p in places]})
    return style


def add_style_contest(session, election, style_code, contest_code, *, actor):
    _editable(election)
    style = style_by_code(election, style_code)
    contest = contest_by_code(election, contest_code)
    if any(row.contest is contest for row in style.style_contests):
        raise Refused("style_contest_twice", style=style.code, contest=contest.code, field="contest")
    style.style_contests.append(BallotStyleContest(contest=contest))
    session.flush()
    record(session, actor=actor, action="election.style.contest", target=election.audit_target,
           details={"style": style.code, "contest": contest.code})


def map_constituency(session, election, style_code, constituency_code, *, actor):
    _editable(election)
    style = style_by_code(election, style_code)
    (place,) = _free_constituencies(session, election, [constituency_code], style.code)
    style.constituencies.append(BallotStyleConstituency(election_id=election.id, constituency=place))
    session.flush()
    record(session, actor=actor, action="election.style.constituency", target=election.audit_target,
           details={"style": style.code, "constituency": place.code})


def _distinct_contests(election, style_code, codes):
    chosen = []
    for code in codes:
        contest = contest_by_code(election, code)
        if contest in chosen:
            raise Refused("style_contest_twice", style=style_code, contest=code, field="contests")
        chosen.append(contest)
    return sorted(chosen, key=lambda c: c.position)


def _free_constituencies(session, election, codes, style_code):
    places = []
    for code in codes:
        code = (code or "").strip().upper() if isinstance(code, str) else ""
        place = session.scalar(select(Constituency).where(Constituency.code == code)) if code else None
        if place is None:
            raise Refused("unknown_constituency", code=code[:16], field="constituencies")
        taken = session.scalar(select(BallotStyle.code).join(BallotStyleConstituency).where(
            BallotStyleConstituency.election_id == election.id,
            BallotStyleConstituency.constituency_id == place.id))
        if taken is not None or place in places:
            raise Refused("constituency_has_style", code=code, style=taken or style_code,
                          field="constituencies")
        places.append(place)
    return places


# -- trustees ------------------------------------------------------------------------

def add_trustee(session, election, *, actor, email):
    """Make the staff member with the trustee role and this address the next trustee (1..n)."""
    _editable(election)
    email = (email or "").strip().lower() if isinstance(email, str) else ""
    user = session.scalar(select(User).where(User.email == email)) if email else None
    if user is None or user.role is not Role.TRUSTEE or not user.active:
        raise Refused("trustee_not_trustee", email=email[:254], field="email")
    if any(t.user_id == user.id for t in election.trustees):
        raise Refused("trustee_already", email=email, field="email")
    index = max((t.index for t in election.trustees), default=0) + 1
    trustee = ElectionTrustee(index=index, user=user)
    election.trustees.append(trustee)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # added a moment ago by a concurrent request
        raise Refused("trustee_already", email=email, field="email") from None
    record(session, actor=actor, action="election.trustee.add", target=election.audit_target,
           details={"index": index, "trustee": f"user:{user.id}"})
    return trustee


def remove_trustee(session, election, index, *, actor):
    """Remove trustee `index`; the later ones move up, so that the indices stay 1..n."""
    _editable(election)
    trustees = list(election.trustees)
    gone = next((t for t in trustees if t.index == index), None)
    if gone is None:
        raise Refused("trustee_not_trustee", email=str(index), field="index")
    election.trustees.remove(gone)
    session.flush()
    for trustee in sorted(election.trustees, key=lambda t: t.index):
        if trustee.index > index:
            trustee.index -= 1
            session.flush()
    record(session, actor=actor, action="election.trustee.remove", target=election.audit_target,
           details={"index": index, "trustee": f"user:{gone.user_id}"})


# -- completeness and the ceremony ----------------------------------------------------

def check_complete(election):
    """Raise the first reason the definition is not ready for the key ceremony."""
    if not election.contests:
        raise Refused("election_no_contest")
    if None in (election.registration_deadline, election.tokens_open, election.voting_opens,
                election.voting_closes, election.election_day):
        raise Refused("election_timeline_incomplete")
    carried = {row.contest_id for style in election.ballot_styles for row in style.style_contests}
    for contest in election.contests:
        if len(contest.options) < max(contest.max_selections, 1):
            raise Refused("contest_too_few_options", contest=contest.code,
                          options=len(contest.options), max=contest.max_selections)
        if contest.id not in carried:
            raise Refused("contest_on_no_style", contest=contest.code)
    for style in election.ballot_styles:
        if not style.style_contests:
            raise Refused("style_without_contest", style=style.code)
        if not style.constituencies:
            raise Refused("style_without_constituency", style=style.code)
    n, k = len(election.trustees), election.threshold
    if k is None or not 1 <= k <= n:
        raise Refused("election_bad_threshold", k=k or 0, n=n)


def start_ceremony(session, election, *, actor):
    """Draft -> ceremony, once the definition is complete; the trustees then make the key."""
    check_complete(election)
    election.start_ceremony()
    session.flush()
    record(session, actor=actor, action="election.ceremony.start", target=election.audit_target,
           details={"threshold": election.threshold, "trustees": len(election.trustees)})
    return election


def abandon_ceremony(session, election, *, actor):
    """Ceremony -> draft: to change the trustees (one was dishonest) and start again."""
    election.abandon_ceremony()
    session.flush()
    record(session, actor=actor, action="election.ceremony.abandon", target=election.audit_target)
    return election


def count_trustees(session, election):
    return session.scalar(select(func.count()).select_from(ElectionTrustee)
                          .where(ElectionTrustee.election_id == election.id))
