"""A commissioner defines an election in the browser, on a phone-sized screen."""
import pyotp
from playwright.sync_api import expect

from ovote.accounts.models import Role
from ovote.consulates.models import Constituency
from ovote.extensions import db
from tests.e2e.conftest import check_accessibility, fits_the_screen

PASSWORD = "a long commissioner passphrase"


def staff(app, email, role):
    from ovote.accounts.staff import create_staff
    from ovote.accounts.totp import sealed_secret
    from ovote.runtime import runtime

    secret = pyotp.random_base32()
    rt = runtime(app)
    with app.app_context():  # the app's database session
        user = create_staff(db.session, actor="cli", email=email, role=role, password=PASSWORD,
                            settings=rt.settings, passwords=rt.passwords, cipher=rt.cipher,
                            mailer=rt.mailer)
        user.totp_secret_enc = sealed_secret(secret, cipher=rt.cipher)
        db.session.commit()
    return secret


def log_in(page, email, secret):
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/auth/totp")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()


def test_commissioner_defines_an_election(browser_page, live_server):
    app, page = live_server.app, browser_page
    secret = staff(app, "chair-elections@example.org", Role.COMMISSIONER)
    staff(app, "keeper@example.org", Role.TRUSTEE)
    with app.app_context():
        db.session.add(Constituency(code="E2E-NORTH", name="North"))
        db.session.commit()
    log_in(page, "chair-elections@example.org", secret)

    page.goto("/commission/elections/")
    check_accessibility(page, "elections-list")
    page.get_by_role("link", name="Create an election").click()
    check_accessibility(page, "election-create")
    page.get_by_label("Short name").fill("browser-2027")
    page.get_by_label("Title (English)").fill("Browser election")
    page.get_by_label("Title (Français)").fill("Élection du navigateur")
    page.get_by_label("Trustees needed to decrypt (k)").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#election-state")).to_have_text("Draft")
    check_accessibility(page, "election-draft")

    page.get_by_role("link", name="Add a contest").click()
    page.get_by_label("Contest code").fill("mayor")  # lower case: refused
    page.get_by_label("Name (English)").fill("Mayor")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#error-summary")).to_contain_text("“mayor” is not a valid code")
    assert fits_the_screen(page)
    check_accessibility(page, "election-contest-refused")
    page.get_by_label("Contest code").fill("MAYOR")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add an option").click()
    check_accessibility(page, "election-option")
    page.get_by_label("Option code").fill("ANA")
    page.get_by_label("Name (English)").fill("Ana Lima")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add a ballot style").click()
    check_accessibility(page, "election-style")
    page.get_by_label("Ballot style code").fill("S1")
    page.get_by_label("MAYOR — Mayor").check()
    page.get_by_label("E2E-NORTH — North").check()
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add a trustee").click()
    check_accessibility(page, "election-trustee")
    page.get_by_label("Trustee").select_option("keeper@example.org")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Change Registration deadline").click()
    check_accessibility(page, "election-timeline")
    page.get_by_label("Registration deadline").fill("2027-03-01T12:00")
    page.get_by_label("Ballot tokens can be asked for from").fill("2027-03-05T09:00")
    page.get_by_label("Voting opens").fill("2027-03-10T08:00")
    page.get_by_label("Voting closes").fill("2027-03-17T20:00")
    page.get_by_label("Election day").fill("2027-03-17")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#timeline")).to_contain_text("Mar 10, 2027, 8:00\u202fAM")
    expect(page.locator("[data-contest=MAYOR]")).to_contain_text("Ana Lima")
    expect(page.locator("#trustees")).to_contain_text("keeper@example.org")
    assert fits_the_screen(page)
    check_accessibility(page, "election-complete")
    page.get_by_role("link", name="Start the key ceremony").click()
    check_accessibility(page, "election-start-ceremony")
    page.get_by_role("button", name="Start the key ceremony").click()
    expect(page.locator("#election-state")).to_have_text("Key ceremony")
    expect(page.locator("#ceremony-status")).to_have_text("The key ceremony is under way.")
    check_accessibility(page, "election-ceremony")
    # The one refused form answered 422, which the browser reports; nothing else went wrong.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
