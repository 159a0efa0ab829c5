"""Side effects that belong to a transaction: run once it commits, or once it rolls back.

A service that changes rows and also acts outside the database (sends a mail, deletes a
replaced file) must not act before the change is certain: nobody may be told of a
change that did not happen, and no row may point at a file already deleted. It hands
the act to `on_commit` (and, where the act already happened, its undoing to
`on_rollback`). One pair of listeners serves every such act; a SAVEPOINT's release or
rollback is not the end of the transaction and runs nothing.
"""
import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_ON_COMMIT, _ON_ROLLBACK = "ovote.on_commit", "ovote.on_rollback"


def on_commit(session, action):
    """Call `action()` once `session`'s transaction commits; drop it if it rolls back."""
    _join(session).info.setdefault(_ON_COMMIT, []).append(action)


def on_rollback(session, action):
    """Call `action()` if `session`'s transaction rolls back; drop it once it commits."""
    _join(session).info.setdefault(_ON_ROLLBACK, []).append(action)


def _join(session):
    # Join the transaction now, so that its rollback is a real one (and runs what it must).
    session.connection()
    return session


def _run(actions):
    for action in actions:
        try:
            action()
        except Exception:  # noqa: BLE001 - the transaction has ended; the others still run
            log.exception("a side effect after the end of a transaction failed")


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the outer transaction may still roll back
    session.info.pop(_ON_ROLLBACK, None)
    _run(session.info.pop(_ON_COMMIT, []))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    if session.in_nested_transaction():
        return
    session.info.pop(_ON_COMMIT, None)
    _run(session.info.pop(_ON_ROLLBACK, []))
