"""The `ovote` command (also `flask --app ovote ...`)."""
import click
from flask.cli import FlaskGroup


def init_cli(app):
    from ovote.cli.admin import admin
    from ovote.cli.audit import audit
    from ovote.cli.demo import demo
    from ovote.cli.keys import keys
    from ovote.cli.mail import mail
    from ovote.cli.serve import serve
    from ovote.consulates.cli import constituency
    from ovote.registration.cli import registry

    for command in (admin, audit, demo, keys, mail, serve, constituency, registry):
        app.cli.add_command(command)


def _create_app():
    from ovote import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """ovote: out-of-country voting. Run `ovote COMMAND --help` for each command."""
