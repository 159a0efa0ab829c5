"""Decisions with reason codes, the four-eyes rule, and what the voter is told."""
import pytest
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ovote.accounts.models import Role, utcnow
from ovote.audit.models import AuditEvent
from ovote.registration.models import Application, ApplicationState, CheckOutcome, DecisionAction
from tests.conftest import csrf_token
from tests.registration.conftest import post, step_data


def decide(client, application, action, reason, note=""):
    url = f"/applications/{application.id}"
    return post(client, f"{url}/decision", {"confirm": "y", "action": action, "reason": reason, "note": note}, form_url=url)


def confirm(client, application):
    url = f"/applications/{application.id}"
    return post(client, f"{url}/confirm", {}, form_url=url)


@pytest.fixture
def paris(factory):
    return factory.consulate(code="PAR", served=("FR",))


def audit_actions(db_session, application):
    """The audited acts on the application (page views left out)."""
    return [e.action for e in db_session.query(AuditEvent).filter_by(
        target=f"application:{application.id}").order_by(AuditEvent.seq) if e.action != "application.view"]


def test_one_official_verifies_when_every_check_passed(client, db_session, reg, paris, login_as_official,
                                                       outbox):
    reg.registry_entry()
    application = reg.application(consulate=paris)
    assert application.checks_outcome is CheckOutcome.PASS
    official = login_as_official(paris)
    response = decide(client, application, "verify", "identity_confirmed")
    assert response.status_code == 303
    assert application.state is ApplicationState.VERIFIED and application.decided_by_id == official.id
    assert application.decided_at is not None and application.confirmed_by_id is None
    assert outbox[-1]["Subject"] == "You are on the overseas register"
    assert "application.verify" in audit_actions(db_session, application)


def test_verifying_despite_a_failed_check_needs_a_second_official(client, db_session, reg, paris, factory,
                                                                  login_as, outbox):
    application = reg.application(consulate=paris)  # no registry entry: the registry check fails
    assert application.checks_outcome is CheckOutcome.FAIL
    first = factory.user(Role.OFFICIAL, consulate=paris)
    second = factory.user(Role.OFFICIAL, consulate=paris)
    mails = len(outbox)

    login_as(first)
    response = decide(client, application, "verify", "reviewed_manually", "Registry lags behind")
    assert response.status_code == 303
    assert application.state is ApplicationState.SUBMITTED and application.awaiting_confirmation
    assert "a second official of your consulate must now confirm" in client.get(
        f"/applications/{application.id}").get_data(as_text=True)
    assert confirm(client, application).status_code == 403
    assert decide(client, application, "verify", "reviewed_manually").status_code == 403
    assert application.state is ApplicationState.SUBMITTED and len(outbox) == mails

    stranger = factory.user(Role.OFFICIAL, consulate=factory.consulate(code="LON", served=("GB",)))
    login_as(stranger)
    assert confirm(client, application).status_code == 404

    login_as(second)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Confirm the verification" in page and first.email in page
    assert confirm(client, application).status_code == 303
    assert application.state is ApplicationState.VERIFIED
    assert (application.decided_by_id, application.confirmed_by_id) == (first.id, second.id)
    assert application.decision_reason == "reviewed_manually"
    assert [d.action for d in application.decisions] == [DecisionAction.PROPOSE_VERIFY,
                                                         DecisionAction.CONFIRM_VERIFY]
    assert audit_actions(db_session, application)[-2:] == ["application.verify_proposed",
                                                           "application.verify_confirmed"]
    events = db_session.query(AuditEvent).filter(AuditEvent.action.in_(
        ["application.verify_proposed", "application.verify_confirmed"])).order_by(AuditEvent.seq).all()
    assert [e.actor for e in events] == [f"user:{first.id}", f"user:{second.id}"]
    assert len(outbox) == mails + 1 and outbox[-1]["Subject"] == "You are on the overseas register"


def test_a_rejection_tells_the_voter_the_reason(client, db_session, reg, paris, login_as_official,
                                                login_as, outbox):
    application = reg.application(consulate=paris)
    login_as_official(paris)
    assert decide(client, application, "reject", "not_in_registry", "No record found").status_code == 303
    assert application.state is ApplicationState.REJECTED
    assert "Reason: Not found in the civil registry" in outbox[-1].get_body(("plain",)).get_content()
    assert "No record found" in outbox[-1].get_body(("plain",)).get_content()
    login_as(application.voter)
    page = client.get("/register/").get_data(as_text=True)
    assert "Your application was rejected: Not found in the civil registry" in page
    assert "No record found" in page and "Start a new application" in page
    login_as_official(paris)
    again = decide(client, application, "verify", "identity_confirmed")
    assert again.status_code == 409 and "that decision is no longer possible" in again.get_data(as_text=True)


def test_more_information_lets_the_voter_change_and_resubmit(client, db_session, reg, paris,
                                                             login_as_official, login_as, outbox):
    application = reg.application(consulate=paris)
    first_submission = application.first_submitted_at
    login_as_official(paris)
    assert decide(client, application, "request_info", "document_unreadable", "Blurred photo").status_code == 303
    assert application.state is ApplicationState.MORE_INFO
    assert "needs more information" in outbox[-1]["Subject"]

    login_as(application.voter)
    status = client.get("/register/").get_data(as_text=True)
    assert "The consulate needs more information: The document cannot be read" in status
    assert "Blurred photo" in status
    assert post(client, "/register/step/identity", step_data("identity")).status_code == 303
    assert post(client, "/register/review", {"declaration": "y"}).status_code == 303
    assert application.state is ApplicationState.SUBMITTED
    assert application.first_submitted_at == first_submission
    assert application.submitted_at > first_submission


@pytest.mark.parametrize("action, reason, message", [
    ("verify", "not_citizen", "Choose a reason that fits the decision."),
    ("reject", "identity_confirmed", "Choose a reason that fits the decision."),
    ("request_info", "no-such-reason", "Choose a reason that fits the decision."),
    ("approve", "identity_confirmed", "Choose a decision"),
])
def test_a_decision_needs_a_reason_from_the_fixed_list(client, db_session, reg, paris, login_as_official,
                                                       action, reason, message):
    application = reg.application(consulate=paris)
    login_as_official(paris)
    response = decide(client, application, action, reason)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert application.state is ApplicationState.SUBMITTED and application.decisions == []


def test_a_long_note_is_refused(client, db_session, reg, paris, login_as_official):
    application = reg.application(consulate=paris)
    login_as_official(paris)
    response = decide(client, application, "reject", "duplicate", "x" * 2001)
    assert response.status_code == 422 and application.state is ApplicationState.SUBMITTED


@pytest.mark.parametrize("note", ["Call us\x00", "\x1b[31mred", "bell\x07"])
def test_a_note_with_control_characters_is_refused(client, db_session, reg, paris, login_as_official,
                                                    outbox, note):
    application = reg.application(consulate=paris)
    mails = len(outbox)
    login_as_official(paris)
    response = decide(client, application, "request_info", "details_mismatch", note)
    assert response.status_code == 422
    assert "Remove the control characters from this field." in response.get_data(as_text=True)
    assert application.state is ApplicationState.SUBMITTED and application.decisions == []
    assert len(outbox) == mails
    assert decide(client, application, "request_info", "details_mismatch",
                  "Line one\r\nline two\twith a tab").status_code == 303


def test_a_decision_without_a_csrf_token_changes_nothing(client, db_session, reg, paris, login_as_official):
    application = reg.application(consulate=paris)
    login_as_official(paris)
    response = client.post(f"/applications/{application.id}/decision",
                           data={"confirm": "y", "action": "reject", "reason": "duplicate"})
    assert response.status_code == 400 and application.state is ApplicationState.SUBMITTED


def test_the_database_refuses_two_verified_applications_on_one_document(client, db_session, reg, paris,
                                                                        factory, login_as_official):
    reg.registry_entry()
    first = reg.application(consulate=paris)
    second = reg.application(consulate=paris)  # same passport number: the duplicate check fails
    assert second.checks_outcome is CheckOutcome.FAIL
    assert {c.rule for c in second.checks if c.outcome is CheckOutcome.FAIL} == {"unique_document"}
    login_as_official(paris)
    # Each now has a duplicate in play, so each verification needs a second official.
    assert decide(client, first, "verify", "identity_confirmed").status_code == 303
    assert decide(client, second, "verify", "reviewed_manually").status_code == 303
    assert first.awaiting_confirmation and second.awaiting_confirmation
    login_as_official(paris)
    assert confirm(client, first).status_code == 303
    assert first.state is ApplicationState.VERIFIED
    response = confirm(client, second)
    assert response.status_code == 409
    assert "Another verified application already uses this document number" in response.get_data(as_text=True)
    db_session.refresh(second)
    assert second.state is ApplicationState.SUBMITTED


def test_the_checks_can_be_run_again_after_a_registry_import(client, db_session, reg, paris,
                                                             login_as_official):
    application = reg.application(consulate=paris)
    assert application.checks_outcome is CheckOutcome.FAIL
    reg.registry_entry()
    login_as_official(paris)
    url = f"/applications/{application.id}"
    assert post(client, f"{url}/recheck", {}, form_url=url).status_code == 303
    assert application.checks_outcome is CheckOutcome.PASS


@pytest.mark.parametrize("change", ["disqualified", "duplicate"])
def test_verifying_alone_uses_the_checks_as_they_are_now(client, db_session, reg, paris, factory,
                                                        login_as_official, outbox, change):
    entry = reg.registry_entry()
    application = reg.application(consulate=paris)
    assert application.checks_outcome is CheckOutcome.PASS
    if change == "disqualified":  # a registry import after the submission
        entry.disqualified = True
        db_session.commit()
    else:  # someone else now applies elsewhere with the same passport
        reg.application(consulate=factory.consulate(code="LYS", served=("FR",)))
    mails = len(outbox)
    login_as_official(paris)
    assert decide(client, application, "verify", "identity_confirmed").status_code == 303
    assert application.state is ApplicationState.SUBMITTED and application.awaiting_confirmation
    assert application.checks_outcome is not CheckOutcome.PASS
    assert [d.action for d in application.decisions] == [DecisionAction.PROPOSE_VERIFY]
    assert len(outbox) == mails



def rejected_meanwhile(db_session, application, official):
    """Another request rejects and commits while this one still holds the application as it
    was when loaded ('submitted'), as a request that read the row a moment earlier does."""
    db_session.execute(update(Application).where(Application.id == application.id).values(
        state=ApplicationState.REJECTED, decided_at=utcnow(), decided_by_id=official.id,
        decision_reason="not_in_registry"))
    db_session.commit()
    for name, value in (("state", ApplicationState.SUBMITTED), ("decided_at", None),
                        ("decided_by_id", None), ("decision_reason", None)):
        set_committed_value(application, name, value)


@pytest.mark.parametrize("action, reason", [("verify", "identity_confirmed"),
                                            ("request_info", "document_unreadable")])
def test_a_decision_is_judged_on_the_state_another_official_left(client, db_session, reg, paris,
                                                                 factory, login_as, outbox, action,
                                                                 reason):
    reg.registry_entry()
    application = reg.application(consulate=paris)
    first, second = (factory.user(Role.OFFICIAL, consulate=paris) for _ in range(2))
    login_as(second)
    token = csrf_token(client, f"/applications/{application.id}")
    rejected_meanwhile(db_session, application, first)
    mails = len(outbox)
    response = client.post(f"/applications/{application.id}/decision",
                           data={"confirm": "y", "action": action, "reason": reason, "csrf_token": token})
    assert response.status_code == 409
    assert "that decision is no longer possible" in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Application, application.id).state is ApplicationState.REJECTED
    assert application.decisions == [] and len(outbox) == mails


def test_a_withdrawal_is_judged_on_the_state_the_consulate_left(client, db_session, reg, paris, factory,
                                                               login_as, outbox):
    application = reg.application(consulate=paris)
    login_as(application.voter)
    token = csrf_token(client, "/register/withdraw")
    rejected_meanwhile(db_session, application, factory.user(Role.OFFICIAL, consulate=paris))
    mails = len(outbox)
    response = client.post("/register/withdraw", data={"confirm": "y", "csrf_token": token})
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Application, application.id).state is ApplicationState.REJECTED
    assert len(outbox) == mails
