"""Deleting the personal data of applications at the end of their retention period.

It sits with the elections because the rule depends on them: what an election not yet
published still needs is kept.

The privacy notice (templates/pages/privacy.html) promises exactly this:

- An application in play (a draft, submitted, more information asked for, verified)
  is kept: it is the voter's application, or their place on the register.
- A rejected application ends when it is rejected (`decided_at`), a withdrawn one
  when it is withdrawn (`withdrawn_at`). Its personal data is deleted once
  OVOTE_RETENTION_MONTHS calendar months have passed since it ended.
- It is kept longer, with every other application of the same voter, while the voter
  is needed for an election whose results are not yet published (frozen, open,
  closed, tallying or tallied): a voter on the register now, and a voter whose
  verified application was withdrawn after that election was frozen (the register its
  reporting units were made from counted them, and they may hold a ballot token).

Deleting means: every sealed column, the blind indexes, the date of birth, the
passport's state and expiry, the country of residence, the home constituency and
voting channel, the officials' notes, the stored results of the automatic checks,
and the uploaded document (its file is removed once the deletion is committed).
What stays is an anonymous record: the state, the dates, the consulate, the reason
code of the decision and the officials who made it, so that counts stay right.
The voter's account is not touched (nor are ballot token issuances, which name the
account); the audit log never held the application's content.

Each application is purged in its own transaction under its row lock, after
checking again that it is still due: two runs at once purge it once, and a run
that stops half-way is finished by the next. Each purge is one audit event.
"""
import calendar
import logging
from dataclasses import dataclass, field

from sqlalchemy import delete, exists, func, or_, select, update

from ovote.after_commit import on_commit
from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.consulates.models import Consulate
from ovote.elections.models import Election, ElectionState
from ovote.registration.in_person_models import IdentityCheck
from ovote.registration.models import (PURGED_COLUMNS, Application, ApplicationState, CheckResult,
                                       Decision)

log = logging.getLogger(__name__)

S = ApplicationState
#: elections whose register must be kept: frozen, results not yet published
UNPUBLISHED = (ElectionState.FROZEN, ElectionState.OPEN, ElectionState.CLOSED,
               ElectionState.TALLYING, ElectionState.TALLIED)
#: columns emptied besides PURGED_COLUMNS (not personal on their own, but about the person)
ALSO_EMPTIED = ("passport_state", "passport_expiry", "residence_country", "constituency_id",
                "voting_channel", "document_type", "document_size",
                # an applicant without a valid document: why, in their own words, and what they hold
                "no_document_reason", "no_document_explanation_enc", "documents_held")


def months_before(moment, months):
    """`moment` moved back by calendar months (the 31st of a shorter month becomes its last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class PurgeReport:
    """What a run did (or, in a dry run, would do)."""

    dry_run: bool
    cutoff: object
    #: application ids purged (dry run: due), by state
    purged: dict = field(default_factory=lambda: {S.REJECTED: [], S.WITHDRAWN: []})
    #: documents removed from the store (dry run: that would be)
    documents: int = 0
    #: applications past their period but kept for an election not yet published
    held: int = 0

    @property
    def count(self):
        return sum(len(ids) for ids in self.purged.values())


def _ended_before(cutoff):
    """Rejected or withdrawn, not yet purged, and ended on or before `cutoff`."""
    return (Application.purged_at.is_(None),
            or_((Application.state == S.REJECTED) & (Application.decided_at <= cutoff),
                (Application.state == S.WITHDRAWN) & (Application.withdrawn_at <= cutoff)))


def _held_for_an_election():
    """True for an application whose voter an election not yet published still needs: the
    voter is on the register now, or one of their verified applications was withdrawn
    after such an election was frozen. (A ballot token is only ever issued to a voter
    verified at the time, for a frozen election: every token holder is one of these.)"""
    unpublished = select(Election.id).where(Election.state.in_(UNPUBLISHED))
    other = Application.__table__.alias("other")
    on_the_register = unpublished.exists() & exists().where(
        other.c.voter_id == Application.voter_id, other.c.state == S.VERIFIED.value)
    # a withdrawn application has a decided_at only if it was verified before
    left_the_register_during_one = exists().where(
        other.c.voter_id == Application.voter_id, other.c.state == S.WITHDRAWN.value,
        other.c.decided_at.is_not(None),
        exists().where(Election.state.in_(UNPUBLISHED), Election.frozen_at <= other.c.withdrawn_at))
    return or_(on_the_register, left_the_register_during_one)


def due(session, *, now, retention_months):
    """Ids of the applications whose personal data is due for deletion at `now`, oldest first."""
    cutoff = months_before(now, retention_months)
    return session.scalars(select(Application.id).where(*_ended_before(cutoff), ~_held_for_an_election())
                           .order_by(Application.id)).all()


def held(session, *, now, retention_months):
    """How many applications are past their period but kept for an election not yet published."""
    cutoff = months_before(now, retention_months)
    return session.scalar(select(func.count()).select_from(Application)
                          .where(*_ended_before(cutoff), _held_for_an_election()))


def purge_application(session, application_id, *, actor, documents, now, cutoff):
    """Empty one application if it is still due, audit it, and remove its file once this
    commits. Returns (state, had a document), or None when it is no longer due: another
    run purged it first, or its voter became needed for an election meanwhile.

    The emptying UPDATE is also the claim: it names the conditions again, so that of
    two runs the second changes no row (on PostgreSQL it waits for the first's row lock,
    then re-reads the row; SQLite has one writer at a time)."""
    found = session.execute(select(Application.state, Application.document_file, Application.consulate_id)
                            .where(Application.id == application_id)).one_or_none()
    if found is None:
        return None
    state, name, consulate_id = found
    values = {column: None for column in PURGED_COLUMNS + ALSO_EMPTIED}
    claimed = session.execute(update(Application)
                              .where(Application.id == application_id, *_ended_before(cutoff),
                                     ~_held_for_an_election())
                              .values(purged_at=now, **values).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.rollback()
        return None
    session.execute(delete(CheckResult).where(CheckResult.application_id == application_id))
    session.execute(update(Decision).where(Decision.application_id == application_id)
                    .values(note=None).execution_options(synchronize_session=False))
    session.execute(update(IdentityCheck).where(IdentityCheck.application_id == application_id)
                    .values(notes_enc=None).execution_options(synchronize_session=False))
    consulate = session.get(Consulate, consulate_id) if consulate_id else None
    record(session, actor=actor, action="application.purge", target=f"application:{application_id}",
           details={"state": state.value, "consulate": consulate.code if consulate else None,
                    "document": name is not None})
    if name:
        on_commit(session, lambda: documents.delete(name))
    return state, name is not None


def purge_expired(session, *, actor, settings, documents, now=None, dry_run=False, batch_size=100):
    """Delete the personal data of every application past its retention period
    (`settings.retention_months` months after it ended; see the module's docstring).

    Reads the due ids in batches and commits after each application; a dry run writes
    and commits nothing. Returns a PurgeReport. Safe to run at the same time as another
    run, and again.
    """
    now = now or utcnow()
    months = settings.retention_months
    cutoff = months_before(now, months)
    report = PurgeReport(dry_run=dry_run, cutoff=cutoff, held=held(session, now=now, retention_months=months))
    last = 0
    while True:
        rows = session.execute(select(Application.id, Application.state, Application.document_file)
                               .where(Application.id > last, *_ended_before(cutoff), ~_held_for_an_election())
                               .order_by(Application.id).limit(batch_size)).all()
        if not rows:
            break
        last = rows[-1].id
        for application_id, state, name in rows:
            if dry_run:
                report.purged[state].append(application_id)
                report.documents += name is not None
                continue
            done = purge_application(session, application_id, actor=actor, documents=documents,
                                     now=now, cutoff=cutoff)
            if done is None:
                continue
            session.commit()
            report.purged[done[0]].append(application_id)
            report.documents += done[1]
    session.rollback()  # a dry run's reads; after a real run there is nothing left to end
    session.expire_all()
    log.info("retention: %s application(s) %s, %s document(s), %s kept for an election",
             report.count, "due" if dry_run else "purged", report.documents, report.held)
    return report
