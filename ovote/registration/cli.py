"""`ovote registry import FILE`: load the national civil registry from CSV."""
import click

from ovote.schema import with_database
from ovote.extensions import db
from ovote.refusals import message_of
from ovote.registration import registry as registry_import
from ovote.runtime import runtime


@click.group(help="The national civil registry that applications are checked against.")
def registry():
    pass


@registry.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--skip-invalid", is_flag=True,
              help="Import the good lines even when some are bad (they are reported and left out).")
@with_database
def import_(file, skip_invalid):
    """Import FILE, a CSV with the columns document_number, surname, given_names, birth_date
    (YYYY-MM-DD), citizenship (citizen|not_citizen), disqualified (yes|no), constituency.

    Without --skip-invalid one bad line stops the import and nothing is written.
    """
    try:
        report = registry_import.import_registry(db.session, file, actor="cli", cipher=runtime().cipher,
                                                 skip_invalid=skip_invalid)
    except registry_import.RegistryFileError as exc:
        raise click.ClickException(f"{file.name}: {message_of(exc)}") from None
    for line, message in report.errors:
        click.echo(f"{file.name}:{line}: {message}", err=True)
    if not report.written:
        db.session.rollback()
        raise click.ClickException(f"{len(report.errors)} bad line(s); nothing imported "
                                   "(fix them, or use --skip-invalid)")
    db.session.commit()
    click.echo(f"{report.created} new and {report.updated} updated registry entries imported"
               + (f"; {len(report.errors)} bad line(s) left out" if report.errors else ""))
