"""The consular official's side: the queue, decisions with reason codes, four eyes.

An official verifies an application alone when every automatic check passed;
otherwise the first official's "verify" is a proposal that a second official
of the same consulate must confirm. An applicant without a valid document is
verified only after an identity check in person that confirmed the identity,
and always by two officials (a CHECK constraint holds it too). Every act is a
`Decision` row and an audit event. The database refuses two verified
applications on one document.
"""
import logging
from dataclasses import dataclass
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role
from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.errors import Refused
from ovote.registration import notifications
from ovote.registration.access import lock
from ovote.registration.checks import run_checks
from ovote.registration.models import (REVIEWABLE_STATES, Application, ApplicationState, CheckOutcome,
                                       Decision, DecisionAction, IllegalTransition)
from ovote.registration.reasons import ACTIONS, REASONS
from ovote.text import visible_text

log = logging.getLogger(__name__)


class DecisionRefused(Refused):
    """The decision cannot be recorded; the code says why (`decision.*` in ovote.refusals)."""


class NotYourConsulate(DecisionRefused):
    code = "decision.no_such_application"


def check_official(application, official):
    """Refuse (404) unless `official` is an official of the application's consulate and the
    application has reached the consulate."""
    if official.role is not Role.OFFICIAL or official.consulate_id != application.consulate_id \
            or not application.reviewable:
        raise NotYourConsulate()


def _record_decision(session, application, official, transition, *, action, reason_code, note,
                     audit_action, sets_reason=True):
    """Apply `transition` (which brings `verified_documents` in line) and add the Decision row
    inside a SAVEPOINT, so that a refusal by a unique key (a document number another verified
    application holds, in either field) or an illegal transition leaves the session as it
    was; then audit it."""
    session.flush()
    try:
        with session.begin_nested():
            transition()
            if sets_reason:
                application.decision_reason, application.decision_note = reason_code, note or None
            session.add(Decision(application=application, official=official, action=action,
                                 reason_code=reason_code, note=note or None))
            session.flush()
    except IllegalTransition:
        raise DecisionRefused("decision.no_longer_possible",
                              state=application.state.in_sentence) from None
    except IntegrityError:
        log.warning("application %s: verification refused by a unique index", application.id)
        raise DecisionRefused("decision.document_taken") from None
    record(session, actor=official, action=audit_action, target=f"application:{application.id}",
           details={"reason": reason_code, "consulate": application.consulate.code,
                    "state": application.state.value})


def _checked_note(note):
    """The note stripped, or refused (too long, or characters that do not show as they are)."""
    note = (note or "").strip()
    if len(note) > 2000:
        raise DecisionRefused("decision.note_too_long")
    try:
        visible_text(note, multiline=True)
    except Refused as exc:  # the shared rule's code, as a refused decision
        raise DecisionRefused(exc.code, **exc.params) from None
    return note


def decide(session, application, *, official, action, reason_code, note=None, settings, cipher,
           mailer, now=None):
    """Record an official's decision; returns the DecisionAction taken.

    `action` is one of ACTIONS and `reason_code` must be allowed for it. A
    "verify" runs the checks again first; on an application whose checks do not
    all pass it becomes a proposal awaiting a second official (or confirms
    another official's proposal).
    Raises NotYourConsulate (404) and DecisionRefused (409 or 422).
    """
    lock(session, application)
    check_official(application, official)
    allowed = REASONS.get(reason_code, ((), None))[0]
    if action not in ACTIONS or action not in allowed:
        raise DecisionRefused("decision.reason")
    note = _checked_note(note)
    if action == "verify":
        _identity_established(application)
    if action == "verify" and application.awaiting_confirmation:
        return confirm(session, application, official=official, mailer=mailer, note=note, now=now)
    now = now or utcnow()
    if action == "verify":
        # The stored results may predate a registry import or another applicant's use of the
        # same document: one official alone verifies only on results that pass now.
        run_checks(session, application, actor=official, settings=settings, cipher=cipher, now=now)
    if action == "verify" and (application.checks_outcome is not CheckOutcome.PASS
                               or application.no_valid_document):
        done, audit = DecisionAction.PROPOSE_VERIFY, "application.verify_proposed"
        transition = partial(application.propose_verification, official, now)
    elif action == "verify":
        done, audit = DecisionAction.VERIFY, "application.verify"
        transition = partial(application.verify, official, now=now)
    elif action == "reject":
        done, audit = DecisionAction.REJECT, "application.reject"
        transition = partial(application.reject, official, now)
    else:
        done, audit = DecisionAction.REQUEST_INFO, "application.request_info"
        transition = partial(application.request_information, official, now)
    final = done is not DecisionAction.PROPOSE_VERIFY
    _record_decision(session, application, official, transition, action=done, reason_code=reason_code,
                     note=note, audit_action=audit, sets_reason=final)
    if final:
        notifications.notify(session, application, mailer=mailer)
    return done


def _identity_established(application):
    """Without a valid document, the last identity check in person must have confirmed the
    identity."""
    if application.no_valid_document:
        check = application.identity_check
        if check is None or not check.identity_confirmed:
            raise DecisionRefused("decision.identity_not_checked")


def proposal(application):
    """The Decision that proposed the verification awaiting confirmation, or None."""
    if not application.awaiting_confirmation:
        return None
    proposals = [d for d in application.decisions if d.action is DecisionAction.PROPOSE_VERIFY]
    return proposals[-1] if proposals else None


def confirm(session, application, *, official, mailer, note=None, now=None):
    """A second official of the same consulate confirms a proposed verification, with a note
    of their own if they wish (added to the first official's note to the applicant)."""
    lock(session, application)
    check_official(application, official)
    if not application.awaiting_confirmation:
        raise DecisionRefused("decision.nothing_to_confirm")
    if application.verify_proposed_by_id == official.id:
        raise DecisionRefused("decision.same_official")
    _identity_established(application)
    own_note = _checked_note(note)
    proposed = proposal(application)
    reason = proposed.reason_code if proposed else "reviewed_manually"
    first_note = proposed.note if proposed else None
    proposer = application.proposed_by

    def transition():
        application.verify(proposer, confirmed_by=official, now=now)
        application.decision_reason = reason
        application.decision_note = "\n\n".join(n for n in (first_note, own_note) if n) or None

    _record_decision(session, application, official, transition,
                     action=DecisionAction.CONFIRM_VERIFY, reason_code=reason, note=own_note,
                     audit_action="application.verify_confirmed", sets_reason=False)
    notifications.notify(session, application, mailer=mailer)
    return DecisionAction.CONFIRM_VERIFY


def recheck(session, application, *, official, settings, cipher):
    """Run the automatic checks again (e.g. after a civil-registry import)."""
    lock(session, application)
    check_official(application, official)
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.MORE_INFO):
        raise DecisionRefused("decision.not_under_review")
    return run_checks(session, application, actor=official, settings=settings, cipher=cipher)


# -- the queue ---------------------------------------------------------------------------

QUEUE_PAGE = 50


@dataclass(frozen=True)
class Queue:
    applications: list
    by_state: dict
    by_check: dict
    total: int
    page: int
    pages: int


def queue(session, *, consulate, state=None, check=None, page=1):
    """A consulate's applications (drafts excluded), oldest submission first, with counts.

    `state` (an ApplicationState) and `check` (a CheckOutcome) filter; the counts
    are of the whole consulate, so the filter links can show them.
    """
    base = select(Application).where(Application.consulate_id == consulate.id,
                                     Application.state.in_(REVIEWABLE_STATES),
                                     Application.submitted_at.is_not(None))
    by_state = dict(session.execute(
        select(Application.state, func.count()).where(base.whereclause).group_by(Application.state)).all())
    by_check = dict(session.execute(
        select(Application.checks_outcome, func.count()).where(base.whereclause)
        .group_by(Application.checks_outcome)).all())
    query = base
    if state is not None:
        query = query.where(Application.state == state)
    if check is not None:
        query = query.where(Application.checks_outcome == check)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // QUEUE_PAGE))
    page = min(max(1, page), pages)
    rows = session.scalars(query.order_by(Application.submitted_at, Application.id)
                           .offset((page - 1) * QUEUE_PAGE).limit(QUEUE_PAGE)).all()
    return Queue(rows, by_state, by_check, total, page, pages)
