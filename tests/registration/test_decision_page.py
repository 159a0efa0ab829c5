"""The official's page: a decision starts with nothing chosen and must be confirmed; times
are the consulate's, with its zone named."""
import re
from datetime import datetime

from tests.registration.conftest import post


def test_the_decision_starts_with_nothing_chosen_and_asks_for_confirmation(client, reg, login_as, factory,
                                                                          db_session):
    application = reg.application()
    from ovote.accounts.models import Role

    login_as(factory.user(Role.OFFICIAL, consulate=application.consulate))
    url = f"/applications/{application.id}"
    page = client.get(url).get_data(as_text=True)
    action = re.search(r'<select[^>]*id="action"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.match(r'\s*<option (?:selected )?value="">— choose —</option>', action)
    reason = re.search(r'<select[^>]*id="reason"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.match(r'\s*<optgroup label=""><option (?:selected )?value="">— choose —</option></optgroup>', reason)
    assert 'id="confirm"' in page
    response = post(client, f"{url}/decision", {"action": "verify", "reason": "identity_confirmed"},
                    form_url=url)
    assert response.status_code == 422
    assert "Tick the box to confirm the decision" in response.get_data(as_text=True)
    db_session.refresh(application)
    assert application.state.value == "submitted"


def test_times_are_shown_in_the_consulates_zone(client, reg, login_as, factory, db_session):
    from ovote.accounts.models import Role

    consulate = factory.consulate(code="MTL", served=("CA",), host_country="CA", timezone="America/Toronto")
    application = reg.application(consulate=consulate,
                                  residence={"country": "CA", "phone": "514 872 1234"})
    application.submitted_at = datetime(2026, 12, 1, 15, 30)  # UTC
    db_session.commit()
    login_as(factory.user(Role.OFFICIAL, consulate=consulate))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    # in the consulate's zone, written as the official's language writes times
    assert "Submitted on Dec 1, 2026, 10:30\u202fAM (America/Toronto)" in page
    assert "Dec 1, 2026, 10:30\u202fAM (America/Toronto)" in client.get("/applications/").get_data(as_text=True)
    page = client.get(f"/applications/{application.id}?lang=fr").get_data(as_text=True)
    assert "1 déc. 2026, 10:30 (America/Toronto)" in page
