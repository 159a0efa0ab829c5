"""Opening and closing elections, by hand or by their timeline (`ovote election tick`).

Every move goes through the model's transition methods on a row locked for the
transaction (SELECT ... FOR UPDATE on PostgreSQL; SQLite has one writer), re-read
after the lock is granted: two hosts running the tick at the same minute move each
election once, and the second finds nothing left to do.
"""
import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from ovote.accounts.models import utcnow
from ovote.audit.services import record
from ovote.elections.models import Election, ElectionState

log = logging.getLogger(__name__)
_close_hooks = []


def on_close(hook):
    """Register `hook(session, election, *, cipher)`, run in the closing transaction after the
    state moved (the voting domain writes the signed close statement, §3.11, there, with the
    receipt key `cipher` unseals)."""
    _close_hooks.append(hook)
    return hook


def _locked(session, election_id):
    return session.scalar(select(Election).where(Election.id == election_id).with_for_update()
                          .execution_options(populate_existing=True))


def open_election(session, election, *, actor, now=None):
    """Frozen -> open: ballots are accepted from now on. Audited; the caller commits."""
    election = _locked(session, election.id)
    election.open(now)
    session.flush()
    record(session, actor=actor, action="election.open", target=election.audit_target,
           details={"fingerprint": election.fingerprint})
    log.info("election %s opened by %s", election.slug, actor if isinstance(actor, str) else "user")
    return election


def close_election(session, election, *, actor, cipher, now=None):
    """Open -> closed: no ballot is accepted any more. Audited; the caller commits."""
    election = _locked(session, election.id)
    election.close(now)
    session.flush()
    for hook in _close_hooks:
        hook(session, election, cipher=cipher)
    record(session, actor=actor, action="election.close", target=election.audit_target,
           details={"fingerprint": election.fingerprint})
    log.info("election %s closed", election.slug)
    return election


@dataclass
class TickReport:
    opened: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    frozen: list = field(default_factory=list)
    mails: dict = field(default_factory=dict)  # notice -> count sent


def move_by_timeline(session, *, cipher, actor="tick", now=None, report=None):
    """Open the frozen elections whose voting has begun (and not ended), close the open
    ones whose voting has ended; each in its own short transaction."""
    now = now or utcnow()
    report = report or TickReport()
    due_open = session.scalars(select(Election.id).where(
        Election.state == ElectionState.FROZEN, Election.voting_opens <= now,
        Election.voting_closes > now)).all()
    due_close = session.scalars(select(Election.id).where(
        Election.state == ElectionState.OPEN, Election.voting_closes <= now)).all()
    session.commit()
    for election_id in due_open:
        election = _locked(session, election_id)
        if election.state is ElectionState.FROZEN and election.voting_opens <= now < election.voting_closes:
            open_election(session, election, actor=actor, now=now)
            report.opened.append(election.slug)
        session.commit()
    for election_id in due_close:
        election = _locked(session, election_id)
        if election.state is ElectionState.OPEN and election.voting_closes <= now:
            close_election(session, election, actor=actor, cipher=cipher, now=now)
            report.closed.append(election.slug)
        session.commit()
    return report
