"""The foundation's bad-input cases in one table: each gets a clear message and the
right status, and changes no account or consulate (the failure counter and the
audit trail of the attempt aside)."""
import time

import pyotp
import pytest

from ovote.accounts.models import Role, User
from ovote.consulates.models import Consulate
from tests.accounts.test_signup import link_in
from tests.conftest import PASSWORD, csrf_token


def snapshot(session):
    session.expire_all()
    users = sorted((u.id, u.email, u.password_hash, u.role, u.consulate_id, u.active,
                    u.email_confirmed_at, u.totp_secret_enc) for u in session.query(User))
    consulates = sorted((c.id, c.code, c.name, tuple(c.served_countries)) for c in session.query(Consulate))
    return users, consulates


@pytest.fixture
def world(app, client, factory, db_session, outbox, monkeypatch):
    """Two consulates, a voter with a pending confirmation link, staff with known TOTP secrets."""
    paris = factory.consulate("PAR")
    london = factory.consulate("LON", served=("GB",), host_country="GB")
    secret = pyotp.random_base32()
    official = factory.user(Role.OFFICIAL, consulate=paris, totp_secret=secret)
    voter = factory.user(Role.VOTER, email="voter@example.org")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 48 * 3600)
    client.post("/auth/signup", data={"email": "late@example.org", "password": PASSWORD,
                                      "confirm": PASSWORD, "csrf_token": csrf_token(client, "/auth/signup")})
    monkeypatch.setattr(time, "time", real_time)
    expired = link_in(outbox[-1], "/auth/confirm")
    return dict(paris=paris, london=london, official=official, secret=secret, voter=voter,
                expired=expired)


def login(client, email, password):
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(client, "/auth/login")})


def wrong_password(client, w, login_as):
    return login(client, w["voter"].email, "not the password")


def expired_link(client, w, login_as):
    return client.get(w["expired"])


def tampered_link(client, w, login_as):
    return client.get(w["expired"][:-4] + "AAAA")


def reused_totp(client, w, login_as):
    code = pyotp.TOTP(w["secret"]).now()
    login(client, w["official"].email, PASSWORD)
    client.post("/auth/totp", data={"code": code, "csrf_token": csrf_token(client, "/auth/totp")})
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(client, w["official"].email, PASSWORD)
    return client.post("/auth/totp", data={"code": code, "csrf_token": csrf_token(client, "/auth/totp")})


def missing_csrf(client, w, login_as):
    return client.post("/auth/signup", data={"email": "x@example.org", "password": PASSWORD,
                                             "confirm": PASSWORD})


def oversized_body(client, w, login_as):
    return client.post("/auth/signup", data=b"0" * (13 * 1024 * 1024),
                       content_type="application/x-www-form-urlencoded")


def voter_on_staff_url(client, w, login_as):
    login_as(w["voter"])
    return client.get("/staff/new")


def official_on_other_consulate(client, w, login_as):
    login_as(w["official"])
    return client.get("/consulates/LON")


def official_edits_a_consulate(client, w, login_as):
    login_as(w["official"])
    return client.post("/consulates/PAR/edit", data={"code": "PAR", "name": "Hijacked",
                                                     "csrf_token": csrf_token(client, "/account")})


@pytest.mark.parametrize("attempt, status, message", [
    (wrong_password, 401, "The e-mail address or password is not correct."),
    (expired_link, 400, "This link has expired. Ask for a new one."),
    (tampered_link, 400, "This link is not valid. Check that you copied all of it."),
    (reused_totp, 401, "That code has already been used. Wait for the next one."),
    (missing_csrf, 400, "The form has expired or was not sent from this site."),
    (oversized_body, 413, "What you sent is larger than we accept."),
    (voter_on_staff_url, 403, "Your account is not allowed to see this page."),
    (official_on_other_consulate, 404, "There is no page at this address, or you may not see it."),
    (official_edits_a_consulate, 403, "Your account is not allowed to see this page."),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_bad_input_is_refused_and_changes_nothing(client, db_session, login_as, world, attempt,
                                                  status, message):
    before = snapshot(db_session)
    response = attempt(client, world, login_as)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert message in body
    assert "Traceback" not in body and world["london"].name not in body
    assert snapshot(db_session) == before
