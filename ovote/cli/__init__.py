"""The `ovote` command (also `flask --app ovote ...`).

Most commands work on the server's database and run inside the Flask app.
A few run on voters', trustees' and auditors' own machines and must not
build the app or even import Flask (DESIGN.md §2): they are listed in
`PURE_COMMANDS` and dispatched before anything of the web stack is
imported. They still show in `ovote --help`.
"""
import importlib
import sys

import click

#: name -> "module:attribute" of commands that build no app.
PURE_COMMANDS = {
    "vote": "ovote.cli.vote:vote",
}


def _pure_command(name: str) -> click.Command:
    module, attribute = PURE_COMMANDS[name].split(":")
    return getattr(importlib.import_module(module), attribute)


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


def _create_app():
    from ovote import create_app

    return create_app()


def _app_group() -> click.Group:
    from flask.cli import FlaskGroup

    @click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
    def ovote():
        """ovote: out-of-country voting. Run `ovote COMMAND --help` for each command."""

    for name in PURE_COMMANDS:
        ovote.add_command(_pure_command(name), name)
    return ovote


class _Main(click.Group):
    """Sends a pure command's arguments straight to it, the rest to the
    Flask command group (built only then)."""

    def main(self, args=None, prog_name=None, **extra):
        args = list(sys.argv[1:] if args is None else args)
        prog_name = prog_name or "ovote"
        if args and args[0] in PURE_COMMANDS:
            command = _pure_command(args[0])
            return command.main(args[1:], prog_name=f"{prog_name} {args[0]}", **extra)
        return _app_group().main(args, prog_name=prog_name, **extra)


main = _Main(name="ovote", help="ovote: out-of-country voting.")
