"""`ovote vote audit FILE` (in `ovote.cli.vote`): what an audited encryption contains.

Pure: reads the audit document the browser client downloads after "check
this encryption" and opens it with `ovote.crypto.audit` only (no app, no
database, no network), so a voter or an observer can check on their own
machine that the browser encrypted what the voter chose.
"""

import json

import click

from ovote.crypto.audit import open_audit
from ovote.crypto.errors import CryptoError


def _label(labels, language):
    return labels.get(language) or next(iter(labels.values()))


def _hex32(ctx, param, value):
    if value is None:
        return None
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise click.BadParameter("the election fingerprint is 64 lowercase hex digits")
    return bytes.fromhex(value)


@click.command("audit")
@click.argument("file", type=click.File("rb"))
@click.option("--fingerprint", callback=_hex32, metavar="HEX",
              help="The election fingerprint you expect (from the voting page or the board).")
@click.option("--language", default="en", show_default=True, help="Language of the labels shown.")
def audit(file, fingerprint, language):
    """Say what an audited (never cast) ballot encrypts; exit 1 if it does not open."""
    try:
        document = json.loads(file.read().decode("utf-8"))
        result = open_audit(document, fingerprint=fingerprint)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise click.ClickException(f"not a JSON audit file: {exc}") from None
    except CryptoError as exc:
        raise click.ClickException(f"the audit fails ({exc.code}): {exc}") from None
    manifest = {c["id"]: c for c in document["definition"]["manifest"]["contests"]}
    click.echo(f"Tracking code {result.tracking_code} (unit {result.unit}).")
    click.echo("Every selection opens with its revealed randomness and every proof holds.")
    click.echo("This ballot must not be cast: its randomness is now public.")
    for contest in result.contests:
        spec = manifest[contest.id]
        options = {o["id"]: _label(o["labels"], language) for o in spec["options"]}
        chosen = ", ".join(options[o] for o in contest.chosen) or "(none: blank)"
        click.echo(f"{_label(spec['labels'], language)}: {chosen}")

