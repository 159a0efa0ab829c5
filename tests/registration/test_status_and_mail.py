"""The status page gives the reference, the expected decision and, once verified, the
constituency and voting method; every mail greets, quotes the reference, says what
happens next, has a plain-text and an HTML part, and is in the voter's language."""
import re
from datetime import date, datetime

import pytest

from ovote.audit.models import AuditEvent
from ovote.registration import notifications
from ovote.registration.models import Application, ApplicationState
from tests.accounts.test_signup import PASSWORD
from tests.conftest import csrf_token
from tests.registration.conftest import post, step_data


@pytest.mark.parametrize("submitted, days, expected", [
    (datetime(2026, 12, 4, 15, 0), 10, date(2026, 12, 18)),   # a Friday: two weeks of working days
    (datetime(2026, 12, 5, 9, 0), 1, date(2026, 12, 7)),      # a Saturday: the next Monday
    (datetime(2026, 12, 1, 9, 0), 3, date(2026, 12, 4)),
])
def test_the_expected_decision_counts_working_days(submitted, days, expected):
    application = Application(id=1, submitted_at=submitted)
    assert notifications.expected_decision(application, days) == expected


def test_the_status_page_gives_the_reference_and_the_expected_decision(client, reg, login_as):
    application = reg.application()
    login_as(application.voter)
    page = client.get("/register/").get_data(as_text=True)
    assert re.search(rf'id="application-reference">OV-{application.id:06d}<', page)
    day = notifications.expected_decision(application, 10)
    assert re.search(r'id="expected-decision">by \w+ \d+, \d{4} \(usually within 10 working days', page)
    assert str(day.year) in page


def test_once_verified_the_status_page_names_the_constituency_and_the_method(client, reg, login_as,
                                                                             db_session):
    application = reg.application(channel="postal")
    application.state, application.decided_at = ApplicationState.VERIFIED, datetime(2026, 12, 1)
    db_session.commit()
    login_as(application.voter)
    page = client.get("/register/").get_data(as_text=True)
    assert 'id="verified-constituency">Northern constituency<' in page
    assert 'id="verified-channel">By post<' in page
    assert 'id="expected-decision"' not in page


def test_a_voter_who_worked_in_french_gets_french_mail(client, db_session, factory, reg, outbox):
    """The voter never chose a language: the browser's French is kept when they act."""
    voter = factory.user(email="lea@example.org")
    assert voter.locale is None
    factory.consulate(code="PAR", served=("FR",))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    client.post("/auth/login", data={"email": voter.email, "password": PASSWORD,
                                     "csrf_token": csrf_token(client, "/auth/login")})
    reg.constituency()
    application = reg.application(voter=voter, state=ApplicationState.DRAFT)
    assert post(client, "/register/step/residence", step_data("residence")).status_code == 303
    db_session.refresh(voter)
    assert voter.locale == "fr"
    assert db_session.query(AuditEvent).filter_by(action="account.locale", target=f"user:{voter.id}").count() == 1
    assert post(client, "/register/review", {"declaration": "y"}).status_code == 303
    msg = outbox[-1]
    assert msg["To"] == voter.email and msg["Content-Language"] == "fr"
    text = msg.get_body(("plain",)).get_content()
    assert text.startswith("Bonjour,")
    assert f"Votre numéro de référence : OV-{application.id:06d}" in text
    assert "Et ensuite : le consulat décide en général d'ici le" in text
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="fr">' in html and f"OV-{application.id:06d}" in html


def test_a_voter_who_signs_up_in_a_french_browser_keeps_french(client, db_session, outbox):
    from ovote.accounts.models import User

    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = client.post("/auth/signup", data={"email": "nouveau@example.org", "password": PASSWORD,
                                                 "confirm": PASSWORD,
                                                 "csrf_token": csrf_token(client, "/auth/signup")})
    assert response.status_code == 200
    assert db_session.query(User).filter_by(email="nouveau@example.org").one().locale == "fr"
    assert outbox[-1]["Content-Language"] == "fr"


def test_check_your_email_offers_to_send_it_again(client, db_session, outbox):
    response = client.post("/auth/signup", data={"email": "again@example.org", "password": PASSWORD,
                                                 "confirm": PASSWORD,
                                                 "csrf_token": csrf_token(client, "/auth/signup")})
    page = response.get_data(as_text=True)
    assert 'action="/auth/resend"' in page and "Send the e-mail again" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    sent = len(outbox)
    again = client.post("/auth/resend", data={"email": "again@example.org", "csrf_token": token})
    assert again.status_code == 200 and "We have sent the e-mail again." in again.get_data(as_text=True)
    assert len(outbox) == sent + 1 and "/auth/confirm/" in outbox[-1].get_body(("plain",)).get_content()
    # an address without a waiting account gets a note, and the page says the same
    other = client.post("/auth/resend", data={"email": "nobody@example.org", "csrf_token": token})
    assert other.status_code == 200 and "We have sent the e-mail again." in other.get_data(as_text=True)
    assert outbox[-1]["To"] == "nobody@example.org"
    assert "/auth/confirm/" not in outbox[-1].get_body(("plain",)).get_content()
