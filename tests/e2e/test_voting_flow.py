"""End to end at phone width, against the real API: a voter registers, an official
verifies them (password and TOTP), an election opens for their consulate, and the voter
votes in the browser — one audit of the encryption, then the cast, the checked receipt,
the ballot found on the board — and votes again; the board shows both ballots, the
earlier superseded, and the server's ballots pass ovote/crypto's checks with the
tracking codes the page showed. axe-core checks every screen at 360 px.
"""
import json
import re

import pytest
from playwright.sync_api import expect

from ovote.consulates.models import Constituency, Consulate
from ovote.crypto import blindrsa
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.group import Point
from ovote.elections.models import Election
from ovote.extensions import db
from ovote.runtime import runtime
from ovote.voting.models import BoardEntry
from ovote.voting.setup import build_open_election
from tests.e2e import test_registration_flow as registration
from tests.e2e.conftest import check_accessibility, fits_the_screen, serve_fresh_app

SLUG = "general-2027"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """A server of its own: the registration walk's consulate and people, from scratch."""
    yield from serve_fresh_app(tmp_path_factory.mktemp("e2e-voting"), "e2evote")


def screen(page, name):
    """Every screen of the vote: it fits 360 px and passes axe-core (screenshot kept)."""
    assert fits_the_screen(page), f"{name} is wider than the screen"
    check_accessibility(page, name)


def open_the_election(live_server):
    """The commission's part, as the voting tests make it: an open election whose one
    ballot style goes to the voter's constituency, with a unit at their consulate."""
    app = live_server.app
    with app.app_context():
        consulate = db.session.scalar(db.select(Consulate).where(Consulate.code == "RGP"))
        constituency = db.session.scalar(db.select(Constituency).where(Constituency.code == "RIVER"))
        build_open_election(db.session, slug=SLUG, consulates=[consulate], constituency=constituency,
                            cipher=runtime(app).cipher)
        db.session.commit()


def choose(page, president, referendum):
    expect(page.get_by_role("heading", name="Contest 1 of 2")).to_be_visible()
    page.get_by_label(president).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Contest 2 of 2")).to_be_visible()
    expect(page.locator("#ovote-vote").get_by_text("Choose one option, or leave this contest blank.")).to_be_visible()
    page.get_by_label(referendum).check()


def board_rows(live_server):
    with live_server.app.app_context():
        election = db.session.scalar(db.select(Election).where(Election.slug == SLUG))
        definition = json.loads(election.definition)
        entries = db.session.scalars(db.select(BoardEntry).where(BoardEntry.election_id == election.id)
                                     .order_by(BoardEntry.seq)).all()
        return definition, election.fingerprint, [(e.tracking_code, e.superseded, json.loads(e.ballot))
                                                  for e in entries]


def check_with_ovote_crypto(definition, fingerprint, ballot):
    unit = next(u for u in definition["units"] if u["id"] == ballot["unit"])
    return validate_ballot(ballot, fingerprint=bytes.fromhex(fingerprint), unit_id=unit["id"],
                           ballot_style=unit["ballot_style"], unit_key=blindrsa.public_key_from_dict(unit),
                           joint_key=Point.from_hex(definition["joint_key"]))


def test_a_registered_voter_votes_in_the_browser_audits_checks_the_board_and_revotes(
        browser, browser_page, live_server):
    secret = registration.prepare(live_server)
    page = browser_page
    registration.sign_up_and_log_in(page, live_server)
    registration.apply(page)
    official_context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    official = official_context.new_page()
    official.set_default_timeout(30000)
    try:
        registration.verify_as_official(official, secret)
    finally:
        official_context.close()
    open_the_election(live_server)

    # The account page: the browser first, the ovote program as the other way.
    page.goto("/account")
    vote_in_browser = page.get_by_role("link", name=re.compile("^Vote in your browser"))
    expect(vote_in_browser).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^vote with the ovote program"))).to_be_visible()
    screen(page, "v01-account")
    vote_in_browser.click()
    page.wait_for_url(f"**/elections/{SLUG}/vote")

    expect(page.get_by_role("heading", name="The election is checked")).to_be_visible()
    expect(page.locator(".site-header")).to_be_visible()
    expect(page.locator(".site-footer")).to_be_visible()
    expect(page.locator("#step-heading")).to_be_focused()
    screen(page, "v02-checked")
    page.get_by_role("button", name="Start voting").click()
    expect(page.get_by_role("heading", name="Your voting key")).to_be_visible()
    screen(page, "v03-key")
    page.get_by_role("button", name="Make my key and get my token").click()
    expect(page.locator("#ovote-vote").get_by_text("Your voting kit for this election is kept on this device.")).to_be_visible()
    expect(page.locator("#ovote-vote-status")).to_have_text("Your voting kit for this election is kept on this device.")
    screen(page, "v04-kit")
    page.get_by_role("button", name="Continue").click()

    # Nothing chosen: the error says what to do, and the first option takes the focus.
    expect(page.get_by_role("heading", name="Contest 1 of 2")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#contest-0-error")).to_have_text("Error: Choose one option.")
    expect(page.get_by_label("Ana Alves")).to_be_focused()
    expect(page.locator("#not-cast-note")).to_contain_text("Not cast yet.")
    screen(page, "v05-contest-error")
    page.keyboard.press("ArrowDown")  # keyboard: the arrow moves the choice within the group
    expect(page.get_by_label("Ben Brito")).to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Contest 2 of 2")).to_be_visible()
    page.get_by_label("Yes").check()
    screen(page, "v06-contest")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your choices")).to_be_visible()
    expect(page.locator("#review")).to_contain_text("Ben Brito")
    expect(page.locator("#review")).to_contain_text("Yes")
    screen(page, "v07-review")

    page.get_by_role("button", name="Encrypt my ballot").click()
    expect(page.get_by_role("heading", name="Your ballot is encrypted")).to_be_visible()
    expect(page.locator("#not-cast")).to_contain_text("Your vote is NOT cast yet.")
    expect(page.locator("#ovote-vote-status")).to_have_text("Your vote is NOT cast yet.")
    audited = page.locator("#tracking-code").inner_text()
    screen(page, "v08-encrypted")

    # One audit: the shown choices are the ones made; then a fresh encryption.
    page.get_by_role("button", name="Check this encryption").click()
    expect(page.get_by_role("heading", name="This encryption contains")).to_be_visible()
    expect(page.locator("#audit-result dd").nth(0)).to_have_text("Ben Brito")
    expect(page.locator("#audit-result dd").nth(1)).to_have_text("Yes")
    expect(page.locator("#tracking-code")).to_have_text(audited)
    expect(page.locator("#not-cast")).to_contain_text("This checked ballot will never be cast.")
    screen(page, "v09-audit")
    page.get_by_role("button", name="Encrypt again").click()
    expect(page.get_by_role("heading", name="Your ballot is encrypted")).to_be_visible()
    shown = page.locator("#tracking-code").inner_text()
    assert shown != audited

    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    expect(page.locator("#board-check")).to_have_text("Your ballot is on the bulletin board, where the receipt says.")
    expect(page.locator("#receipt-qr")).to_be_visible()
    first_code = page.locator("#receipt-code").inner_text().replace(" ", "")
    assert first_code.startswith(shown.replace("-", ""))
    screen(page, "v10-receipt")

    # The receipt's link opens the ballot on the public board page.
    page.get_by_role("link", name="Your ballot on the bulletin board").click()
    page.wait_for_url(f"**/elections/{SLUG}/board?code={first_code}")
    expect(page.locator("#search-result")).to_contain_text("Ballot 1 is on the board:")
    expect(page.locator("#search-result")).to_contain_text(first_code)
    screen(page, "v11-board")

    # Back to vote again from the same device: the earlier receipt is shown, and replacing it explained.
    page.goto(f"/elections/{SLUG}/vote")
    expect(page.get_by_role("heading", name="The election is checked")).to_be_visible()
    expect(page.locator("#revote-notice")).to_contain_text("a later vote replaces an earlier one")
    expect(page.locator("#earlier-receipts li")).to_have_count(1)
    expect(page.locator("#earlier-receipts")).to_contain_text(first_code[:4])
    screen(page, "v12-revote")
    page.get_by_role("button", name="Vote again").click()
    page.get_by_role("button", name="Continue").click()
    choose(page, "Cleo Costa", "Leave this contest blank")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#replaces")).to_have_text(
        "This ballot will replace your earlier vote: only your latest vote counts.")
    expect(page.locator("#review")).to_contain_text("Blank (no choice)")
    screen(page, "v13-review-again")
    page.get_by_role("button", name="Encrypt my ballot").click()
    expect(page.get_by_role("heading", name="Your ballot is encrypted")).to_be_visible()
    second_shown = page.locator("#tracking-code").inner_text()
    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    expect(page.locator("#board-check")).to_have_text("Your ballot is on the bulletin board, where the receipt says.")
    second_code = page.locator("#receipt-code").inner_text().replace(" ", "")
    assert second_code.startswith(second_shown.replace("-", ""))
    expect(page.locator("#earlier-receipts li")).to_have_count(2)
    expect(page.locator("#earlier-receipts li").nth(0)).to_contain_text("replaced by a later vote")
    screen(page, "v14-receipt-again")

    page.goto(f"/elections/{SLUG}/board")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(first_code)
    expect(rows.nth(0).locator("td").nth(4)).to_have_text("Yes")  # superseded
    expect(rows.nth(1)).to_contain_text(second_code)
    expect(rows.nth(1).locator("td").nth(4)).to_have_text("No")
    expect(page.locator("#board-counted")).to_have_text("1")
    screen(page, "v15-board-both")

    # What the server accepted is what the page built: ovote/crypto checks both ballots,
    # their tracking codes are the ones shown, the audited one was never sent.
    definition, fingerprint, entries = board_rows(live_server)
    assert [(code, superseded) for code, superseded, _ in entries] == [(first_code, True), (second_code, False)]
    for code, _, ballot in entries:
        assert check_with_ovote_crypto(definition, fingerprint, ballot).tracking_code == code
    assert entries[0][2]["voting_key"] == entries[1][2]["voting_key"]
    assert not any(code.startswith(audited.replace("-", "")) for code, _, _ in entries)
    assert page.console_errors == [e for e in page.console_errors if "422" in e]
