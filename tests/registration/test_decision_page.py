"""The official's page: a decision is chosen first (nothing chosen beforehand), then only the
reasons that fit it are offered, and it must be confirmed; times are the consulate's, with
its zone named."""
import re
from datetime import datetime

from ovote.accounts.models import Role
from ovote.registration.reasons import REASONS
from tests.registration.conftest import post


def _radios(page, name):
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or \
        re.findall(rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page)


def test_the_decision_starts_with_nothing_chosen_and_asks_for_confirmation(client, reg, login_as, factory,
                                                                          db_session):
    application = reg.application()
    login_as(factory.user(Role.OFFICIAL, consulate=application.consulate))
    url = f"/applications/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert _radios(page, "decision") == ["verify", "request_info", "reject"]
    assert 'name="decision" type="radio" value="verify" checked' not in page and " checked" not in \
        re.search(r'id="decision-choice".*?</form>', page, re.S).group(0)
    assert 'name="reason"' not in page  # no reason before a decision is chosen
    page = client.get(f"{url}?decision=verify").get_data(as_text=True)
    assert 'id="confirm"' in page
    response = post(client, f"{url}/decision", {"action": "verify", "reason": "identity_confirmed"},
                    form_url=f"{url}?decision=verify")
    assert response.status_code == 422
    assert "Tick the box to confirm the decision" in response.get_data(as_text=True)
    db_session.refresh(application)
    assert application.state.value == "submitted"


def test_only_the_reasons_that_fit_the_chosen_decision_are_offered(client, reg, login_as, factory):
    application = reg.application()
    login_as(factory.user(Role.OFFICIAL, consulate=application.consulate))
    url = f"/applications/{application.id}"
    for action in ("verify", "request_info", "reject"):
        page = client.get(f"{url}?decision={action}").get_data(as_text=True)
        offered = _radios(page, "reason")
        assert offered == [code for code, (actions, _label) in REASONS.items() if action in actions]
        assert f'name="action" type="hidden" value="{action}"' in page \
            or f'type="hidden" name="action" value="{action}"' in page \
            or re.search(rf'<input[^>]*name="action"[^>]*value="{action}"', page)
    assert "not_citizen" not in _radios(client.get(f"{url}?decision=verify").get_data(as_text=True), "reason")


def test_an_unknown_decision_asks_for_one(client, reg, login_as, factory, db_session):
    application = reg.application()
    login_as(factory.user(Role.OFFICIAL, consulate=application.consulate))
    url = f"/applications/{application.id}"
    page = client.get(f"{url}?decision=approve").get_data(as_text=True)
    assert "Choose a decision" in page and 'name="reason"' not in page
    response = post(client, f"{url}/decision", {"confirm": "y", "reason": "identity_confirmed"}, form_url=url)
    assert response.status_code == 422 and "Choose a decision" in response.get_data(as_text=True)
    db_session.refresh(application)
    assert application.state.value == "submitted" and application.decisions == []


def test_names_that_differ_are_shown_beside_the_registry_names(client, reg, login_as, factory):
    reg.registry_entry(surname="Silva Costa", given_names="Ana")
    application = reg.application()
    assert {c.rule: c.reason_code for c in application.checks}["civil_registry"] == "registry.names"
    login_as(factory.user(Role.OFFICIAL, consulate=application.consulate))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    table = re.search(r'id="names-compared".*?</table>', page, re.S).group(0)
    assert re.search(r"Typed by the applicant</th><td>Silva</td><td>Ana Maria</td>", table)
    assert re.search(r"Civil registry</th><td>Silva Costa</td><td>Ana</td>", table)


def test_names_that_agree_are_not_compared(client, reg, login_as, factory):
    reg.registry_entry()
    application = reg.application()
    login_as(factory.user(Role.OFFICIAL, consulate=application.consulate))
    assert 'id="names-compared"' not in client.get(f"/applications/{application.id}").get_data(as_text=True)


def test_an_image_opens_beside_the_details_and_a_pdf_in_a_new_tab(client, reg, login_as, factory):
    from tests.registration.conftest import PDF

    image = reg.application()
    official = factory.user(Role.OFFICIAL, consulate=image.consulate)
    pdf = reg.application(consulate=image.consulate, document=PDF)
    login_as(official)
    page = client.get(f"/applications/{image.id}").get_data(as_text=True)
    assert re.search(rf'<img src="/applications/{image.id}/document"[^>]*alt="The document sent by the applicant"',
                     page)
    page = client.get(f"/applications/{pdf.id}").get_data(as_text=True)
    assert f'<img src="/applications/{pdf.id}/document"' not in page
    assert re.search(rf'id="document-link" href="/applications/{pdf.id}/document" target="_blank" rel="noopener"',
                     page)


def test_times_are_shown_in_the_consulates_zone(client, reg, login_as, factory, db_session):
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
