import click

from ovote.accounts.errors import AccountError
from ovote.accounts.models import Role
from ovote.accounts.staff import create_staff
from ovote.schema import with_database
from ovote.extensions import db
from ovote.refusals import message_of
from ovote.runtime import runtime


@click.group(help="Administration of accounts.")
def admin():
    pass


@admin.command("create-commissioner")
@click.argument("email")
@click.password_option(help="The new commissioner's password (prompted if not given).")
@with_database
def create_commissioner(email, password):
    """Create the first commissioner account; they enrol TOTP at first login."""
    rt = runtime()
    try:
        user = create_staff(db.session, actor="cli", email=email, role=Role.COMMISSIONER,
                            password=password, settings=rt.settings, passwords=rt.passwords,
                            cipher=rt.cipher, mailer=rt.mailer)
    except AccountError as exc:
        raise click.ClickException(message_of(exc)) from None
    db.session.commit()
    click.echo(f"commissioner {user.email} created (id {user.id}); enrol TOTP at first login")
