"""The `ovote` command (also `flask --app ovote ...`).

Most commands work on the server's database and run inside the Flask app.
`ovote trustee` runs on a trustee's own machine, where there is no server
(DESIGN.md §2): `main` hands it its arguments before Flask is even
imported, so it builds no app, and every other command goes to the Flask
group as before.
"""
import sys
from importlib import import_module

import click

#: Commands that build no app: name -> (module, attribute), imported on demand.
STANDALONE = {"trustee": ("ovote.cli.trustee", "trustee")}


def standalone_command(name: str) -> click.Command:
    module, attribute = STANDALONE[name]
    return getattr(import_module(module), attribute)


def init_cli(app):
    from ovote.cli.admin import admin
    from ovote.cli.audit import audit
    from ovote.cli.demo import demo
    from ovote.cli.keys import keys
    from ovote.cli.mail import mail
    from ovote.consulates.cli import constituency
    from ovote.elections.cli import election
    from ovote.registration.cli import registry

    for command in (admin, audit, demo, keys, mail, constituency, registry, election):
        app.cli.add_command(command)
    for name in STANDALONE:
        app.cli.add_command(standalone_command(name), name)


def _create_app():
    from ovote import create_app

    return create_app()


HELP = "ovote: out-of-country voting. Run `ovote COMMAND --help` for each command."


def web_group() -> click.Group:
    """The Flask group of the server's commands (built on first use)."""
    from flask.cli import FlaskGroup

    group = FlaskGroup(name="ovote", create_app=_create_app, add_version_option=False, help=HELP)
    for name in STANDALONE:
        group.add_command(standalone_command(name), name)
    return group


class Ovote(click.Group):
    """Dispatch: standalone commands directly, the rest through `web_group`."""

    def main(self, args=None, prog_name=None, **extra):
        argv = sys.argv[1:] if args is None else list(args)
        if argv and argv[0] in STANDALONE:
            prog = f"{prog_name or 'ovote'} {argv[0]}"
            return standalone_command(argv[0]).main(args=argv[1:], prog_name=prog, **extra)
        return web_group().main(args=argv, prog_name=prog_name, **extra)


main = Ovote(name="ovote", help=HELP)
