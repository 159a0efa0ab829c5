"""`ovote constituency ...`: the home constituencies the register and the civil registry refer to."""
import click

from ovote.schema import with_database
from ovote.consulates import services
from ovote.extensions import db
from ovote.refusals import message_of


@click.group(help="Home constituencies.")
def constituency():
    pass


@constituency.command("add")
@click.argument("code")
@click.argument("name")
@with_database
def add(code, name):
    """Add the constituency CODE (as written in the civil-registry CSV) named NAME."""
    try:
        created = services.create_constituency(db.session, actor="cli", code=code, name=name)
    except services.ConstituencyError as exc:
        raise click.ClickException(message_of(exc)) from None
    db.session.commit()
    click.echo(f"constituency {created.code} added: {created.name}")


@constituency.command("list")
@with_database
def list_():
    """List the constituencies."""
    for row in services.list_constituencies(db.session):
        click.echo(f"{row.code:<16} {row.name}")
