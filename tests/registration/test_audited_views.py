"""Every rendering of an application's page to an official is an audited view: the normal
page, and the page shown again with a refused decision or confirmation."""
import json

import pytest
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ovote.audit.models import AuditEvent
from ovote.registration.models import Application
from tests.conftest import csrf_token

PERSONAL = ("Silva", "Ana Maria", "CA1234567", "rue de la Paix", "+33142685300", "Porto")


@pytest.fixture
def paris(factory):
    return factory.consulate(code="PAR", served=("FR",))


def views(db_session, application):
    return db_session.query(AuditEvent).filter_by(target=f"application:{application.id}",
                                                  action="application.view").order_by(AuditEvent.seq).all()


def assert_no_personal_data(events):
    for event in events:
        assert not any(value in event.details for value in PERSONAL), event.details


def test_the_page_is_audited_once_per_showing(client, db_session, reg, paris, login_as_official):
    application = reg.application(consulate=paris)
    login_as_official(paris)
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200 and "CA1234567" in response.get_data(as_text=True)
    shown = views(db_session, application)
    assert len(shown) == 1 and json.loads(shown[0].details) == {}


@pytest.mark.parametrize("url, data, status, message", [
    ("decision", {"confirm": "y", "action": "verify", "reason": "not_citizen"}, 422,
     "Choose a reason that fits the decision."),
    ("decision", {"confirm": "y", "action": "verify", "reason": "identity_confirmed", "note": "x\x07y"}, 422,
     "Remove the control characters from this field."),
    ("decision", {"confirm": "y", "action": "verify"}, 422, None),
    ("confirm", {}, 409, "No verification is waiting for confirmation."),
])
def test_a_refused_decision_shows_the_page_again_as_an_audited_view(
        client, db_session, reg, paris, login_as_official, url, data, status, message):
    application = reg.application(consulate=paris)
    login_as_official(paris)
    token = csrf_token(client, f"/applications/{application.id}")
    before = len(views(db_session, application))

    response = client.post(f"/applications/{application.id}/{url}", data={**data, "csrf_token": token})
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "CA1234567" in page  # the page with the personal data was shown again ...
    if message:
        assert message in page
    shown = views(db_session, application)
    assert len(shown) == before + 1  # ... and that showing is in the audit log, once
    assert_no_personal_data(shown)
    assert application.decisions == []


def test_a_decision_on_an_application_moved_to_another_consulate_meanwhile_shows_nothing(
        client, db_session, reg, paris, factory, login_as_official):
    """Re-read under its lock, the application is no longer this official's to see: 404, and
    not its page (with the voter's new details)."""
    application = reg.application(consulate=paris)
    lyon = factory.consulate(code="LYS", served=("FR",))
    login_as_official(paris)
    token = csrf_token(client, f"/applications/{application.id}")
    db_session.execute(update(Application).where(Application.id == application.id)
                       .values(consulate_id=lyon.id))
    db_session.commit()
    set_committed_value(application, "consulate_id", paris.id)

    response = client.post(f"/applications/{application.id}/decision",
                           data={"confirm": "y", "action": "reject", "reason": "not_citizen", "csrf_token": token})
    assert response.status_code == 404
    assert not any(value in response.get_data(as_text=True) for value in PERSONAL)
    db_session.expire_all()
    assert db_session.get(Application, application.id).decisions == []
