"""The `ovote` console script.

Commands that work on files alone — `ovote vote`, `ovote trustee`, `ovote verify`
(DESIGN.md §2) — are dispatched before anything of Flask or the database is
imported, so they run on a voter's, trustee's or observer's machine with no
configuration and build no app. Every other command runs on the app that the
Flask command group builds (`ovote.cli.server.init_cli` registers them).
"""
import sys
from importlib import import_module

import click

#: name -> "module:attribute" of the commands that build no app
PURE_COMMANDS = {
    "trustee": "ovote.cli.trustee:trustee",
    "verify": "ovote.cli.verify:verify",
    "vote": "ovote.cli.vote:vote",
}
HELP = "ovote: out-of-country voting. Run `ovote COMMAND --help` for each command."


def pure_command(name: str) -> click.Command:
    module, attribute = PURE_COMMANDS[name].split(":")
    return getattr(import_module(module), attribute)


def app_group() -> click.Group:
    """The Flask command group of the server's commands, also listing the pure ones."""
    # Imported here, not at the top: the pure commands must not load Flask.
    from flask.cli import FlaskGroup

    from ovote.app import create_app

    group = FlaskGroup(name="ovote", create_app=lambda: create_app(), add_version_option=False,
                       help=HELP)
    for name in PURE_COMMANDS:
        group.add_command(pure_command(name), name)
    return group


class Ovote(click.Group):
    """Sends a pure command's arguments straight to it, the rest to `app_group`."""

    def main(self, args=None, prog_name=None, **extra):
        argv = sys.argv[1:] if args is None else list(args)
        prog_name = prog_name or "ovote"
        if argv and argv[0] in PURE_COMMANDS:
            return pure_command(argv[0]).main(args=argv[1:], prog_name=f"{prog_name} {argv[0]}",
                                              **extra)
        return app_group().main(args=argv, prog_name=prog_name, **extra)


main = Ovote(name="ovote", help=HELP)
