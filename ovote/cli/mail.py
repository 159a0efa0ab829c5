"""`ovote mail retry`: send again the messages the mail server did not take."""
import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ovote.extensions import db
from ovote.mail import UndeliveredMail, retry_undelivered


@click.group(help="Outgoing mail.")
def mail():
    pass


@mail.command("retry")
@click.option("--all", "everything", is_flag=True,
              help="Try every kept message now, not only those whose next attempt is due.")
@with_appcontext
def retry(everything):
    """Send again the messages kept after the mail backend refused them.

    Run it every few minutes (cron, a systemd timer). Each message is tried again
    after 1, 2, 4 ... minutes, at most every 6 hours. Exits 1 while messages remain
    undelivered, so that monitoring notices a mail server that stays down.
    """
    sent, failed = retry_undelivered(db.session, everything=everything)
    waiting, oldest = db.session.execute(
        select(func.count(), func.min(UndeliveredMail.created_at))).one()
    click.echo(f"sent {sent}, failed again {failed}, {waiting} kept for a later attempt")
    if waiting:
        raise click.ClickException(f"{waiting} message(s) undelivered, the oldest since "
                                   f"{oldest:%Y-%m-%d %H:%M} UTC; see the log for the mail server's answer")
