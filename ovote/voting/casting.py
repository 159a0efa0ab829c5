"""Casting a ballot (DESIGN.md §3.7, §3.8): anonymous, idempotent, revotable.

The order of the checks is §3.8's: election open, unit exists, token, ballot
signature, structure, encodings, proofs; the cheap ones come first so that
garbage costs little, and all of them run before any lock is taken. Then one
short transaction appends the ballot: it locks the election's `BoardHead`
row (nothing else), finds an identical ballot (same receipt again) or the
voting key's earlier ballots (revote: the counted one is superseded), takes
the next seq and chain value, and inserts. Casting writes no audit event and
no log line: the board is its record, and nothing may tie it to a voter.
"""
from dataclasses import dataclass

import hashlib

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import utcnow
from ovote.crypto.ballot_validation import ballot_unit, validate_ballot
from ovote.crypto.board import chain_start, chain_step, format_received_at, sign_receipt
from ovote.crypto.canonical import canonical_json
from ovote.crypto.errors import InvalidBallot
from ovote.elections.models import Election, ElectionState, ReportingUnit
from ovote.errors import Refused
from ovote.voting.material import material_of, receipt_key
from ovote.voting.models import BoardEntry, BoardHead


class ElectionNotOpen(Refused):
    code = "election_not_open"


class UnknownUnit(Refused):
    code = "unknown_unit"


class TooManyRevotes(Refused):
    code = "too_many_revotes"


class BallotRefused(Refused):
    """A §3.8 check failed; `code` is the crypto layer's (bad_token, bad_proof...)."""

    def __init__(self, error: InvalidBallot):
        super().__init__(error.code, detail=str(error))


@dataclass(frozen=True)
class CastResult:
    receipt: dict
    created: bool


def accepting(election, now=None) -> bool:
    """Ballots are accepted while the election is open and before it closes."""
    now = now or utcnow()
    return election.state is ElectionState.OPEN and (
        election.voting_closes is None or now < election.voting_closes)


@dataclass(frozen=True)
class _Target:
    """What the append needs of the election, read before the transaction ends."""

    id: int
    fingerprint: str
    max_revotes: int
    receipt_key: object


def receipt_of(election, entry, *, cipher) -> dict:
    """The receipt of a board entry (Ed25519 is deterministic: always the same bytes)."""
    return _receipt(receipt_key(election, cipher=cipher), election.fingerprint, entry)


def _receipt(key, fingerprint, entry) -> dict:
    return sign_receipt(
        key, election=fingerprint, tracking_code=entry.tracking_code, seq=entry.seq,
        received_at=format_received_at(entry.received_at), board_head=entry.chain,
    )


def cast(session, *, election, ballot, cipher, now=None) -> CastResult:
    """Validate and append `ballot` (parsed with `canonical.parse_json`).

    Returns the receipt and whether a new entry was made (False: the very same
    ballot was already on the board). Raises ElectionNotOpen, UnknownUnit,
    BallotRefused, TooManyRevotes. Ends the caller's transaction and commits.
    """
    if not accepting(election, now):
        raise ElectionNotOpen()
    material = material_of(election)
    target = _Target(election.id, election.fingerprint, material.max_revotes,
                     receipt_key(election, cipher=cipher))
    try:
        unit = material.units.get(ballot_unit(ballot))
        if unit is None:
            raise UnknownUnit(unit=ballot["unit"][:64])
        body = canonical_json(ballot)
        # The very same bytes as a ballot on the board passed every check already: a
        # re-sent ballot gets its receipt without a second validation.
        earlier = _entry(session, target.id, hashlib.sha256(body).hexdigest())
        unit_id = _unit_ids(session, target)[unit.code]
        # No transaction stays open while the ballot is checked (on SQLite it would
        # hold the write lock): the append below starts its own.
        session.rollback()
        if earlier is not None:
            return CastResult(_receipt(target.receipt_key, target.fingerprint, earlier), False)
        validated = validate_ballot(
            ballot, fingerprint=material.fingerprint, unit_id=unit.code,
            ballot_style=unit.ballot_style, unit_key=unit.public_key, joint_key=material.joint_key,
        )
    except InvalidBallot as exc:
        session.rollback()
        raise BallotRefused(exc) from None
    for attempt in range(3):
        try:
            entry = _append(session, target, unit_id, validated, body, now)
            receipt = _receipt(target.receipt_key, target.fingerprint, entry)
            session.commit()
            return CastResult(receipt, True)
        except IntegrityError:
            # The same ballot appended a moment ago by a concurrent request (its
            # tracking code is unique), or a concurrent first ballot that made the
            # head row: look again.
            session.rollback()
            earlier = _entry(session, target.id, validated.tracking_code)
            session.rollback()
            if earlier is not None:
                return CastResult(_receipt(target.receipt_key, target.fingerprint, earlier), False)
            if attempt == 2:
                raise
        except Refused:
            session.rollback()
            raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class _Appended:
    seq: int
    tracking_code: str
    chain: str
    received_at: object


def _append(session, election, unit_id, validated, body, now):
    """One short transaction: lock the head, re-check the state, supersede, insert."""
    head = session.execute(select(BoardHead.seq, BoardHead.head)
                           .where(BoardHead.election_id == election.id).with_for_update()).first()
    if head is None:
        start = chain_start(bytes.fromhex(election.fingerprint)).hex()
        session.execute(insert(BoardHead).values(election_id=election.id, seq=0, head=start))
        head = (0, start)
    # Under the lock, a new statement sees the state as committed now (a close takes
    # this same lock after changing the state, so nothing is appended after it).
    state = session.scalar(select(Election.state).where(Election.id == election.id))
    if state is not ElectionState.OPEN:
        raise ElectionNotOpen()
    voting_key = validated.voting_key.hex()
    earlier = session.scalar(select(func.count()).select_from(BoardEntry).where(
        BoardEntry.election_id == election.id, BoardEntry.voting_key == voting_key))
    if earlier > election.max_revotes:
        raise TooManyRevotes(limit=election.max_revotes)
    if earlier:
        session.execute(update(BoardEntry).where(
            BoardEntry.election_id == election.id, BoardEntry.voting_key == voting_key,
            BoardEntry.superseded.is_(False)).values(superseded=True))
    seq = head[0] + 1
    chain = chain_step(bytes.fromhex(head[1]), validated.tracking_code).hex()
    received = (now or utcnow()).replace(microsecond=0)
    session.execute(insert(BoardEntry).values(
        election_id=election.id, seq=seq, tracking_code=validated.tracking_code, chain=chain,
        superseded=False, received_at=received, unit_id=unit_id, voting_key=voting_key,
        ballot=body))
    session.execute(update(BoardHead).where(BoardHead.election_id == election.id)
                    .values(seq=seq, head=chain))
    return _Appended(seq, validated.tracking_code, chain, received)


_unit_id_cache: dict = {}


def _unit_ids(session, election) -> dict:
    """Unit code -> row id of a frozen election (fixed once frozen; cached)."""
    found = _unit_id_cache.get(election.fingerprint)
    if found is None:
        found = dict(session.execute(select(ReportingUnit.code, ReportingUnit.id)
                                     .where(ReportingUnit.election_id == election.id)).all())
        _unit_id_cache[election.fingerprint] = found
    return found


def _entry(session, election_id, tracking_code):
    return session.scalar(select(BoardEntry).where(
        BoardEntry.election_id == election_id, BoardEntry.tracking_code == tracking_code))
