"""A voter whose passport was taken registers without a valid document on a phone; an official
books an identity check in person, records it and proposes the verification, and a second
official confirms it. Every page passes axe-core (the voter's and the second official's at
360 px, the first official's at 1280 px)."""
import io
from datetime import timedelta

import pyotp
from PIL import Image
from playwright.sync_api import expect

from ovote.accounts.models import Role
from ovote.accounts.staff import create_staff
from ovote.accounts.totp import sealed_secret
from ovote.clock import utcnow
from ovote.consulates.services import create_consulate, create_constituency
from ovote.extensions import db
from ovote.runtime import runtime
from tests.e2e.conftest import check_accessibility, fits_the_screen

PASSWORD = "a long voter passphrase"
VOTER = "samir@example.org"
OFFICIALS = ("first.ndp@example.org", "second.ndp@example.org")


def prepare(live_server):
    """A consulate serving Germany, a constituency, two officials of it (their TOTP secrets)."""
    rt = runtime(live_server.app)
    secrets = []
    with live_server.app.app_context():
        consulate = create_consulate(db.session, actor="cli", code="NDP", name="No-document test post",
                                     city="Berlin", host_country="DE", timezone="Europe/Berlin", served=["DE"])
        create_constituency(db.session, actor="cli", code="HILLS", name="Hills constituency")
        for email in OFFICIALS:
            secret = pyotp.random_base32()
            official = create_staff(db.session, actor="cli", email=email, role=Role.OFFICIAL, consulate=consulate,
                                    password=PASSWORD, settings=rt.settings, passwords=rt.passwords,
                                    cipher=rt.cipher, mailer=rt.mailer)
            official.totp_secret_enc = sealed_secret(secret, cipher=rt.cipher)
            secrets.append(secret)
        db.session.commit()
    return secrets


def shot(page, name):
    assert fits_the_screen(page), f"{name} is wider than the screen"
    check_accessibility(page, name)


def sign_up(page, live_server):
    page.goto("/auth/signup")
    page.get_by_label("E-mail address").fill(VOTER)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator("#check-mail")).to_be_visible()
    page.goto(live_server.link_in_last_mail(VOTER, "/auth/confirm/"))
    page.get_by_label("E-mail address").fill(VOTER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account")


def continue_(page):
    page.get_by_role("button", name="Save and continue").click()


def apply_without_a_document(page):
    page.goto("/register/")
    page.get_by_role("button", name="Start my application").click()
    page.get_by_label("Family name(s)").fill("Haddad")
    page.get_by_label("Given name(s)").fill("Samir")
    birth = page.get_by_role("group", name="Date of birth")
    birth.get_by_label("Day").fill("3")
    birth.get_by_label("Month").fill("11")
    birth.get_by_label("Year").fill("1985")
    page.get_by_label("Place of birth").fill("Aleppo")
    continue_(page)

    page.wait_for_url("**/register/step/document-choice")
    question = page.get_by_role("group", name="Do you have a valid passport or national identity card?")
    assert not any(radio.is_checked() for radio in question.get_by_role("radio").all())
    shot(page, "nd-01-document-choice")
    question.get_by_label("No, I do not have a valid document").check()
    continue_(page)

    page.wait_for_url("**/register/step/no-document")
    continue_(page)  # nothing chosen: refused, with the summary taking the focus
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.title().startswith("Error: ")
    shot(page, "nd-02-no-document-refused")
    page.get_by_role("group", name="Why do you not have a valid document?").get_by_label(
        "My passport or identity card was taken from me").check()
    page.get_by_label("Tell us more (optional)").fill("Kept by the authorities when I left in 2023.")
    shot(page, "nd-02-no-document")
    continue_(page)

    page.wait_for_url("**/register/step/documents-held")
    held = page.get_by_role("group", name="Which of these documents do you have?")
    held.get_by_label("An expired passport").check()
    held.get_by_label("A birth certificate").check()
    shot(page, "nd-03-documents-held")
    continue_(page)

    page.get_by_label("Country where you live").select_option("DE")
    page.get_by_label("Address").fill("Karl-Marx-Allee 1\n10178 Berlin")
    page.get_by_label("Phone number").fill("030 1234567")
    continue_(page)
    expect(page.locator("#consulate-served")).to_contain_text("No-document test post (Berlin)")
    continue_(page)
    page.get_by_label("Home constituency").select_option(label="Hills constituency (HILLS)")
    continue_(page)
    page.get_by_role("group", name="How would you like to vote?").get_by_label("Online").check()
    continue_(page)

    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (160, 90, 40)).save(buffer, format="PNG")
    page.get_by_label("Scan or photo of a document you have").set_input_files(
        files=[{"name": "birth-certificate.png", "mimeType": "image/png", "buffer": buffer.getvalue()}])
    shot(page, "nd-04-upload")
    continue_(page)

    page.wait_for_url("**/register/review")
    expect(page.locator("main")).to_contain_text("My passport or identity card was taken from me")
    page.get_by_label("I declare that this information is true and complete.").check()
    shot(page, "nd-05-review")
    page.get_by_role("button", name="Submit my application").click()
    page.wait_for_url("**/register/")
    expect(page.locator("#application-state")).to_have_text("Submitted")
    expect(page.locator("#identity-appointment")).to_contain_text("It will give you an appointment")
    shot(page, "nd-06-status-waiting")


def log_in_official(page, email, secret):
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/auth/totp")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account")


def open_application(page):
    page.goto("/applications/")
    page.locator("tbody a").first.click()
    page.wait_for_url("**/applications/*")


def book_check_and_propose(page, secret):
    log_in_official(page, OFFICIALS[0], secret)
    open_application(page)
    outcomes = dict(page.locator("#checks li").evaluate_all(
        "items => items.map(i => [i.dataset.rule, i.dataset.outcome])"))
    assert outcomes["document_not_expired"] == "review" and "fail" not in outcomes.values()
    expect(page.locator("#no-document-reason")).to_have_text("My passport or identity card was taken from me")
    expect(page.locator("#document-image img")).to_be_visible()  # the image beside the details
    shot(page, "nd-07-application")

    day = (utcnow() + timedelta(days=7)).date()
    form = page.locator("#appointment-form")
    form.get_by_label("Day", exact=True).fill(str(day.day))
    form.get_by_label("Month").fill(str(day.month))
    form.get_by_label("Year").fill(str(day.year))
    form.get_by_label("Time").fill("10:30")
    form.get_by_label("Place").fill("Consulate, Unter den Linden 10, desk 3")
    form.get_by_role("button", name="Book and tell the applicant").click()
    expect(page.locator("#appointment")).to_contain_text("10:30 AM (Europe/Berlin)")

    check = page.locator("#identity-check-form")
    check.get_by_label("Yes: identity confirmed").check()
    check.get_by_role("group", name="Documents seen").get_by_label("An expired passport").check()
    check.get_by_label("Notes (optional)").fill("Expired passport photo matches; birth certificate agrees.")
    check.get_by_role("button", name="Record the identity check").click()
    expect(page.locator("#identity-checks")).to_contain_text("identity confirmed")

    page.get_by_role("group", name="Decision").get_by_label("Verify: add to the register").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#chosen-decision")).to_have_text("Verify: add to the register")
    reasons = page.get_by_role("group", name="Reason")
    assert reasons.get_by_label("Not a citizen").count() == 0  # a rejection's reason is not offered
    reasons.get_by_label("Identity confirmed in person at the consulate").check()
    page.get_by_label("Note to the applicant (optional)").fill("Welcome to the register.")
    page.get_by_label("I have checked the details and the document, and I confirm this decision.").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#four-eyes")).to_contain_text("You proposed it: another official must confirm.")
    shot(page, "nd-08-proposed")


def confirm_as_second(page, secret):
    log_in_official(page, OFFICIALS[1], secret)
    open_application(page)
    proposal = page.locator("#proposal")
    expect(proposal).to_contain_text("Identity confirmed in person at the consulate")
    expect(proposal).to_contain_text("Welcome to the register.")
    page.get_by_label("Your note to the applicant (optional)").fill("Confirmed by a second official.")
    shot(page, "nd-09-second-official")
    page.get_by_role("button", name="Confirm the verification").click()
    expect(page.locator("#application-state")).to_have_text("Verified")


def official_page(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(30000)
    return context, page


def test_a_voter_without_a_valid_document_is_seen_in_person_and_verified_by_two(browser, browser_page,
                                                                                live_server):
    first_secret, second_secret = prepare(live_server)
    page = browser_page
    sign_up(page, live_server)
    apply_without_a_document(page)
    assert "was received" in live_server.mails_to(VOTER)[-1]["Subject"]

    context, official = official_page(browser, live_server, 1280)  # a consulate's desktop
    try:
        book_check_and_propose(official, first_secret)
    finally:
        context.close()
    mail = live_server.mails_to(VOTER)[-1]
    assert mail["Subject"] == "Your appointment for an identity check at the consulate"
    assert "Consulate, Unter den Linden 10, desk 3" in mail.get_body(("plain",)).get_content()
    page.reload()
    expect(page.locator("#appointment-when")).to_contain_text("10:30 AM (Europe/Berlin)")
    shot(page, "nd-10-status-appointment")

    context, official = official_page(browser, live_server, 360)
    try:
        confirm_as_second(official, second_secret)
    finally:
        context.close()
    page.reload()
    expect(page.locator("#application-state")).to_have_text("Verified")
    shot(page, "nd-11-verified")
    assert "Confirmed by a second official." in live_server.mails_to(VOTER)[-1].get_body(("plain",)).get_content()
    assert [e for e in page.console_errors if "422" not in e] == []
