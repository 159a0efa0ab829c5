import click
from flask.cli import with_appcontext

from ovote.audit.services import count, verify_chain
from ovote.extensions import db


@click.group(help="The hash-chained audit log.")
def audit():
    pass


@audit.command("verify")
@with_appcontext
def verify():
    """Check every event's hash and link; exit 1 naming the first broken event."""
    broken = verify_chain(db.session)
    if broken is not None:
        click.echo(f"audit chain BROKEN at event {broken.seq}: {broken.reason}", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain intact: {count(db.session)} events")
