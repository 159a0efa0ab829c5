"""At a consular polling station: an official marks a voter in the poll book on a phone;
after the close, one official enters the paper counts and a second confirms them."""
from datetime import date

import pyotp
from playwright.sync_api import expect

from ovote.accounts.models import Role
from ovote.accounts.staff import create_staff
from ovote.accounts.totp import sealed_secret
from ovote.consulates.services import create_consulate, create_constituency
from ovote.elections.models import Election
from ovote.extensions import db
from ovote.registration.matching import document_index
from ovote.registration.models import Application
from ovote.registration.personal import seal
from ovote.runtime import runtime
from ovote.voting.in_person import confirmed_returns
from ovote.voting.setup import build_open_election, make_verified_voter
from tests.e2e.conftest import check_accessibility, fits_the_screen
from tests.voting.helpers import unit_keys

PASSWORD = "a long official passphrase"
OFFICIALS = ("first.pol@example.org", "second.pol@example.org")
SLUG = "polling"


def prepare(live_server):
    """An open election with one unit at consulate POL, a verified voter, two officials."""
    rt = runtime(live_server.app)
    secrets = [pyotp.random_base32() for _ in OFFICIALS]
    with live_server.app.app_context():
        session = db.session
        consulate = create_consulate(session, actor="cli", code="POL", name="Polling test post",
                                     city="Luxembourg", host_country="LU", timezone="Europe/Luxembourg",
                                     served=["LU"])
        constituency = create_constituency(session, actor="cli", code="POLLING", name="Polling constituency")
        build_open_election(session, slug=SLUG, consulates=[consulate], constituency=constituency,
                            unit_keys=unit_keys(1), cipher=rt.cipher)
        voter = make_verified_voter(session, email="ines@example.org", password_hash="!",
                                    consulate=consulate, constituency=constituency,
                                    birth_date=date(1986, 8, 9))
        application = session.query(Application).filter_by(voter_id=voter.id).one()
        seal(application, "surname_enc", "Carvalho", cipher=rt.cipher)
        seal(application, "given_names_enc", "Inês", cipher=rt.cipher)
        seal(application, "passport_number_enc", "PC4444444", cipher=rt.cipher)
        application.passport_index = document_index("PC4444444", cipher=rt.cipher)
        for email, secret in zip(OFFICIALS, secrets):
            official = create_staff(session, actor="cli", email=email, role=Role.OFFICIAL,
                                    consulate=consulate, password=PASSWORD, settings=rt.settings,
                                    passwords=rt.passwords, cipher=rt.cipher, mailer=rt.mailer)
            official.totp_secret_enc = sealed_secret(secret, cipher=rt.cipher)
        session.commit()
        reference = f"OV-{application.id:06d}"
        db.session.remove()
    return secrets, reference


def shot(page, name):
    assert fits_the_screen(page), f"{name} is wider than the screen"
    check_accessibility(page, name)


def log_in(page, email, secret):
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/auth/totp")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/account")


def close_voting(live_server):
    with live_server.app.app_context():
        election = db.session.query(Election).filter_by(slug=SLUG).one()
        election.close()
        db.session.commit()
        db.session.remove()


def test_a_voter_is_marked_and_the_counts_are_entered_and_confirmed(browser, browser_page, live_server):
    (first_secret, second_secret), reference = prepare(live_server)
    page = browser_page  # 360 px wide
    log_in(page, OFFICIALS[0], first_secret)
    page.goto("/consulates/POL")
    shot(page, "in-person-01-consulate")
    page.get_by_role("link", name="Poll book").click()
    expect(page.locator("#marked-count")).to_have_text("0 voters marked so far.")
    shot(page, "in-person-02-poll-book")
    page.get_by_label("Reference number, passport number or identity card number").fill(reference)
    page.get_by_role("button", name="Find the voter").click()
    expect(page.get_by_role("heading", name="Inês Carvalho")).to_be_visible()
    shot(page, "in-person-03-found")
    page.get_by_role("button", name="Mark as voted in person").click()  # the identity check not ticked
    expect(page.locator("#error-summary")).to_contain_text("Tick the box to confirm that you checked")
    shot(page, "in-person-04-not-ticked")
    page.get_by_label("I have checked the voter's identity document").check()
    page.get_by_role("button", name="Mark as voted in person").click()
    expect(page.locator("#marked-count")).to_have_text("1 voter marked so far.")
    expect(page.get_by_role("status").first).to_contain_text(f"Voter {reference} is marked in the poll book")
    shot(page, "in-person-05-marked")

    close_voting(live_server)
    page.goto("/consulates/POL")
    page.get_by_role("link", name="In-person returns").click()
    shot(page, "in-person-06-returns")
    page.get_by_role("link", name="President").click()
    expect(page.locator("#count-rule")).to_contain_text("1 voter marked in the poll book had this contest")
    page.get_by_label("Ana Alves").fill("1")
    page.get_by_label("Ben Brito").fill("1")
    page.get_by_label("Cleo Costa").fill("0")
    page.get_by_role("button", name="Enter the counts").click()
    expect(page.locator("#error-summary")).to_contain_text("The votes add up to 2, more than the 1")
    shot(page, "in-person-07-too-many")
    page.get_by_label("Ben Brito").fill("0")
    page.get_by_role("button", name="Enter the counts").click()
    expect(page.locator("[data-contest=PRESIDENT] .return-status")).to_contain_text("waiting for a second official")
    shot(page, "in-person-08-entered")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    second = context.new_page()
    second.set_default_timeout(30000)
    try:
        log_in(second, OFFICIALS[1], second_secret)
        second.goto(f"/consulates/POL/elections/{SLUG}/returns")
        second.get_by_role("link", name="President").click()
        expect(second.locator("[data-option=ANA] dd")).to_have_text("1")
        shot(second, "in-person-09-to-confirm")
        second.get_by_label("Yes, confirm them").check()
        second.get_by_role("button", name="Save my decision").click()
        expect(second.locator("[data-contest=PRESIDENT] .return-status")).to_contain_text("Confirmed")
        shot(second, "in-person-10-confirmed")
    finally:
        context.close()

    with live_server.app.app_context():
        election = db.session.query(Election).filter_by(slug=SLUG).one()
        [entry] = confirmed_returns(db.session, election)
        db.session.remove()
    assert (entry["consulate"], entry["contest"], entry["counts"]) == ("POL", "PRESIDENT", [1, 0, 0])
    assert entry["entered_by"] != entry["confirmed_by"]
    # The refused submits answered 422 on purpose; nothing else may go wrong in the page.
    assert [e for e in page.console_errors if "422" not in e] == []
