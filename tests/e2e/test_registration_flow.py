"""A new voter registers from scratch on a phone; an official of the right consulate verifies them."""
import io
from datetime import date

import pyotp
from PIL import Image
from playwright.sync_api import expect

from ovote.accounts.models import Role
from ovote.accounts.staff import create_staff
from ovote.accounts.totp import sealed_secret
from ovote.consulates.services import create_consulate, create_constituency
from ovote.extensions import db
from ovote.registration.matching import document_index
from ovote.registration.personal import seal
from ovote.registration.registry_models import Citizenship, RegistryEntry
from ovote.runtime import runtime
from tests.e2e.conftest import check_accessibility, fits_the_screen
from tests.registration.conftest import passport_mrz

PASSWORD = "a long voter passphrase"
VOTER = "rosa@example.org"
OFFICIAL = "consul.rgp@example.org"


def prepare(live_server):
    """A consulate serving France, a constituency, the voter's civil-registry row, an official."""
    secret = pyotp.random_base32()
    rt = runtime(live_server.app)
    with live_server.app.app_context():  # the app's database session
        consulate = create_consulate(db.session, actor="cli", code="RGP", name="Registration test post",
                                     city="Paris", host_country="FR", timezone="Europe/Paris", served=["FR"])
        constituency = create_constituency(db.session, actor="cli", code="RIVER", name="River constituency")
        entry = RegistryEntry(document_index=document_index("RB1234567", cipher=rt.cipher),
                              birth_date=date(1992, 5, 17), citizenship=Citizenship.CITIZEN,
                              disqualified=False, constituency=constituency)
        seal(entry, "document_number_enc", "RB1234567", cipher=rt.cipher)
        seal(entry, "surname_enc", "Ferreira", cipher=rt.cipher)
        seal(entry, "given_names_enc", "Rosa", cipher=rt.cipher)
        db.session.add(entry)
        official = create_staff(db.session, actor="cli", email=OFFICIAL, role=Role.OFFICIAL,
                                consulate=consulate, password=PASSWORD, settings=rt.settings,
                                passwords=rt.passwords, cipher=rt.cipher, mailer=rt.mailer)
        official.totp_secret_enc = sealed_secret(secret, cipher=rt.cipher)
        db.session.commit()
    return secret


def shot(page, name):
    """Every page the walk reaches: it fits the screen and passes axe-core (which also keeps
    its screenshot in CI)."""
    assert fits_the_screen(page), f"{name} is wider than the screen"
    check_accessibility(page, name)


def sign_up_and_log_in(page, live_server):
    page.goto("/auth/signup")
    page.get_by_label("E-mail address").fill(VOTER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("#check-mail")).to_be_visible()  # the mail is out once this page shows
    page.goto(live_server.link_in_last_mail(VOTER, "/auth/confirm/"))
    page.get_by_label("E-mail address").fill(VOTER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account")


def continue_(page):
    page.get_by_role("button", name="Save and continue").click()


def apply(page):
    page.get_by_role("link", name="Start, continue or follow my application").click()
    page.wait_for_url("**/register/")
    shot(page, "01-start")
    page.get_by_role("button", name="Start my application").click()

    page.get_by_label("Family name(s)").fill("Ferreira")
    page.get_by_label("Given name(s)").fill("Rosa")
    birth = page.get_by_role("group", name="Date of birth")
    birth.get_by_label("Day").fill("17")
    birth.get_by_label("Month").fill("5")
    birth.get_by_label("Year").fill("1992")
    assert birth.get_by_label("Day").get_attribute("autocomplete") == "bday-day"
    page.get_by_label("Place of birth").fill("Coimbra")
    shot(page, "02-identity")
    continue_(page)

    page.get_by_role("group", name="Do you have a valid passport or national identity card?").get_by_label(
        "Yes").check()
    continue_(page)
    page.get_by_label("Passport number").fill("RB1234567")
    page.get_by_label("Passport issued by").select_option("PT")
    expiry = page.get_by_role("group", name="Passport valid until")
    expiry.get_by_label("Day").fill("1")
    expiry.get_by_label("Month").fill("5")
    expiry.get_by_label("Year").fill("2033")
    mrz = passport_mrz(surname="Ferreira", given_names="Rosa", number="RB1234567", birth="920517",
                       expiry="330501")
    broken = mrz[:-1] + ("1" if mrz[-1] == "0" else "0")
    page.get_by_label("Machine-readable zone (optional)").fill(broken)
    continue_(page)  # a wrong MRZ is refused with the reason, in a summary that takes the focus
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    shot(page, "03-documents-refused")
    assert page.title().startswith("Error: ")
    summary.get_by_role("link", name="A check digit of the MRZ is wrong (composite)").click()
    expect(page.get_by_label("Machine-readable zone (optional)")).to_be_focused()
    page.get_by_label("Machine-readable zone (optional)").fill(mrz)
    shot(page, "03-documents")
    continue_(page)

    page.get_by_label("Country where you live").select_option("FR")
    page.get_by_label("Address").fill("3 place de la Bastille\n75011 Paris")
    page.get_by_label("Phone number").fill("06 12 34 56 78")
    shot(page, "04-residence")
    continue_(page)

    # the only consulate serving France is named, not offered as a one-item list
    expect(page.locator("#consulate-served")).to_contain_text("Registration test post (Paris)")
    assert page.locator("select#consulate").count() == 0
    shot(page, "05-consulate")
    continue_(page)

    page.get_by_label("Home constituency").select_option(label="River constituency (RIVER)")
    shot(page, "06-constituency")
    continue_(page)
    channel = page.get_by_role("group", name="How would you like to vote?")
    assert not any(radio.is_checked() for radio in channel.get_by_role("radio").all())  # nothing chosen
    channel.get_by_label("Online").check()
    shot(page, "06-voting")
    continue_(page)

    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (40, 90, 160)).save(buffer, format="JPEG")
    page.get_by_label("Scan or photo of your passport or identity card").set_input_files(
        files=[{"name": "passport.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}])
    shot(page, "07-upload")
    continue_(page)

    page.wait_for_url("**/register/review")
    assert "Ferreira" in page.content() and "RB1234567" in page.content()
    page.get_by_label("I declare that this information is true and complete.").check()
    shot(page, "08-review")
    page.get_by_role("button", name="Submit my application").click()
    page.wait_for_url("**/register/")
    expect(page.locator("#application-state")).to_have_text("Submitted")
    shot(page, "09-status")


def verify_as_official(page, secret):
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(OFFICIAL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/auth/totp")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account")
    page.goto("/applications/")
    shot(page, "10-queue")
    page.locator("tbody a").first.click()
    page.wait_for_url("**/applications/*")
    checks = page.locator("#checks li")
    assert checks.count() == 11
    assert set(checks.evaluate_all("items => items.map(i => i.dataset.outcome)")) == {"pass"}
    shot(page, "11-application")
    page.get_by_role("group", name="Decision").get_by_label("Verify: add to the register").check()
    page.get_by_role("button", name="Continue").click()  # then only the reasons that fit a verification
    page.get_by_role("group", name="Reason").get_by_label("Identity and eligibility confirmed").check()
    page.get_by_label("I have checked the details and the document, and I confirm this decision.").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#application-state")).to_have_text("Verified")
    shot(page, "12-verified")


def test_a_new_voter_registers_and_an_official_verifies_them(browser, browser_page, live_server):
    secret = prepare(live_server)
    page = browser_page
    sign_up_and_log_in(page, live_server)
    apply(page)
    assert "was received" in live_server.mails_to(VOTER)[-1]["Subject"]

    official_context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           base_url=live_server.url)
    official_page = official_context.new_page()
    official_page.set_default_timeout(30000)
    try:
        verify_as_official(official_page, secret)
    finally:
        official_context.close()

    page.reload()
    expect(page.locator("#application-state")).to_have_text("Verified")
    assert live_server.mails_to(VOTER)[-1]["Subject"] == "You are on the overseas register"
    # The one refused MRZ answered 422 on purpose; nothing else may go wrong in the page.
    assert [e for e in page.console_errors if "422" not in e] == []
