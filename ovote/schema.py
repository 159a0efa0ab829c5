"""`with_database`: commands that use the database first check it is migrated (used by
every domain's `cli.py` and by `ovote.cli`, so it lives outside both)."""
import functools

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext

from ovote.extensions import db


def schema_problem():
    """Why the database does not match the migrations in this release, or None."""
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    # The session's own connection: the command goes on in the same transaction, and
    # on SQLite a second connection would wait for the lock the first one holds.
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    heads = set(script.get_heads())
    if current == heads:
        return None
    if not current:
        return "the database has no tables yet: run `ovote db upgrade` first"
    return (f"the database is at revision {', '.join(sorted(current))}, this release needs "
            f"{', '.join(sorted(heads))}: run `ovote db upgrade` first")


def with_database(command):
    """`with_appcontext`, refusing with a clear message (not a traceback about a
    missing table) to run on a database the migrations have not brought up to date."""

    @functools.wraps(command)
    def checked(*args, **kwargs):
        problem = schema_problem()
        if problem:
            raise click.ClickException(problem)
        return command(*args, **kwargs)

    return with_appcontext(checked)
