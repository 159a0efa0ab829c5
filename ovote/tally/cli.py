"""`ovote tally ...` and `ovote record ...`: the commission's tally and the election record.

Refusals end the command with their message (exit 1) and store nothing; every change is
audited as "cli".
"""
import click

from ovote.elections import services
from ovote.elections.cli import refusals_as_errors
from ovote.extensions import db
from ovote.runtime import runtime
from ovote.schema import with_database
from ovote.tally import aggregation, publishing

ACTOR = "cli"


@click.group(help="The tally: aggregate the counted ballots, publish the results.")
def tally():
    pass


@tally.command("aggregate")
@click.argument("slug")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes summing the ballots (default: every core).")
@with_database
@refusals_as_errors
def aggregate(slug, jobs):
    """Sum the counted ballots of the closed election SLUG per privacy group
    (closed -> tallying). All or nothing: run it again after a failure."""
    election = services.election_by_slug(db.session, slug)
    jobs = jobs or aggregation.default_jobs()
    try:
        with click.progressbar(length=1, label=f"ballots of {slug}", show_pos=True,
                               show_eta=True) as bar:
            def advance(done, total):
                bar.length = max(total, 1)
                bar.update(done - bar.pos)

            groups = aggregation.aggregate(db.session, election, actor=ACTOR, jobs=jobs,
                                           progress=advance)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    counted = {(g.contest, g.name): g.counted for g in groups}
    click.echo(f"{slug} aggregated: {len(groups)} groups, {jobs} processes")
    for (contest, name), n in sorted(counted.items()):
        click.echo(f"  {contest:<16} {name:<32} {n:>9} counted")


@tally.command("publish")
@click.argument("slug")
@with_database
@refusals_as_errors
def publish(slug):
    """Publish the results of the tallied election SLUG (tallied -> published)."""
    publishing.publish(db.session, services.election_by_slug(db.session, slug), actor=ACTOR)
    db.session.commit()
    click.echo(f"{slug}: results published")


@click.group(help="The election record (DESIGN.md §8), which `ovote verify` checks.")
def record():
    pass


@record.command("export")
@click.argument("slug")
@click.argument("target", type=click.Path(dir_okay=True, file_okay=True))
@click.option("--zip", "as_zip", is_flag=True, help="Write TARGET as a .zip file, not a folder.")
@with_database
@refusals_as_errors
def export(slug, target, as_zip):
    """Write the record of the tallied election SLUG into the folder TARGET."""
    election = services.election_by_slug(db.session, slug)
    written = publishing.export_record(db.session, election, target, cipher=runtime().cipher,
                                       as_zip=as_zip)
    db.session.rollback()  # nothing was changed; end the read transaction
    click.echo(f"record of {slug} written to {written}")
