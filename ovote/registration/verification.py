"""The consular official's side: the queue, decisions with reason codes, four eyes.

An official verifies an application alone when every automatic check passed;
otherwise the first official's "verify" is a proposal that a second official
of the same consulate must confirm. Every act is a `Decision` row and an
audit event. The database refuses two verified applications on one document.
"""
import logging
from dataclasses import dataclass
from functools import partial

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role, utcnow
from ovote.audit.services import record
from ovote.errors import Refused
from ovote.registration import notifications
from ovote.registration.access import lock
from ovote.registration.checks import run_checks
from ovote.registration.models import (REVIEWABLE_STATES, Application, ApplicationState, CheckOutcome,
                                       Decision, DecisionAction, IllegalTransition,
                                       sync_verified_documents)
from ovote.refusals import message_of
from ovote.visible_text import visible_text

log = logging.getLogger(__name__)
ACTIONS = ("verify", "request_info", "reject")
#: the fixed reason codes: code -> (the decisions it may go with, label)
REASONS = {
    "identity_confirmed": (("verify",), _l("Identity and eligibility confirmed")),
    "reviewed_manually": (("verify",), _l("Confirmed after checking the flagged points by hand")),
    "document_unreadable": (("request_info",), _l("The document cannot be read")),
    "document_incomplete": (("request_info",), _l("A page of the document is missing")),
    "details_mismatch": (("request_info", "reject"), _l("The details do not match the document")),
    "address_unclear": (("request_info",), _l("The address abroad is incomplete")),
    "constituency_unclear": (("request_info",), _l("The home constituency needs checking")),
    "not_in_registry": (("reject",), _l("Not found in the civil registry")),
    "not_citizen": (("reject",), _l("Not a citizen")),
    "under_age": (("reject",), _l("Under the minimum age")),
    "disqualified": (("reject",), _l("Disqualified from voting")),
    "not_abroad": (("reject",), _l("Not resident abroad")),
    "document_expired": (("reject",), _l("The document has expired")),
    "duplicate": (("reject",), _l("Already registered")),
    "deadline_passed": (("reject",), _l("Received after the registration deadline")),
}


def reason_label(code):
    entry = REASONS.get(code)
    return str(entry[1]) if entry else (code or "")


ACTION_LABELS = {
    "verify": _l("Verify"),
    "request_info": _l("Ask for more information"),
    "reject": _l("Reject"),
}


def reason_choices():
    """The reasons grouped by the decision they go with (a select with one group per decision)."""
    return {ACTION_LABELS[action]: [(code, label) for code, (actions, label) in REASONS.items()
                                    if action in actions]
            for action in ACTIONS}


class DecisionRefused(Exception):
    """The decision cannot be recorded; `message` is safe to show."""

    status = 409

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        self.status = status or self.status


class NotYourConsulate(DecisionRefused):
    status = 404


def _check_official(application, official):
    if official.role is not Role.OFFICIAL or official.consulate_id != application.consulate_id \
            or not application.reviewable:
        raise NotYourConsulate(_("There is no such application."))


def _record_decision(session, application, official, transition, *, action, reason_code, note,
                     audit_action, sets_reason=True):
    """Apply `transition`, add the Decision row and bring `verified_documents` in line inside a
    SAVEPOINT, so that a refusal by a unique key (a document number another verified
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
            sync_verified_documents(session, application)
    except IllegalTransition:
        raise DecisionRefused(_("This application is %(state)s: that decision is no longer possible.",
                                state=str(application.state.label).lower())) from None
    except IntegrityError:
        log.warning("application %s: verification refused by a unique index", application.id)
        raise DecisionRefused(_("Another verified application already uses this document number. "
                                "Reject one of them.")) from None
    record(session, actor=official, action=audit_action, target=f"application:{application.id}",
           details={"reason": reason_code, "consulate": application.consulate.code,
                    "state": application.state.value})


def decide(session, application, *, official, action, reason_code, note=None, now=None):
    """Record an official's decision; returns the DecisionAction taken.

    `action` is one of ACTIONS and `reason_code` must be allowed for it. A
    "verify" runs the checks again first; on an application whose checks do not
    all pass it becomes a proposal awaiting a second official (or confirms
    another official's proposal).
    Raises NotYourConsulate (404) and DecisionRefused (409 or 422).
    """
    lock(session, application)
    _check_official(application, official)
    allowed = REASONS.get(reason_code, ((), None))[0]
    if action not in ACTIONS or action not in allowed:
        raise DecisionRefused(_("Choose a reason that fits the decision."), status=422)
    note = (note or "").strip()
    if len(note) > 2000:
        raise DecisionRefused(_("Keep the note under 2000 characters."), status=422)
    try:
        visible_text(note, multiline=True)
    except Refused as exc:
        raise DecisionRefused(message_of(exc), status=422) from None
    if action == "verify" and application.awaiting_confirmation:
        return confirm(session, application, official=official, now=now)
    now = now or utcnow()
    if action == "verify":
        # The stored results may predate a registry import or another applicant's use of the
        # same document: one official alone verifies only on results that pass now.
        run_checks(session, application, actor=official, now=now)
    if action == "verify" and application.checks_outcome is not CheckOutcome.PASS:
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
        notifications.notify(session, application)
    return done


def confirm(session, application, *, official, now=None):
    """A second official of the same consulate confirms a proposed verification."""
    lock(session, application)
    _check_official(application, official)
    if not application.awaiting_confirmation:
        raise DecisionRefused(_("No verification is waiting for confirmation."))
    if application.verify_proposed_by_id == official.id:
        raise DecisionRefused(_("A second official must confirm: you proposed this verification "
                                "yourself."), status=403)
    proposals = [d for d in application.decisions if d.action is DecisionAction.PROPOSE_VERIFY]
    reason = proposals[-1].reason_code if proposals else "reviewed_manually"
    note = proposals[-1].note if proposals else None
    proposer = application.proposed_by
    _record_decision(session, application, official,
                     partial(application.verify, proposer, confirmed_by=official, now=now),
                     action=DecisionAction.CONFIRM_VERIFY, reason_code=reason, note=note,
                     audit_action="application.verify_confirmed")
    notifications.notify(session, application)
    return DecisionAction.CONFIRM_VERIFY


def recheck(session, application, *, official):
    """Run the automatic checks again (e.g. after a civil-registry import)."""
    lock(session, application)
    _check_official(application, official)
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.MORE_INFO):
        raise DecisionRefused(_("Only applications under review are checked again."))
    return run_checks(session, application, actor=official)


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
