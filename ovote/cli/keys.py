"""`ovote keys rotate-data-key`: re-encrypt personal data under the newest data key."""
import click

from ovote.schema import with_database
from ovote.extensions import db
from ovote.key_rotation import rotate_data_key
from ovote.runtime import runtime


@click.group(help="Encryption keys of personal data.")
def keys():
    pass


@keys.command("rotate-data-key")
@click.option("--dry-run", is_flag=True, help="Count what would be re-encrypted; change nothing.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(min=1),
              help="Rows per transaction.")
@with_database
def rotate(dry_run, batch_size):
    """Re-encrypt every sealed value and document under the FIRST key of OVOTE_DATA_KEYS.

    Put the new key first in OVOTE_DATA_KEYS and keep the old ones after it, run
    this command (it is safe to run again), then the old keys may be dropped.
    """
    rt = runtime()
    report = rotate_data_key(db.session, actor="cli", cipher=rt.cipher, documents=rt.documents,
                             batch_size=batch_size, dry_run=dry_run)
    verb = "would re-encrypt" if dry_run else "re-encrypted"
    click.echo(f"current data key: {report.key_id}")
    for where, count in report.counts.items():
        click.echo(f"  {where:<40} {count.checked:>7} checked, {verb} {count.resealed}")
    for where, what in report.errors:
        click.echo(f"error: {where}: {what}", err=True)
    if report.errors:
        raise click.ClickException(f"{len(report.errors)} value(s) could not be opened with any key "
                                   "in OVOTE_DATA_KEYS; keep the old keys and investigate")
    click.echo(f"{verb} {report.resealed} value(s); "
               + ("run without --dry-run to apply" if dry_run else
                  "every value is now under the current key: older keys may be removed"))
