"""A voter signs up, confirms and logs in; a commissioner logs in with TOTP."""
import pyotp
from playwright.sync_api import expect

from ovote.accounts.models import Role
from ovote.extensions import db
from tests.e2e.conftest import check_accessibility, fits_the_screen

PASSWORD = "a long voter passphrase"


def test_voter_signs_up_confirms_and_logs_in(browser_page, live_server):
    page = browser_page
    page.goto("/")
    assert fits_the_screen(page)
    check_accessibility(page, "home")
    page.get_by_role("link", name="Create an account").first.click()
    page.get_by_label("E-mail address").fill("amal@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("#check-mail")).to_contain_text("We have sent a message to amal@example.org")
    check_accessibility(page, "signup-check-mail")

    page.goto(live_server.link_in_last_mail("amal@example.org", "/auth/confirm/"))
    expect(page.get_by_text("Your e-mail address is confirmed")).to_be_visible()
    check_accessibility(page, "signup-confirmed")
    page.get_by_label("E-mail address").fill("amal@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#account-email")).to_have_text("amal@example.org")
    assert fits_the_screen(page)
    check_accessibility(page, "voter-account")
    assert page.console_errors == []


def test_commissioner_logs_in_with_password_and_totp(browser_page, live_server):
    from ovote.accounts.staff import create_staff
    from ovote.accounts.totp import sealed_secret
    from ovote.runtime import runtime

    secret = pyotp.random_base32()
    rt = runtime(live_server.app)
    with live_server.app.app_context():  # the app's database session
        user = create_staff(db.session, actor="cli", email="chair@example.org", role=Role.COMMISSIONER,
                            password=PASSWORD, settings=rt.settings, passwords=rt.passwords,
                            cipher=rt.cipher, mailer=rt.mailer)
        user.totp_secret_enc = sealed_secret(secret, cipher=rt.cipher)
        db.session.commit()

    page = browser_page
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill("chair@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/auth/totp")
    page.goto("/staff/")  # not reachable before the second factor
    assert "/auth/login" in page.url

    page.goto("/auth/totp")
    check_accessibility(page, "staff-totp")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/staff/")  # back to the page asked for before the code
    assert page.get_by_role("heading", name="Staff").is_visible()
    assert "chair@example.org" in page.content()
    check_accessibility(page, "staff-list")


def test_language_switch_to_french(browser_page):
    page = browser_page
    page.goto("/")
    page.get_by_role("button", name="Français").click()  # one tap on a phone, no menu to open
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert "Créer un compte" in page.content()
    check_accessibility(page, "home-fr")
