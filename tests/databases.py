"""Throw-away databases for the tests, on SQLite or PostgreSQL.

OVOTE_DATABASE_URL names the server (CI's second run points it at PostgreSQL);
each call to `fresh_database(name)` gives an empty database of its own there
(a new SQLite file, or a PostgreSQL database `<db>_<name>` dropped and created),
so that tests which really commit (browser, concurrency) never meet the
SAVEPOINT-isolated ones.
"""
import os

from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def base_url():
    return os.environ.get("OVOTE_DATABASE_URL", "")


def fresh_database(name, folder):
    url = base_url()
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{folder / f'{name}.sqlite3'}"
    parsed = make_url(url)
    target = f"{parsed.database}_{name}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": target})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target}"'))
        conn.execute(text(f'CREATE DATABASE "{target}"'))
    admin.dispose()
    return parsed.set(database=target).render_as_string(hide_password=False)


def upgrade_to_head(app):
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
