"""`ovote mail retry`: send again the messages the mail server did not take."""
import click
from sqlalchemy import func, select

from ovote.schema import with_database
from ovote.extensions import db
from ovote.mail import UndeliveredMail, retry_undelivered
from ovote.runtime import runtime


@click.group(help="Outgoing mail.")
def mail():
    pass


@mail.command("retry")
@click.option("--all", "everything", is_flag=True,
              help="Try every kept message now, not only those whose next attempt is due.")
@with_database
def retry(everything):
    """Send again the messages kept after the mail backend refused them.

    Run it every few minutes (cron, a systemd timer). Each message is tried again
    after 1, 2, 4 ... minutes, at most every 6 hours, and dropped when the server
    refuses it for good (a 5xx reply) or after 3 days. Exits 1 while messages
    remain undelivered or when some were dropped, so that monitoring notices.
    """
    report = retry_undelivered(db.session, mailer=runtime().mailer, everything=everything)
    waiting, oldest = db.session.execute(
        select(func.count(), func.min(UndeliveredMail.created_at))).one()
    db.session.commit()
    click.echo(f"sent {report.sent}, failed again {report.failed}, dropped {report.dropped}, "
               f"{waiting} kept for a later attempt")
    if report.dropped:
        raise click.ClickException(f"{report.dropped} message(s) dropped, undelivered; see the log")
    if waiting:
        raise click.ClickException(f"{waiting} message(s) undelivered, the oldest since "
                                   f"{oldest:%Y-%m-%d %H:%M} UTC; see the log for the mail server's answer")
