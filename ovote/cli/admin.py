import click

from ovote.accounts import services
from ovote.accounts.models import Role
from ovote.cli.database import with_database
from ovote.extensions import db


@click.group(help="Administration of accounts.")
def admin():
    pass


@admin.command("create-commissioner")
@click.argument("email")
@click.password_option(help="The new commissioner's password (prompted if not given).")
@with_database
def create_commissioner(email, password):
    """Create the first commissioner account; they enrol TOTP at first login."""
    try:
        user = services.create_staff(db.session, actor="cli", email=email, role=Role.COMMISSIONER,
                                     password=password)
    except services.AccountError as exc:
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"commissioner {user.email} created (id {user.id}); enrol TOTP at first login")
