"""Reading the bulletin board, and signing its final state at the close (§3.8, §3.11)."""
from sqlalchemy import Integer, cast, func, select

from ovote.crypto.board import chain_start, format_received_at, sign_close
from ovote.elections.models import ReportingUnit
from ovote.elections.timeline import on_close
from ovote.errors import Refused
from ovote.voting.material import receipt_key
from ovote.voting.models import BoardEntry, BoardHead

DEFAULT_PAGE, MAX_PAGE = 100, 1000


class UnknownTrackingCode(Refused):
    code = "unknown_tracking_code"


def entry_document(entry, unit_code) -> dict:
    """An entry as the board API shows it."""
    return {"seq": entry.seq, "tracking_code": entry.tracking_code, "chain": entry.chain,
            "superseded": entry.superseded, "received_at": format_received_at(entry.received_at),
            "unit": unit_code}


def head_of(session, election) -> tuple[int, str]:
    """(seq, chain value) of the board's end; (0, fingerprint) when it is empty."""
    head = session.get(BoardHead, election.id)
    if head is None:
        return 0, chain_start(bytes.fromhex(election.fingerprint)).hex()
    return head.seq, head.head


def page(session, election, *, after=0, limit=DEFAULT_PAGE):
    """Entries with seq > `after`, in seq order, at most `limit` (1..1000)."""
    rows = session.execute(
        select(BoardEntry, ReportingUnit.code).join(ReportingUnit, BoardEntry.unit_id == ReportingUnit.id)
        .where(BoardEntry.election_id == election.id, BoardEntry.seq > after)
        .order_by(BoardEntry.seq).limit(limit)).all()
    return [entry_document(entry, code) for entry, code in rows]


def find(session, election, tracking_code):
    """``(entry document, ballot bytes)`` of a tracking code; UnknownTrackingCode if none."""
    if not isinstance(tracking_code, str) or len(tracking_code) != 64:
        raise UnknownTrackingCode()
    row = session.execute(
        select(BoardEntry, ReportingUnit.code).join(ReportingUnit, BoardEntry.unit_id == ReportingUnit.id)
        .where(BoardEntry.election_id == election.id,
               BoardEntry.tracking_code == tracking_code)).first()
    if row is None:
        raise UnknownTrackingCode()
    entry, code = row
    return entry_document(entry, code), entry.ballot


def counts(session, election) -> dict:
    """How many ballots are on the board, and how many of them count."""
    total, superseded = session.execute(
        select(func.count(), func.coalesce(func.sum(cast(BoardEntry.superseded, Integer)), 0))
        .where(BoardEntry.election_id == election.id)).one()
    return {"entries": total, "counted": total - superseded, "superseded": superseded}


def close_statement(session, election, *, cipher) -> dict:
    """Sign the board's final state with the receipt key (§3.11).

    Call it in the transaction that closes the election, after the state has
    changed: it takes the head's lock, so a cast still appending finishes first
    and no cast can append after (each re-reads the state under that lock).
    """
    head = session.scalar(select(BoardHead).where(BoardHead.election_id == election.id)
                          .with_for_update().execution_options(populate_existing=True))
    fingerprint = bytes.fromhex(election.fingerprint)
    seq, value = (head.seq, bytes.fromhex(head.head)) if head else (0, chain_start(fingerprint))
    return sign_close(receipt_key(election, cipher=cipher), fingerprint, seq, value)


def search(session, election, text, limit=20):
    """Entries whose tracking code starts with `text` (hex digits; dashes and spaces of
    the grouped form are ignored), at most `limit`, in seq order."""
    prefix = "".join(ch for ch in text.lower() if ch in "0123456789abcdef")
    if len(prefix) < 4:
        return []
    rows = session.execute(
        select(BoardEntry, ReportingUnit.code).join(ReportingUnit, BoardEntry.unit_id == ReportingUnit.id)
        .where(BoardEntry.election_id == election.id,
               BoardEntry.tracking_code.startswith(prefix, autoescape=True))
        .order_by(BoardEntry.seq).limit(limit)).all()
    return [entry_document(entry, code) for entry, code in rows]


@on_close
def _sign_the_close(session, election, *, cipher):
    """Hooked into the closing transaction (ovote.elections.timeline.close_election)."""
    election.close_statement = close_statement(session, election, cipher=cipher)
    session.flush()
