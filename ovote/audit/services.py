"""Appending to and checking the audit chain.

`record` is the one function every state change and every view of personal
data goes through. It flushes; the request (or command) commits, so an event
exists exactly when the change it describes does.
"""
import hashlib
import json
import logging
from dataclasses import dataclass

from sqlalchemy import func, select, text

from ovote.audit.models import AuditEvent
from ovote.clock import utcnow

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_LOCK_KEY = 0x6F766F7465  # "ovote": serialises appends on PostgreSQL


def _canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(seq, at, actor, action, target, details, prev_hash):
    """SHA-256 hex over the canonical JSON of an event's fields and its predecessor's hash."""
    body = {
        "seq": seq,
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "action": action,
        "target": target,
        "details": details,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(_canonical(body).encode()).hexdigest()


def actor_of(user):
    """The audit name of a user (or of the system when there is none)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return "anonymous"
    return f"user:{user.id}"


def record(session, *, actor, action, target="", details=None, at=None):
    """Append an event to the chain and return it.

    `actor` is a user (or None) or a string such as "cli"; `details` a JSON-able
    dict; `at` (naive UTC) replaces the current time where an event must not
    tell more than the day (a ballot token's issuance). Concurrent appends are serialised by a transaction-scoped advisory lock
    on PostgreSQL and by SQLite's single writer; the unique `seq` primary key
    makes a lost race fail loudly rather than fork the chain.
    """
    if not isinstance(actor, str):
        actor = actor_of(actor)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    at = at or utcnow()
    details_json = _canonical(details or {})
    event = AuditEvent(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        target=target,
        details=details_json,
        prev_hash=prev,
        hash=event_hash(seq, at, actor, action, target, json.loads(details_json), prev),
    )
    session.add(event)
    session.flush()
    log.info("audit %s %s %s %s", seq, actor, action, target)
    return event


def record_view(session, *, actor, action, target="", **details):
    """Record that `actor` was shown personal data, and commit that event alone.

    For views and commands (it commits). Whatever the session holds uncommitted is
    rolled back first, so a page shown after a refused change (whose service flushed
    part of it before refusing) never commits that part along with the event.
    """
    session.rollback()
    event = record(session, actor=actor, action=action, target=target, details=details)
    session.commit()
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(session, batch=1000, anchors=()):
    """Walk the whole chain; return None if intact, else the first ChainBreak.

    A chain is only self-consistent: whoever can write the table can drop its
    newest events, or rewrite it all, and still have it verify. `anchors` are
    (seq, hash) pairs published elsewhere earlier (see `head`); each must still
    be in the chain, unchanged.
    """
    anchors = dict(anchors)
    prev, expected_seq = GENESIS, 1
    query = select(AuditEvent).order_by(AuditEvent.seq)
    for event in session.execute(query.execution_options(yield_per=batch)).scalars():
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing (next is {event.seq})")
        if event.prev_hash != prev:
            return ChainBreak(event.seq, "prev_hash does not match the previous event's hash")
        try:
            details = json.loads(event.details)
        except ValueError:
            return ChainBreak(event.seq, "details are not valid JSON")
        # The hash covers the parsed value; the stored text, which the audit page
        # shows, must be exactly its canonical form (a repeated key parses away).
        if event.details != _canonical(details):
            return ChainBreak(event.seq, "details are not in canonical form")
        digest = event_hash(
            event.seq, event.at, event.actor, event.action, event.target, details, event.prev_hash
        )
        if digest != event.hash:
            return ChainBreak(event.seq, "hash does not match the event's contents")
        if event.seq in anchors and anchors.pop(event.seq) != event.hash:
            return ChainBreak(event.seq, "differs from the published anchor")
        prev, expected_seq = event.hash, expected_seq + 1
    if anchors:
        missing = min(anchors)
        return ChainBreak(missing, f"event {missing} of a published anchor is gone (the chain ends at "
                                   f"{expected_seq - 1})")
    return None


def head(session):
    """(seq, hash) of the newest event, (0, GENESIS) for an empty log: the anchor to publish."""
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def count(session):
    return session.scalar(select(func.count()).select_from(AuditEvent))
