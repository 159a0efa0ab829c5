"""Deactivating a staff member or resetting their authenticator names them and asks first."""
import re

import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from tests.conftest import csrf_token


@pytest.mark.parametrize("action, question, button", [
    ("deactivate", "Deactivate agent@example.org?", "Yes, deactivate agent@example.org"),
    ("reset-totp", "Reset the authenticator of agent@example.org?",
     "Yes, reset the authenticator of agent@example.org"),
])
def test_the_action_asks_first_naming_the_person(client, factory, login_as, db_session, action, question,
                                                 button):
    consulate = factory.consulate("LIS", served=("PT",), host_country="PT")
    member = factory.user(Role.OFFICIAL, email="agent@example.org", consulate=consulate)
    member.totp_secret_enc = "x"  # enrolled
    db_session.commit()
    login_as(factory.user(Role.COMMISSIONER))
    listing = client.get("/staff/").get_data(as_text=True)
    url = f"/staff/{member.id}/{action}"
    assert re.search(rf'<a class="btn btn-sm btn-outline-secondary" href="{url}">[^<]+'
                     r'<span class="visually-hidden"> — agent@example.org</span></a>', listing)
    assert f'action="{url}"' not in listing  # no one-click form

    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"<h1>{question}</h1>" in html
    assert "Consular official" in html and consulate.name in html and button in html
    db_session.refresh(member)
    assert member.active and member.totp_enrolled  # asking changes nothing
    assert db_session.query(AuditEvent).filter_by(action="staff.view", target=f"user:{member.id}").count() == 1

    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 303
    db_session.refresh(member)
    assert (not member.active) if action == "deactivate" else (not member.totp_enrolled)
