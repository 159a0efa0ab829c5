"""The schema comes only from the Alembic revisions, and they match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from ovote.extensions import db
from tests.conftest import make_app
from tests.databases import fresh_database


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models differ from the migrations; write a revision: {diff}"


def test_every_revision_downgrades_and_upgrades_again(tmp_path):
    app = make_app(fresh_database("roundtrip", tmp_path))
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        assert "users" in inspect(db.engine).get_table_names()
        downgrade(directory=directory, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=directory)
        assert {"users", "consulates", "audit_events"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_commands_refuse_a_database_that_is_not_migrated(tmp_path):
    """A command run before `ovote db upgrade` (or after installing a newer release)
    says so, instead of failing with a traceback about a missing table."""
    app = make_app(fresh_database("unmigrated", tmp_path))
    runner = app.test_cli_runner()
    commands = (["demo"], ["mail", "retry"], ["audit", "verify"], ["constituency", "list"],
                ["keys", "rotate-data-key", "--dry-run"], ["registration", "purge", "--dry-run"])
    for args in commands:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert "the database has no tables yet: run `ovote db upgrade` first" in result.output, args
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0003_undelivered_mail")
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 1
    assert "the database is at revision 0003_undelivered_mail, this release needs 0013_retention" in result.output
    with app.app_context():
        upgrade(directory=directory)
    assert runner.invoke(args=["mail", "retry"]).exit_code == 0
    with app.app_context():
        db.engine.dispose()


def test_the_names_revision_keeps_existing_rows_with_no_other_names(tmp_path):
    """0012_names adds the per-language names to consulates and constituencies that exist
    already: they keep their one name, shown in every language."""
    from sqlalchemy import text

    app = make_app(fresh_database("names", tmp_path))
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0011_no_document")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO constituencies (code, name) VALUES ('NORTH', 'North')"))
        upgrade(directory=directory, revision="0012_names")
        with db.engine.connect() as conn:
            names = conn.execute(text("SELECT names FROM constituencies")).scalar_one()
        assert names in ("{}", {})
        downgrade(directory=directory, revision="0011_no_document")
        assert "names" not in {c["name"] for c in inspect(db.engine).get_columns("constituencies")}
        db.engine.dispose()
