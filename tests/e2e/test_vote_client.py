"""The browser voting pages at phone width, against a double of the §7 API.

The voting API (ovote/voting) is another part of the system; here the page
is served by the real app (with its CSP) and its API calls are answered by
`ElectionDouble`, which does what DESIGN.md §3.6–§3.8 say the server does,
with ovote/crypto: it issues blind signatures, validates every ballot with
`validate_ballot`, keeps a board and signs receipts. Hostile variants serve a
definition with a small-order joint key, a changed definition under the old
fingerprint, and a receipt with a wrong signature: the page must refuse each
and say so.
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
from tests.e2e.conftest import check_accessibility, fits_the_screen
from tests.frontend.make_vectors import SLUG, definition_and_keys

ORDER_8 = "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"


@pytest.fixture(scope="module")
def keys():
    return definition_and_keys()


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


def open_voting_page(page, live_server, double):
    page.context.add_cookies([{"name": "probe", "value": "1", "url": live_server.url}])
    page.route("**/api/v1/**", double.route)
    page.goto(f"/static/vote/index.html?election={SLUG}&lang=en")


def choose_and_review(page, president, council, referendum):
    page.get_by_label(president).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Contest 2 of 3")).to_be_visible()
    expect(page.get_by_text("Choose up to 3 options, or none to leave this contest blank.")).to_be_visible()
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
    page.get_by_role("button", name="Continue").click()
    snap(page, "2-key")
    page.get_by_role("button", name="Make my key and get my token").click()
    expect(page.get_by_text("Your voting kit for this election is kept on this device.")).to_be_visible()
    snap(page, "3-kit")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Contest 1 of 3")).to_be_visible()
    expect(page.get_by_text("Choose one option.")).to_be_visible()
    page.get_by_role("button", name="Continue").click()  # nothing chosen yet
    expect(page.get_by_role("alert")).to_have_text("Choose one option.")
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
    page.get_by_role("button", name="Encrypt my ballot").click()
    expect(page.locator("#not-cast")).to_be_visible()
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
    assert posted[0][2] and "probe=1" in posted[0][2]
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
    page = browser_page
    open_voting_page(page, live_server, ElectionDouble(keys, hostile=hostile))
    expect(page.get_by_role("heading", name="Your vote has stopped")).to_be_visible()
    expect(page.locator("#vote-error")).to_contain_text(message)
    expect(page.get_by_role("button")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("null")
    snap(page, f"hostile-{hostile}")


def test_a_receipt_with_a_wrong_signature_is_not_taken_for_a_cast_vote(browser_page, live_server, keys):
    page, double = browser_page, ElectionDouble(keys, hostile="bad_receipt")
    open_voting_page(page, live_server, double)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Make my key and get my token").click()
    page.get_by_role("button", name="Continue").click()
    choose_and_review(page, "Candidate 1", [], "No")
    page.get_by_role("button", name="Encrypt my ballot").click()
    page.get_by_role("button", name="Cast this ballot").click()
    expect(page.locator("#vote-error")).to_contain_text(
        "The server's receipt does not check out (receipt: the election's signature does not verify).")
    kit = json.loads(page.evaluate(f"localStorage.getItem('ovote-kit:{SLUG}')"))
    assert kit["receipts"] == []


def test_the_kit_file_carries_the_vote_to_another_device(browser, live_server, keys, tmp_path):
    double = ElectionDouble(keys)
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(30000)
        open_voting_page(page, live_server, double)
        page.get_by_role("button", name="Continue").click()
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
    laptop.get_by_role("button", name="Try again").click()
    laptop.locator("#kit-file").set_input_files(str(kit_file))
    expect(laptop.get_by_text("Your voting kit for this election is kept on this device.")).to_be_visible()
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
    page.context.add_cookies([{"name": "probe", "value": "1", "url": live_server.url}])
    page.route("**/api/v1/**", ElectionDouble(keys).route)
    page.goto(f"/static/vote/index.html?election={SLUG}&lang=fr")
    expect(page.get_by_role("heading", name="L’élection est vérifiée")).to_be_visible()
    expect(page.get_by_text("Élection présidentielle 2027")).to_be_visible()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_role("button", name="Créer ma clé et obtenir mon jeton").click()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Scrutin 1 sur 3")).to_be_visible()
    expect(page.get_by_label("Candidat·e n° 1 🗳")).to_be_visible()
    check_accessibility(page, "vote-fr-contest")
