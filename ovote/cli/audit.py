import click

from ovote.audit.services import count, head, verify_chain
from ovote.schema import with_database
from ovote.extensions import db


@click.group(help="The hash-chained audit log.")
def audit():
    pass


def _anchor(ctx, param, values):
    anchors = []
    for value in values:
        seq, _, digest = value.partition(":")
        if not (seq.isdigit() and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
            raise click.BadParameter(f"{value!r} is not SEQ:HASH (as printed by this command)")
        anchors.append((int(seq), digest))
    return anchors


@audit.command("verify")
@click.option("--anchor", "anchors", multiple=True, callback=_anchor, metavar="SEQ:HASH",
              help="A head printed by an earlier run and kept elsewhere; it must still be in "
                   "the chain, unchanged (catches dropped newest events or a rewritten log).")
@with_database
def verify(anchors):
    """Check every event's hash and link; exit 1 naming the first broken event.

    Prints the chain's head (SEQ:HASH): publish or keep it outside the database,
    and pass it back with --anchor later.
    """
    broken = verify_chain(db.session, anchors=anchors)
    if broken is not None:
        click.echo(f"audit chain BROKEN at event {broken.seq}: {broken.reason}", err=True)
        raise SystemExit(1)
    seq, digest = head(db.session)
    click.echo(f"audit chain intact: {count(db.session)} events")
    click.echo(f"head {seq}:{digest}")
