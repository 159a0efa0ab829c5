"""`ovote registration purge`: delete the personal data of applications whose retention
period has ended (the rule is in ovote.elections.retention and on the privacy page)."""
from datetime import datetime

import click

from ovote.elections.retention import purge_expired
from ovote.extensions import db
from ovote.registration.models import ApplicationState
from ovote.runtime import runtime
from ovote.schema import with_database


@click.group(help="Applications to the overseas register.")
def registration():
    pass


@registration.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; change nothing.")
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(min=1),
              help="Applications read at a time (each is deleted in its own transaction).")
@click.option("--now", "now_text", hidden=True, help="Pretend it is this UTC time (tests).")
@with_database
def purge(dry_run, batch_size, now_text):
    """Delete the personal data of rejected and withdrawn applications that ended more than
    OVOTE_RETENTION_MONTHS months ago, keeping an anonymous record of each.

    Applications of voters still needed for an election whose results are not yet
    published are kept until they are. Run it daily from cron; runs may overlap, and a
    second run deletes nothing more.
    """
    now = datetime.fromisoformat(now_text) if now_text else None
    rt = runtime()
    report = purge_expired(db.session, actor="cli", settings=rt.settings, documents=rt.documents,
                           now=now, dry_run=dry_run, batch_size=batch_size)
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"retention: {rt.settings.retention_months} month(s); applications that ended on or "
               f"before {report.cutoff:%Y-%m-%d %H:%M} UTC are due")
    for state in (ApplicationState.REJECTED, ApplicationState.WITHDRAWN):
        click.echo(f"  {state.value:<10} {verb} {len(report.purged[state])}")
    click.echo(f"  documents  {verb} {report.documents}")
    click.echo(f"  kept for an election whose results are not yet published: {report.held}")
    click.echo(f"{verb} the personal data of {report.count} application(s)"
               + ("; run without --dry-run to apply" if dry_run else ""))
