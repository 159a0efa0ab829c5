import re
import time

import pytest

from ovote.accounts.models import Role, User
from ovote.audit.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token


def signup(client, email="new@example.org", password=PASSWORD, confirm=None, token=True):
    data = {"email": email, "password": password, "confirm": confirm or password}
    if token:
        data["csrf_token"] = csrf_token(client, "/auth/signup")
    return client.post("/auth/signup", data=data)


def link_in(message, path):
    match = re.search(rf"https?://[^\s]+{path}/[^\s]+", message.get_body(("plain",)).get_content())
    assert match, message.get_body(("plain",)).get_content()
    return match.group(0).split("ovote.test", 1)[1]


def users(db_session):
    return db_session.query(User).count()


def test_signup_mails_a_confirmation_link_and_login_waits_for_it(client, db_session, outbox):
    response = signup(client)
    assert response.status_code == 200
    assert "new@example.org" in response.get_data(as_text=True)
    user = db_session.query(User).filter_by(email="new@example.org").one()
    assert user.role is Role.VOTER and user.email_confirmed_at is None
    assert user.password_hash.startswith("$argon2id$")
    assert len(outbox) == 1 and outbox[0]["To"] == "new@example.org"

    login = client.post("/auth/login", data={"email": "new@example.org", "password": PASSWORD,
                                             "csrf_token": csrf_token(client, "/auth/login")})
    # Refused like a wrong password (see the enumeration test below), with a hint.
    assert login.status_code == 401
    assert "If you have just signed up, open the confirmation link" in login.get_data(as_text=True)
    assert len(outbox) == 1

    again = signup(client)  # signing up again is how a lost link is replaced
    assert again.status_code == 200 and len(outbox) == 2
    assert "/auth/confirm/" in outbox[1].get_body(("plain",)).get_content() and "not confirmed yet" in outbox[1].get_body(("plain",)).get_content()

    confirm = client.get(link_in(outbox[0], "/auth/confirm"))
    assert confirm.status_code == 302
    assert user.email_confirmed_at is not None
    login = client.post("/auth/login", data={"email": "New@Example.org", "password": PASSWORD,
                                             "csrf_token": csrf_token(client, "/auth/login")})
    assert login.status_code == 303
    assert "new@example.org" in client.get("/account").get_data(as_text=True)
    actions = [e.action for e in db_session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert actions[0] == "account.signup" and actions[-2:] == ["account.confirm", "account.login"]


def test_signup_with_a_taken_address_reveals_nothing_and_creates_nothing(client, db_session,
                                                                         factory, outbox):
    factory.user(email="taken@example.org")
    before = users(db_session)
    response = signup(client, email="taken@example.org")
    assert response.status_code == 200
    assert "We have sent a message" in response.get_data(as_text=True)
    assert users(db_session) == before
    assert "already exists" in outbox[-1].get_body(("plain",)).get_content()


@pytest.mark.parametrize("taken", [True, False])
def test_signing_up_then_logging_in_does_not_tell_whether_the_address_was_taken(
        client, factory, db_session, outbox, taken):
    """Whoever signs up an address with a password of their choice and then tries that
    password gets the same answer whether the sign-up made an account or not."""
    if taken:
        factory.user(email="victim@example.org")
    chosen = "chosen by whoever signs up"
    assert signup(client, email="victim@example.org", password=chosen).status_code == 200
    assert len(outbox) == 1  # a confirmation link, or a notice: one message either way
    login = client.post("/auth/login", data={"email": "victim@example.org", "password": chosen,
                                             "csrf_token": csrf_token(client, "/auth/login")})
    assert login.status_code == 401
    assert "The e-mail address or password is not correct." in login.get_data(as_text=True)
    assert len(outbox) == 1


@pytest.mark.parametrize("email, password, confirm, status, message", [
    ("not-an-address", PASSWORD, None, 422, "This is not a valid e-mail address"),
    ("short@example.org", "short", None, 422, "at least 10 characters"),
    ("same@example.org", "same@example.org", None, 422, "must not be your e-mail address"),
    ("mismatch@example.org", PASSWORD, "something else entirely", 422, "Enter the same password in both fields"),
    ("", PASSWORD, None, 422, "Enter your e-mail address"),
])
def test_bad_signups_are_refused_and_store_nothing(client, db_session, outbox, email, password,
                                                   confirm, status, message):
    before = users(db_session)
    response = signup(client, email=email, password=password, confirm=confirm)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert users(db_session) == before
    assert outbox == []


def test_signup_without_csrf_token_is_refused(client, db_session):
    before = users(db_session)
    response = signup(client, token=False)
    assert response.status_code == 400
    assert "The form has expired or was not sent from this site" in response.get_data(as_text=True)
    assert users(db_session) == before


@pytest.mark.parametrize("mangle, message", [
    (lambda t: t[:-3] + ("abc" if not t.endswith("abc") else "xyz"), "This link is not valid"),
    (lambda t: "x" + t, "This link is not valid"),
    (lambda t: "garbage", "This link is not valid"),
])
def test_tampered_confirmation_links_are_refused(client, db_session, outbox, mangle, message):
    signup(client)
    path = link_in(outbox[0], "/auth/confirm")
    prefix, token = path.rsplit("/", 1)
    response = client.get(f"{prefix}/{mangle(token)}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db_session.query(User).filter_by(email="new@example.org").one().email_confirmed_at is None


def test_expired_confirmation_link_is_refused(client, db_session, outbox, monkeypatch, app):
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 25 * 3600)
    signup(client)
    monkeypatch.setattr(time, "time", real_time)
    response = client.get(link_in(outbox[0], "/auth/confirm"))
    assert response.status_code == 400
    assert "This link has expired" in response.get_data(as_text=True)
