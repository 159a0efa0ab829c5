"""A step saved from a page loaded while the application could still be changed is judged on
the state the application is in when the answers arrive, not on the one the page saw."""
import io

import pytest
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ovote.accounts.models import Role
from ovote.clock import utcnow
from ovote.audit.models import AuditEvent
from ovote.registration import verification
from ovote.registration.models import Application, ApplicationState
from ovote.registration.personal import details
from tests.conftest import csrf_token
from tests.registration.conftest import image_bytes, step_data


@pytest.fixture
def paris(factory):
    return factory.consulate(code="PAR", served=("FR",))


def more_info_requested(db_session, reg, paris, factory, runtime):
    """A submitted application for which an official of its consulate asked for more information."""
    reg.registry_entry()
    application = reg.application(consulate=paris)
    official = factory.user(Role.OFFICIAL, consulate=paris)
    verification.decide(db_session, application, official=official, action="request_info",
                        reason_code="document_unreadable", settings=runtime.settings, cipher=runtime.cipher, mailer=runtime.mailer)
    db_session.commit()
    assert application.state is ApplicationState.MORE_INFO
    return application, official


def verified_meanwhile(db_session, application, official):
    """Another request (the voter's resubmission, then the official's verification) commits
    while this one still holds the application as it was when loaded ('more_info')."""
    before = {name: getattr(application, name)
              for name in ("state", "decided_at", "decided_by_id", "decision_reason")}
    db_session.execute(update(Application).where(Application.id == application.id).values(
        state=ApplicationState.VERIFIED, decided_at=utcnow(), decided_by_id=official.id,
        decision_reason="identity_confirmed"))
    db_session.commit()
    for name, value in before.items():
        set_committed_value(application, name, value)
    assert application.state is ApplicationState.MORE_INFO


def updates(db_session, application):
    return db_session.query(AuditEvent).filter_by(target=f"application:{application.id}",
                                                  action="application.update").count()


def test_a_step_saved_after_the_application_was_verified_changes_nothing(
        app, client, db_session, reg, paris, factory, login_as, runtime):
    application, official = more_info_requested(db_session, reg, paris, factory, runtime)
    login_as(application.voter)
    token = csrf_token(client, "/register/step/identity")
    verified_meanwhile(db_session, application, official)
    saved = updates(db_session, application)

    response = client.post("/register/step/identity", data={
        **step_data("identity"), "surname": "Somebody Else", "csrf_token": token})
    assert response.status_code == 409
    assert ("Your change was not saved: this application is verified, so it can no longer be changed."
            in response.get_data(as_text=True))

    db_session.expire_all()
    stored = db_session.get(Application, application.id)
    assert stored.state is ApplicationState.VERIFIED
    assert details(stored, cipher=runtime.cipher).surname == "Silva"
    assert updates(db_session, application) == saved


def test_a_document_uploaded_after_the_application_was_verified_is_not_kept(
        app, client, db_session, reg, paris, factory, login_as, runtime):
    application, official = more_info_requested(db_session, reg, paris, factory, runtime)
    kept = application.document_file
    login_as(application.voter)
    token = csrf_token(client, "/register/step/upload")
    verified_meanwhile(db_session, application, official)
    files = runtime.documents.stored_names()
    saved = updates(db_session, application)

    response = client.post("/register/step/upload", content_type="multipart/form-data", data={
        "document": (io.BytesIO(image_bytes("JPEG")), "other.jpg"), "csrf_token": token})
    assert response.status_code == 409

    db_session.expire_all()
    stored = db_session.get(Application, application.id)
    assert stored.state is ApplicationState.VERIFIED
    assert (stored.document_file, stored.document_type) == (kept, "image/png")
    assert runtime.documents.stored_names() == files
    assert updates(db_session, application) == saved
