"""The `ovote` command (also `flask --app ovote ...`)."""
import click
from flask.cli import FlaskGroup


def init_cli(app):
    from ovote.cli.admin import admin
    from ovote.cli.audit import audit
    from ovote.cli.demo import demo
    from ovote.cli.keys import keys
    from ovote.cli.mail import mail
    from ovote.consulates.cli import constituency
    from ovote.registration.cli import registry

    for command in (admin, audit, demo, keys, mail, constituency, registry):
        app.cli.add_command(command)


def _create_app():
    from ovote import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """ovote: out-of-country voting. Run `ovote COMMAND --help` for each command."""


def _register_app_free_commands():
    # Registered on the group itself, not through init_cli: these run
    # without building the app (no configuration, no database).
    from ovote.cli.verify import verify

    main.add_command(verify)


_register_app_free_commands()
