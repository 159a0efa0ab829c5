"""The browser voting pages at phone width, against a double of the §7 API.

The page is the app's own voting page (/elections/<slug>/vote, with its layout,
CSP and catalogue, for a logged-in verified voter of a real open election), and
its API calls are answered by `ElectionDouble`, which does what DESIGN.md
§3.6–§3.8 say the server does, with ovote/crypto: it issues blind signatures,
validates every ballot with `validate_ballot`, keeps a board and signs receipts.
Hostile variants serve a definition with a small-order joint key, a changed
definition under the old fingerprint, and a receipt with a wrong signature: the
page must refuse each, say so, and cast nothing after a failed definition check.
Others lose the connection after encryption, or close the election before the
cast. (tests/e2e/test_voting_flow.py is the same path against the real API.)
"""

import hashlib
import json
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import expect

from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.canonical import canonical_json
from ovote.crypto.fingerprint import election_fingerprint
from ovote.crypto.group import Point
from ovote.consulates.services import create_consulate, create_constituency
from ovote.extensions import db
from ovote.runtime import runtime
from ovote.voting.setup import build_open_election, make_verified_voter
from tests.e2e.conftest import check_accessibility, fits_the_screen
from tests.frontend.make_vectors import SLUG, definition_and_keys

VOTER = "double.voter@example.org"
PASSWORD = "a long voter passphrase"

ORDER_8 = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"


@pytest.fixture(scope="module")
def keys(live_server):
    """The double's election, and a real open election of the same name in the app (so
    that the app renders its voting page) with a verified voter who may vote in it."""
    keys = definition_and_keys()
    app = live_server.app
    rt = runtime(app)
    with app.app_context():
        consulate = create_consulate(db.session, actor="cli", code="DBL", name="Double post",
                                     city="Lisbon", host_country="PT", timezone="Europe/Lisbon",
                                     served=["PT"])
        constituency = create_constituency(db.session, actor="cli", code="DOUBLE",
                                           name="Double constituency")
        db.session.commit()
        build_open_election(db.session, slug=SLUG, consulates=[consulate],
                            constituency=constituency, unit_keys=[keys[1]], cipher=rt.cipher)
        make_verified_voter(db.session, email=VOTER, password_hash=rt.passwords.hash(PASSWORD),
                            consulate=consulate, constituency=constituency)
        db.session.commit()
    return keys


class ElectionDouble:
    def __init__(self, keys, *, hostile=None):
        definition, self.unit_key, self.receipt_key = keys
        self.definition = json.loads(json.dumps(definition))
        self.fingerprint = election_fingerprint(self.definition).hex()
        if hostile == "small_order_key":
            self.definition["joint_key"] = ORDER_8
            self.fingerprint = election_fingerprint(self.definition).hex()
        elif hostile == "changed_definition":
            self.definition["manifest"]["contests"][0]["options"][0]["labels"]["en"] = "Someone else"
        self.hostile = hostile
        self.board = []  # (tracking code, ballot)
        self.requests = []  # (method, path, cookie header)
        self.issued = None  # the one blinded message this voter had signed

    def _unit(self, unit_id):
        return next(u for u in self.definition["units"] if u["id"] == unit_id)

    def receipt(self, code, upto=None):
        upto = len(self.board) if upto is None else upto
        head = bytes.fromhex(self.fingerprint)
        for tracking, _ in self.board[:upto]:
            head = hashlib.sha256(head + bytes.fromhex(tracking)).digest()
        fields = {"election": self.fingerprint, "tracking_code": code, "seq": upto,
                  "received_at": "2026-12-01T07:00:00Z", "board_head": head.hex()}
        signature = self.receipt_key.sign(b"ovote/receipt/v1\x00" + canonical_json(fields))
        if self.hostile == "bad_receipt":
            signature = bytes([signature[0] ^ 1]) + signature[1:]
        return {**fields, "signature": signature.hex()}

    def answer(self, method, path, body):
        tail = path.split(f"/api/v1/elections/{SLUG}", 1)[1]
        if method == "GET" and tail == "":
            return 200, {"slug": SLUG, "title": self.definition["manifest"]["title"], "state": "open",
                         "timeline": {}, "fingerprint": self.fingerprint, "definition": self.definition,
                         "ceremony": [], "close": None}
        if method == "GET" and tail == "/eligibility":
            return 200, {"eligible": True, "unit": "FR01-full", "token_issued": False}
        if method == "POST" and tail == "/tokens":
            if self.issued not in (None, body["blinded_msg"]):
                return 409, {"error": "token_already_issued", "message": "already issued"}
            self.issued = body["blinded_msg"]
            blind_sig = tokens.issue_token(self.unit_key, bytes.fromhex(body["blinded_msg"]))
            return 201, {"unit": "FR01-full", "blind_sig": blind_sig.hex()}
        if method == "POST" and tail == "/ballots" and self.hostile == "closed_at_cast":
            return 409, {"error": "election_not_open", "message": "This election is not open for voting."}
        if method == "POST" and tail == "/ballots":
            unit = self._unit(body["unit"])
            validated = validate_ballot(
                body, fingerprint=bytes.fromhex(self.fingerprint), unit_id=unit["id"],
                ballot_style=unit["ballot_style"], unit_key=blindrsa.public_key_from_dict(unit),
                joint_key=Point.from_hex(self.definition["joint_key"]))
            self.board.append((validated.tracking_code, body))
            return 201, {"receipt": self.receipt(validated.tracking_code)}
        if method == "GET" and tail.startswith("/board/"):
            code = tail.rsplit("/", 1)[1]
            for seq, (tracking, ballot) in enumerate(self.board, start=1):
                if tracking == code:
                    receipt = self.receipt(code, upto=seq)
                    entry = {"seq": seq, "tracking_code": code, "chain": receipt["board_head"],
                             "superseded": seq < len(self.board), "received_at": receipt["received_at"],
                             "unit": ballot["unit"]}
                    return 200, {"entry": entry, "ballot": ballot}
            return 404, {"error": "unknown_tracking_code", "message": code}
        return 404, {"error": "not_found", "message": path}

    def route(self, route):
        request = route.request
        path = unquote(urlparse(request.url).path)
        self.requests.append((request.method, path, request.all_headers().get("cookie")))
        body = json.loads(request.post_data) if request.post_data else None
        status, data = self.answer(request.method, path, body)
        route.fulfill(status=status, content_type="application/json", body=json.dumps(data))


def snap(page, name):
    """Every step of the voting page passes axe-core at both widths (with its screenshots)."""
    check_accessibility(page, f"vote-{name}")


def open_voting_page(page, live_server, double, lang="en"):
    """Log in (the API's login shares the page's cookies), choose the language, and open
    the app's voting page with the API answered by `double`."""
    login = page.request.post("/api/v1/auth/login", data={"email": VOTER, "password": PASSWORD})
    assert login.ok, login.text()
    page.goto("/account")
    if lang != "en":
        page.locator(f"button.language-switch__option[value={lang}]").click()
        page.wait_for_url("**/account")
    page.route("**/api/v1/**", double.route)
    page.goto(f"/elections/{SLUG}/vote")


def choose_and_review(page, president, council, referendum):
    page.get_by_label(president).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Contest 2 of 3")).to_be_visible()
    expect(page.locator("#ovote-vote").get_by_text("Choose up to 3 options, or none to leave this contest blank.")).to_be_visible()
    for box in page.locator("input[type=checkbox]").all():
        box.uncheck()
    for name in council:
        page.get_by_label(name).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(referendum).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your choices")).to_be_visible()


def test_a_voter_checks_audits_casts_and_revotes_at_phone_width(browser_page, live_server, keys):
    page, double = browser_page, ElectionDouble(keys)
    open_voting_page(page, live_server, double)
    expect(page.get_by_role("heading", name="The election is checked")).to_be_visible()
    expect(page.locator("#fingerprint")).to_have_text("-".join(double.fingerprint[4 * i:4 * i + 4] for i in range(8)))
    assert fits_the_screen(page)
    snap(page, "1-checked")
    check_accessibility(page, "double-1-checked")
    page.get_by_role("button", name="Start voting").click()
    snap(page, "2-key")
    page.get_by_role("button", name="Make my key and get my token").click()
    expect(page.locator("#ovote-vote").get_by_text("Your voting kit for this election is kept on this device.")).to_be_visible()
    snap(page, "3-kit")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Contest 1 of 3")).to_be_visible()
    expect(page.locator("#ovote-vote").get_by_text("Choose one option.")).to_be_visible()
    page.get_by_role("button", name="Continue").click()  # nothing chosen yet
    expect(page.locator("#contest-0-error")).to_have_text("Error: Choose one option.")
    expect(page.locator("#ovote-vote-status")).to_have_text("Error: Choose one option.")
    expect(page.get_by_label("Candidate 0")).to_be_focused()
    snap(page, "4-contest-error")
    choose_and_review(page, "Candidate 2", ["Councillor 0", "Councillor 4"], "Leave this contest blank")
    expect(page.locator("#review")).to_contain_text("Candidate 2")
    expect(page.locator("#review")).to_contain_text("Councillor 0, Councillor 4")
    expect(page.locator("#review")).to_contain_text("Blank (no choice)")
    assert fits_the_screen(page)
    snap(page, "5-review")

    page.get_by_role("button", name="Encrypt my ballot").click()
    expect(page.locator("#not-cast")).to_contain_text("Your vote is NOT cast yet.")
    audited = page.locator("#tracking-code").inner_text()
    snap(page, "6-encrypted")
    page.get_by_role("button", name="Check this encryption").click()
    expect(page.get_by_role("heading", name="This encryption contains")).to_be_visible()
    expect(page.locator("#audit-result")).to_contain_text("Candidate 2")
    expect(page.locator("#audit-result")).to_contain_text("Councillor 0, Councillor 4")
    snap(page, "7-audit")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the audit file").click()
    audit = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert audit["version"] == "ovote/audit/v1" and audit["ballot"]["voting_key"]
    page.get_by_role("button", name="Encrypt again").click()
    expect(page.get_by_role("heading", name="Your ballot is encrypted")).to_be_visible()
    fresh = page.locator("#tracking-code").inner_text()
    assert fresh != audited

    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    assert len(double.board) == 1 and double.board[0][0].startswith(fresh.replace("-", ""))
    expect(page.locator("#receipt-code")).to_have_text(" ".join(double.board[0][0][i:i + 4] for i in range(0, 64, 4)))
    expect(page.locator("#receipt-qr")).to_be_visible()
    expect(page.locator("#board-check")).to_have_text("Your ballot is on the bulletin board, where the receipt says.")
    assert fits_the_screen(page)
    snap(page, "8-receipt")
    # The audited encryption was never sent, and the cast carried no cookie.
    posted = [r for r in double.requests if r[0] == "POST"]
    assert [p for _, p, _ in posted] == [f"/api/v1/elections/{SLUG}/tokens", f"/api/v1/elections/{SLUG}/ballots"]
    assert posted[0][2] and "session" in posted[0][2]
    assert posted[1][2] is None
    assert [c for _, p, c in double.requests if "/board/" in p] == [None]

    page.get_by_role("button", name="Vote again").click()
    choose_and_review(page, "Candidate 0", [], "Yes")
    page.get_by_role("button", name="Encrypt my ballot").click()
    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    assert len(double.board) == 2
    assert double.board[0][1]["voting_key"] == double.board[1][1]["voting_key"]

    page.reload()
    expect(page.locator("#revote-notice")).to_contain_text("a later vote replaces an earlier one")
    expect(page.locator("#revote-notice li")).to_have_count(2)
    snap(page, "9-revote")
    assert page.console_errors == []


@pytest.mark.parametrize("hostile, message", [
    ("small_order_key", "The server's election data fails a check (joint key: a point of small order)."),
    ("changed_definition", "The server's election does not match its fingerprint."),
])
def test_a_hostile_definition_stops_the_vote(browser_page, live_server, keys, hostile, message):
    page, double = browser_page, ElectionDouble(keys, hostile=hostile)
    open_voting_page(page, live_server, double)
    expect(page.get_by_role("heading", name="Your vote has stopped")).to_be_visible()
    expect(page.locator("#vote-error")).to_contain_text(message)
    expect(page.locator("#vote-stopped")).to_have_text(
        "Nothing was cast after the failed check. Do not vote through this server.")
    expect(page.locator("#ovote-vote button")).to_have_count(0)
    expect(page.get_by_role("link", name="Contact the election commission")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("null")
    assert [r for r in double.requests if r[0] == "POST"] == []
    snap(page, f"hostile-{hostile}")


def test_a_receipt_with_a_wrong_signature_is_not_taken_for_a_cast_vote(browser_page, live_server, keys):
    page, double = browser_page, ElectionDouble(keys, hostile="bad_receipt")
    open_voting_page(page, live_server, double)
    to_the_first_contest(page)
    choose_and_review(page, "Candidate 1", [], "No")
    page.get_by_role("button", name="Encrypt my ballot").click()
    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.locator("#vote-error")).to_contain_text(
        "The server's receipt does not check out (receipt: the election's signature does not verify).")
    expect(page.get_by_role("heading", name="Your vote has stopped")).to_be_visible()
    expect(page.locator("#ovote-vote button")).to_have_count(0)
    kit = json.loads(page.evaluate(f"localStorage.getItem('ovote-kit:{SLUG}')"))
    assert kit["receipts"] == []
    check_accessibility(page, "double-bad-receipt")
    snap(page, "hostile-bad_receipt")


def to_the_first_contest(page):
    page.get_by_role("button", name="Start voting").click()
    page.get_by_role("button", name="Make my key and get my token").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Contest 1 of 3")).to_be_visible()


def test_the_connection_lost_after_encryption_the_same_ballot_is_sent_again(browser_page, live_server, keys):
    page, double = browser_page, ElectionDouble(keys)
    open_voting_page(page, live_server, double)
    to_the_first_contest(page)
    choose_and_review(page, "Candidate 3", ["Councillor 2"], "Yes")
    page.get_by_role("button", name="Encrypt my ballot").click()
    shown = page.locator("#tracking-code").inner_text()
    page.route(f"**/api/v1/elections/*/ballots", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.locator("#vote-error")).to_contain_text(
        "The connection was lost after your ballot was sent: it may or may not have arrived.")
    expect(page.locator("#ovote-vote")).to_contain_text("Not confirmed: you have no receipt for this ballot yet.")
    check_accessibility(page, "double-network-lost")
    snap(page, "error-network-lost")
    assert double.board == []
    page.unroute(f"**/api/v1/elections/*/ballots")
    page.get_by_role("button", name="Send the same ballot again").click()
    expect(page.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    assert len(double.board) == 1 and double.board[0][0].startswith(shown.replace("-", ""))


def test_an_election_closed_before_the_cast_says_the_ballot_was_not_cast(browser_page, live_server, keys):
    page, double = browser_page, ElectionDouble(keys, hostile="closed_at_cast")
    open_voting_page(page, live_server, double)
    to_the_first_contest(page)
    choose_and_review(page, "Candidate 0", [], "No")
    page.get_by_role("button", name="Encrypt my ballot").click()
    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.locator("#vote-error")).to_have_text("Voting is closed for this election: your ballot was not cast.")
    expect(page.get_by_role("link", name="Back to my account")).to_be_visible()
    expect(page.locator("#ovote-vote")).to_contain_text("Not cast yet.")
    check_accessibility(page, "double-closed")
    snap(page, "error-closed")
    assert double.board == []


def test_the_kit_file_carries_the_vote_to_another_device(browser, live_server, keys, tmp_path):
    double = ElectionDouble(keys)
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(30000)
        open_voting_page(page, live_server, double)
        page.get_by_role("button", name="Start voting").click()
        pages.append(page)
    phone, laptop = pages
    phone.get_by_role("button", name="Make my key and get my token").click()
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Save my voting kit").click()
    kit_file = tmp_path / "kit.json"
    download.value.save_as(kit_file)

    # The other device asks for a token of its own: one voter, one token.
    laptop.get_by_role("button", name="Make my key and get my token").click()
    expect(laptop.locator("#vote-error")).to_contain_text(
        "A ballot token was already issued to you for this election, probably on another device.")
    check_accessibility(laptop, "double-token-elsewhere")
    snap(laptop, "error-token-elsewhere")
    laptop.get_by_role("button", name="Use a voting kit file").click()
    expect(laptop.locator("#ovote-vote").get_by_text("Your ballot token was given to another device.")).to_be_visible()
    laptop.get_by_label("Use a voting kit file").set_input_files(str(kit_file))
    expect(laptop.locator("#ovote-vote").get_by_text("Your voting kit for this election is kept on this device.")).to_be_visible()
    laptop.get_by_role("button", name="Continue").click()
    choose_and_review(laptop, "Candidate 3", ["Councillor 1"], "Yes")
    laptop.get_by_role("button", name="Encrypt my ballot").click()
    laptop.get_by_role("button", name="Cast this ballot").click()
    expect(laptop.get_by_role("heading", name="Your vote is cast")).to_be_visible()
    assert double.board[0][1]["voting_key"] == json.loads(kit_file.read_text())["voting_key"]
    for page in pages:
        page.context.close()


def test_the_pages_speak_french(browser_page, live_server, keys):
    page = browser_page
    open_voting_page(page, live_server, ElectionDouble(keys), lang="fr")
    expect(page.get_by_role("heading", name="L’élection est vérifiée")).to_be_visible()
    expect(page.locator("#ovote-vote").get_by_text("Élection présidentielle 2027")).to_be_visible()
    page.get_by_role("button", name="Commencer à voter").click()
    page.get_by_role("button", name="Créer ma clé et obtenir mon jeton").click()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Scrutin 1 sur 3")).to_be_visible()
    expect(page.get_by_label("Candidat·e n° 1 🗳")).to_be_visible()
    expect(page.locator("#not-cast-note")).to_contain_text("Pas encore déposé.")
    check_accessibility(page, "double-french")
