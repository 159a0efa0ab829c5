import time

import pyotp
import pytest

from ovote.accounts import totp
from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token


def password_step(client, user):
    return client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                            "csrf_token": csrf_token(client, "/auth/login")})


def send_code(client, url, code):
    return client.post(url, data={"code": code, "csrf_token": csrf_token(client, url)})


@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.COMMISSIONER, Role.AUDITOR, Role.TRUSTEE])
def test_staff_are_not_logged_in_by_password_alone(client, factory, role):
    secret = pyotp.random_base32()
    user = factory.user(role, totp_secret=secret)
    response = password_step(client, user)
    assert response.status_code == 303 and response.headers["Location"].endswith("/auth/totp")
    assert client.get("/account").status_code == 302  # not logged in yet
    assert client.get("/consulates/").status_code == 302
    response = send_code(client, "/auth/totp", pyotp.TOTP(secret).now())
    assert response.status_code == 303
    assert client.get("/account").status_code == 200


def test_a_totp_code_is_accepted_once(client, factory, app):
    secret = pyotp.random_base32()
    user = factory.user(Role.COMMISSIONER, totp_secret=secret)
    code = pyotp.TOTP(secret).now()
    password_step(client, user)
    assert send_code(client, "/auth/totp", code).status_code == 303
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    password_step(client, user)
    response = send_code(client, "/auth/totp", code)
    assert response.status_code == 401
    assert "That code has already been used" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", ""])
def test_wrong_totp_codes_are_refused(client, factory, db_session, code):
    secret = pyotp.random_base32()
    user = factory.user(Role.AUDITOR, totp_secret=secret)
    if pyotp.TOTP(secret).now() == code:
        code = "999999"
    password_step(client, user)
    response = send_code(client, "/auth/totp", code)
    assert response.status_code in (400, 401)
    assert client.get("/account").status_code == 302


def test_totp_without_password_step_goes_back_to_login(client, factory):
    assert client.get("/auth/totp").headers["Location"].endswith("/auth/login")
    assert client.get("/auth/totp/enrol").headers["Location"].endswith("/auth/login")


def test_enrolment_at_first_login(app, client, factory, db_session, cipher):
    user = factory.user(Role.OFFICIAL)
    user.totp_secret_enc = None
    db_session.commit()
    response = password_step(client, user)
    assert response.headers["Location"].endswith("/auth/totp/enrol")
    page = client.get("/auth/totp/enrol").get_data(as_text=True)
    assert "data:image/svg+xml" in page  # the QR code
    with client.session_transaction() as sess:
        secret = sess["totp_enrol_secret"]
    assert secret in page
    wrong = send_code(client, "/auth/totp/enrol", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    assert wrong.status_code == 400 and user.totp_secret_enc is None
    response = send_code(client, "/auth/totp/enrol", pyotp.TOTP(secret).now())
    assert response.status_code == 303
    assert user.totp_enrolled
    assert totp.secret_of(user, cipher=cipher) == secret
    assert secret not in user.totp_secret_enc  # sealed at rest
    assert db_session.query(AuditEvent).filter_by(action="account.totp_enrolled").count() == 1


def test_an_enrolment_finished_meanwhile_elsewhere_is_kept(client, factory, db_session, cipher):
    """A second window that reaches enrolment after the first finished keeps nothing
    of its own secret: it is sent to the code page with a message."""
    user = factory.user(Role.OFFICIAL)
    user.totp_secret_enc = None
    db_session.commit()
    password_step(client, user)
    client.get("/auth/totp/enrol")
    with client.session_transaction() as sess:
        secret = sess["totp_enrol_secret"]
    kept = pyotp.random_base32()
    totp.enrol(db_session, user, kept, pyotp.TOTP(kept).now(), cipher=cipher)  # the other window
    with pytest.raises(totp.TotpAlreadyEnrolled):
        totp.enrol(db_session, user, secret, pyotp.TOTP(secret).now(), cipher=cipher)
    assert client.get("/auth/totp/enrol").headers["Location"].endswith("/auth/totp")
    assert totp.secret_of(user, cipher=cipher) == kept


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "１２３４５６", "²²²²²²", "12a456"])
@pytest.mark.parametrize("url", ["/auth/totp", "/auth/totp/enrol"])
def test_codes_that_are_not_six_ascii_digits_are_wrong_codes(client, factory, db_session, code, url):
    """Other scripts' digits pass str.isdigit() but are not TOTP digits: a wrong
    code (counted and audited at login), never a 500."""
    user = factory.user(Role.OFFICIAL)
    if url.endswith("enrol"):
        user.totp_secret_enc = None
        db_session.commit()
    password_step(client, user)
    response = send_code(client, url, code)
    assert response.status_code in (400, 401)
    assert "That code is not correct" in response.get_data(as_text=True)
    if not url.endswith("enrol"):
        assert user.failed_logins == 1


def test_codes_from_adjacent_steps_are_accepted_but_not_older_ones(factory, db_session, runtime):
    """No request is needed to run the rule: the collaborators are arguments."""
    secret = pyotp.random_base32()
    user = factory.user(Role.AUDITOR, totp_secret=secret)
    now = time.time()
    previous = pyotp.TOTP(secret).at(now - 30)
    collaborators = dict(settings=runtime.settings, cipher=runtime.cipher)
    totp.verify(db_session, user, previous, now=now, **collaborators)
    with pytest.raises(totp.TotpInvalid):
        totp.verify(db_session, user, pyotp.TOTP(secret).at(now - 120), now=now + 60, **collaborators)


def wrong_code(secret):
    now = pyotp.TOTP(secret)
    return next(c for c in ("000000", "111111", "222222", "333333")
                if c not in (now.at(time.time() - 30), now.now(), now.at(time.time() + 30)))


def test_repeated_wrong_codes_lock_the_account(client, factory, db_session, app):
    """The 6-digit code is no weaker than the password: wrong codes count towards the
    same lock-out, and a right password in between does not wipe the count."""
    secret = pyotp.random_base32()
    user = factory.user(Role.OFFICIAL, totp_secret=secret)
    threshold = app.config["LOCKOUT_THRESHOLD"]
    password_step(client, user)
    for _ in range(threshold - 2):
        assert send_code(client, "/auth/totp", wrong_code(secret)).status_code == 401
    password_step(client, user)  # starting again with the password does not reset the count
    assert send_code(client, "/auth/totp", wrong_code(secret)).status_code == 401
    response = send_code(client, "/auth/totp", wrong_code(secret))
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert user.locked_until is not None
    # Locked: neither the right code nor the right password gets in.
    assert send_code(client, "/auth/totp", pyotp.TOTP(secret).now()).status_code == 429
    assert client.get("/account").status_code == 302
    assert password_step(client, user).status_code == 429
    assert db_session.query(AuditEvent).filter_by(action="account.locked").count() == 1


def test_a_full_login_clears_the_failure_count(client, factory, app):
    secret = pyotp.random_base32()
    user = factory.user(Role.AUDITOR, totp_secret=secret)
    password_step(client, user)
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        send_code(client, "/auth/totp", wrong_code(secret))
    assert send_code(client, "/auth/totp", pyotp.TOTP(secret).now()).status_code == 303
    assert user.failed_logins == 0 and user.locked_until is None


def test_the_password_step_starts_a_fresh_session(client, factory, db_session):
    """A session planted in the browser before login (here with an enrolment secret
    the planter knows) must not carry over into the staff member's enrolment."""
    user = factory.user(Role.OFFICIAL)
    user.totp_secret_enc = None
    db_session.commit()
    planted = pyotp.random_base32()
    with client.session_transaction() as sess:
        sess["totp_enrol_secret"] = planted
        sess["planted"] = "by an attacker"
    assert password_step(client, user).headers["Location"].endswith("/auth/totp/enrol")
    page = client.get("/auth/totp/enrol").get_data(as_text=True)
    assert planted not in page
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess["totp_enrol_secret"] != planted


def test_the_enrolment_page_is_not_stored_by_the_browser(client, factory, db_session):
    """It shows the new TOTP secret before the staff member is logged in."""
    user = factory.user(Role.OFFICIAL)
    user.totp_secret_enc = None
    db_session.commit()
    password_step(client, user)
    response = client.get("/auth/totp/enrol")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
