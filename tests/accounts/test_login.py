import re
from datetime import timedelta

import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token, make_app
from tests.accounts.test_signup import link_in


def post_login(client, email, password, next_url=None):
    url = "/auth/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password,
                                  "csrf_token": csrf_token(client, url)})


@pytest.mark.parametrize("email, password", [
    ("voter-login@example.org", "wrong password!"),
    ("nobody@example.org", PASSWORD),
    ("not an address", PASSWORD),
])
def test_wrong_credentials_get_one_message(client, factory, email, password):
    factory.user(email="voter-login@example.org")
    response = post_login(client, email, password)
    assert response.status_code == 401
    assert "The e-mail address or password is not correct." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_repeated_failures_lock_the_account(client, factory, db_session, app):
    user = factory.user(email="locked@example.org")
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        assert post_login(client, user.email, "wrong password!").status_code == 401
    response = post_login(client, user.email, "wrong password!")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert user.locked_until is not None
    # Even the right password is refused while locked.
    assert post_login(client, user.email, PASSWORD).status_code == 429
    assert db_session.query(AuditEvent).filter_by(action="account.locked").count() == 1


def test_the_lock_out_does_not_tell_who_has_an_account(client, factory, db_session, app):
    """An address without an account is counted and locked like one: same statuses,
    same messages, same lock, so guessing passwords cannot reveal who is registered."""
    from ovote.accounts.models import LoginThrottle

    factory.user(email="someone@example.org")
    seen = {}
    for email in ("someone@example.org", "no-one@example.org"):
        answers = [post_login(client, email, "wrong password!")
                   for _ in range(app.config["LOCKOUT_THRESHOLD"] + 1)]
        # The lock-out message names the minute it ends: two runs may straddle a minute.
        seen[email] = [(r.status_code, re.sub(r"\d\d:\d\d", "HH:MM", re.search(
                           r'alert-danger[^>]*>\s*([^<]+?)\s*<', r.get_data(as_text=True)).group(1)))
                       for r in answers]
    assert seen["someone@example.org"] == seen["no-one@example.org"]
    assert [status for status, _ in seen["no-one@example.org"]] == [401] * 4 + [429] * 2
    assert "Too many failed attempts" in seen["no-one@example.org"][-1][1]
    [throttle] = db_session.query(LoginThrottle).all()
    assert "no-one" not in throttle.address_index and throttle.is_locked()


@pytest.mark.parametrize("has_account", [True, False])
def test_failure_counts_are_forgotten_after_a_month_alike(client, factory, db_session, app, has_account):
    """A count left a month ago starts again, for an account as for an address without
    one (whose row is then deleted), so waiting does not tell them apart either."""
    from ovote.accounts.models import LoginThrottle, User, utcnow
    from ovote.accounts.login import FAILURES_FORGOTTEN_AFTER

    email = "patient@example.org"
    if has_account:
        factory.user(email=email)
    threshold = app.config["LOCKOUT_THRESHOLD"]
    for _ in range(threshold - 1):
        assert post_login(client, email, "wrong password!").status_code == 401
    holder = db_session.query(User if has_account else LoginThrottle)
    holder.update({"last_failed_at": utcnow() - FAILURES_FORGOTTEN_AFTER - timedelta(minutes=1)})
    db_session.commit()
    post_login(client, "someone-else@example.org", "wrong password!")  # clears forgotten throttles
    assert db_session.query(LoginThrottle).count() == 1  # someone-else's only
    # One more failure is the first of a new count, not the one that locks.
    assert post_login(client, email, "wrong password!").status_code == 401


def test_failures_counted_before_a_sign_up_carry_over_to_the_account(client, db_session, app, outbox):
    """Four failures on an address, then its owner signs up: the fifth still locks, as
    it would have without the sign-up, so the guesser learns nothing of it."""
    from ovote.accounts.models import LoginThrottle, User

    email = "late@example.org"
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        assert post_login(client, email, "wrong password!").status_code == 401
    signup = client.post("/auth/signup", data={
        "email": email, "password": PASSWORD, "confirm": PASSWORD,
        "csrf_token": csrf_token(client, "/auth/signup")})
    assert signup.status_code == 200
    user = db_session.query(User).filter_by(email=email).one()
    assert user.failed_logins == app.config["LOCKOUT_THRESHOLD"] - 1
    assert db_session.query(LoginThrottle).count() == 0
    assert post_login(client, email, "wrong password!").status_code == 429


def test_failures_of_an_address_without_an_account_are_audited_without_it(client, db_session):
    from ovote.audit.models import AuditEvent

    post_login(client, "unknown@example.org", "wrong password!")
    [event] = db_session.query(AuditEvent).filter_by(action="account.login_failed").all()
    assert event.target.startswith("address:") and "unknown" not in event.target + event.details


def test_login_regenerates_the_session_and_follows_only_safe_next(client, factory):
    user = factory.user(email="fixation@example.org")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    response = post_login(client, user.email, PASSWORD, next_url="/account")
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == user.session_token


def test_login_returns_to_the_page_that_asked_for_it(client, factory):
    user = factory.user(Role.VOTER)
    asked = client.get("/register/")
    assert asked.status_code == 302
    login_page = asked.headers["Location"]
    assert "next=" in login_page
    client.get(login_page)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                "csrf_token": csrf_token(client, "/auth/login")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/")


def test_staff_return_to_the_page_asked_for_after_their_code(client, factory):
    import pyotp

    secret = pyotp.random_base32()
    user = factory.user(Role.COMMISSIONER, totp_secret=secret)
    client.get(client.get("/staff/").headers["Location"])
    response = post_login(client, user.email, PASSWORD)
    assert response.headers["Location"].endswith("/auth/totp")
    response = client.post("/auth/totp", data={"code": pyotp.TOTP(secret).now(),
                                               "csrf_token": csrf_token(client, "/auth/totp")})
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/")


@pytest.mark.parametrize("next_url", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_login_ignores_offsite_next(client, factory, next_url):
    user = factory.user()
    response = post_login(client, user.email, PASSWORD, next_url=next_url)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/account")


@pytest.mark.parametrize("next_url", ["/\t/evil.example", "/\n/evil.example", "/\r\nSet-Cookie: a=b",
                                      " //evil.example", "/\x00/evil.example", "/\u2028/evil.example"])
def test_login_ignores_next_with_characters_browsers_skip(client, factory, next_url):
    from urllib.parse import quote

    user = factory.user()
    response = post_login(client, user.email, PASSWORD, next_url=quote(next_url, safe=""))
    assert response.status_code == 303
    assert response.headers["Location"] == "/account"


def test_logout_needs_post_with_csrf(client, factory, login_as):
    login_as(factory.user())
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/account").status_code == 200
    response = client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert response.status_code == 303
    assert client.get("/account").status_code == 302


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, client, factory):
    """Sessions live in the signed cookie: only the account's session token, which
    the cookie names, can end them on the server."""
    user = factory.user()
    post_login(client, user.email, PASSWORD)
    copied = client.get_cookie("session", domain="ovote.test").value
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    elsewhere = app.test_client()
    elsewhere.set_cookie("session", copied, domain="ovote.test")
    assert elsewhere.get("/account").status_code == 302


def test_password_reset_flow(client, factory, outbox, db_session):
    user = factory.user(email="forgetful@example.org")
    old_token = user.session_token
    response = client.post("/auth/forgot", data={"email": user.email,
                                                 "csrf_token": csrf_token(client, "/auth/forgot")})
    assert response.status_code == 200
    path = link_in(outbox[-1], "/auth/reset")
    new = "a brand new passphrase"
    response = client.post(path, data={"password": new, "confirm": new,
                                       "csrf_token": csrf_token(client, path)})
    assert response.status_code == 303
    assert user.session_token != old_token  # every other session is logged out
    assert post_login(client, user.email, PASSWORD).status_code == 401
    assert post_login(client, user.email, new).status_code == 303
    # The link dies with the password it replaced.
    again = client.get(path)
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


@pytest.mark.parametrize("role, still_locked", [(Role.VOTER, False), (Role.OFFICIAL, True)])
def test_a_password_reset_lifts_a_voters_lock_but_not_a_staff_members(
        client, factory, outbox, db_session, role, still_locked):
    """A staff member's lock also counts wrong TOTP codes: a new password does not
    answer those, so whoever holds the mailbox gets no fresh set of guesses."""
    from ovote.accounts.models import utcnow

    user = factory.user(role, email="locked-out@example.org")
    user.failed_logins, user.locked_until = 2, utcnow() + timedelta(minutes=10)
    db_session.commit()
    client.post("/auth/forgot", data={"email": user.email, "csrf_token": csrf_token(client, "/auth/forgot")})
    path = link_in(outbox[-1], "/auth/reset")
    new = "a brand new passphrase"
    assert client.post(path, data={"password": new, "confirm": new,
                                   "csrf_token": csrf_token(client, path)}).status_code == 303
    assert user.is_locked() is still_locked
    assert user.failed_logins == (2 if still_locked else 0)
    assert post_login(client, user.email, new).status_code == (429 if still_locked else 303)


def test_password_reset_for_unknown_address_says_the_same(client, outbox):
    response = client.post("/auth/forgot", data={"email": "ghost@example.org",
                                                 "csrf_token": csrf_token(client, "/auth/forgot")})
    assert response.status_code == 200
    assert "If an account exists for ghost@example.org" in response.get_data(as_text=True)
    # One message either way (the timing of the answer tells nothing), with no link to use.
    [note] = outbox
    assert note["To"] == "ghost@example.org" and "no active ovote account uses it" in note.get_content()
    assert "/auth/reset/" not in note.get_content() and "/auth/signup" in note.get_content()


@pytest.fixture
def limited_app(tmp_path):
    """Build a second app with rate limits on. The limiter is one object shared by
    every app in the process, so it is switched off again for the other tests."""
    from ovote.extensions import db, limiter
    from tests.databases import fresh_database, upgrade_to_head

    apps = []

    def build(**overrides):
        app = make_app(fresh_database(f"ratelimit{len(apps)}", tmp_path), RATELIMIT_ENABLED=True,
                       LOGIN_RATE_LIMIT="3 per minute", **overrides)
        upgrade_to_head(app)
        apps.append(app)
        # Counters start at zero: with OVOTE_REDIS_URL they live in Redis, which
        # outlives this app and this process (CI gives the tests a database of their own).
        limiter.reset()
        limiter.enabled = True  # the autouse `rate_limits_off` ran before this fixture
        return app

    yield build
    limiter.enabled = False
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def failed_logins(client, times, **headers):
    token = csrf_token(client, "/auth/login")
    return [client.post("/auth/login", headers=headers,
                        data={"email": "x@example.org", "password": "nope", "csrf_token": token}
                        ).status_code
            for _ in range(times)]


def test_login_rate_limit(limited_app):
    client = limited_app().test_client()
    assert failed_logins(client, 4) == [401, 401, 401, 429]
    refused = client.post("/auth/login", data={"csrf_token": csrf_token(client, "/auth/login")})
    assert refused.status_code == 429
    assert "You have tried too often" in refused.get_data(as_text=True)


def test_a_client_cannot_pick_its_address_with_forwarded_headers(limited_app):
    client = limited_app().test_client()
    statuses = [failed_logins(client, 1, **{"X-Forwarded-For": f"203.0.113.{i}"})[0] for i in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_allowance(limited_app):
    """With OVOTE_TRUSTED_PROXIES=1 the address the proxy appends is the client's: one
    client is limited, another behind the same proxy is not, and whatever a client
    put in front of the proxy's entry is ignored."""
    app = limited_app(TRUSTED_PROXIES=1)
    client = app.test_client()
    assert failed_logins(client, 4, **{"X-Forwarded-For": "198.51.100.7, 203.0.113.1"}) == [401, 401, 401, 429]
    assert failed_logins(client, 1, **{"X-Forwarded-For": "203.0.113.2"}) == [401]
    assert failed_logins(client, 1, **{"X-Forwarded-For": "198.51.100.8, 203.0.113.1"}) == [429]
    headers = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"}).headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_deactivated_account_cannot_log_in(client, factory, db_session, app):
    """Refused with the message of a wrong password, even with the right one; and its
    failure count goes on where it was (a fresh count would show the deactivation)."""
    from ovote.accounts.models import LoginThrottle

    user = factory.user(email="gone@example.org")
    threshold = app.config["LOCKOUT_THRESHOLD"]
    for _ in range(threshold - 2):
        assert post_login(client, user.email, "wrong password!").status_code == 401
    user.active = False
    db_session.commit()
    response = post_login(client, user.email, PASSWORD)
    assert response.status_code == 401
    assert "The e-mail address or password is not correct." in response.get_data(as_text=True)
    assert post_login(client, user.email, "wrong password!").status_code == 429
    assert db_session.query(LoginThrottle).count() == 0


def test_voter_lands_on_dashboard_with_role(client, factory, login_as):
    login_as(factory.user(email="dash@example.org"))
    page = client.get("/account").get_data(as_text=True)
    assert "dash@example.org" in page and Role.VOTER.value.capitalize() in page
    assert re.search(r'<html lang="en" dir="ltr">', page)
