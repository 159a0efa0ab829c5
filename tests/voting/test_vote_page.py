"""The voting page that mounts the browser client, and its words from the catalogue."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ovote.elections.models import ElectionState
from ovote.registration.models import VotingChannel
from ovote.voting.client_text import CLIENT_TEXT
from tests.conftest import log_in
from tests.voting.helpers import open_election, verified_voter

ROOT = Path(__file__).resolve().parents[2]
PAGE_JS = ROOT / "frontend" / "src" / "vote" / "page.js"
FR_PO = ROOT / "ovote" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"


def js_keys():
    """The message keys page.js asks for: t("key", ...) calls and its error map's "err_…"."""
    source = PAGE_JS.read_text(encoding="utf-8")
    return set(re.findall(r'\bt\("(\w+)"', source)) | set(re.findall(r'"(err_\w+)"', source))


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.mount, self._in = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append([attrs, ""])
            self._in = self.scripts[-1]
        if attrs.get("id") == "ovote-vote":
            self.mount = attrs

    def handle_data(self, data):
        if self._in is not None:
            self._in[1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None


def parse(html):
    parser = Scripts()
    parser.feed(html)
    return parser


def test_every_message_the_client_asks_for_is_in_the_catalogue_and_no_other():
    keys = js_keys()
    assert len(keys) > 90
    assert keys - set(CLIENT_TEXT) == set(), "page.js asks for messages client_text.py lacks"
    assert set(CLIENT_TEXT) - keys == set(), "client_text.py has messages page.js never asks for"


def test_every_client_message_has_its_french_translation():
    with FR_PO.open("rb") as f:
        catalogue = read_po(f)
    for key, text in CLIENT_TEXT.items():
        message = catalogue.get(text._args[0])
        assert message is not None and message.string, f"{key}: no French translation"
        # the client's placeholders survive translation
        assert set(re.findall(r"\{\w+\}", message.string)) == set(re.findall(r"\{\w+\}", message.id)), key


@pytest.fixture
def voter_setup(app, db_session, factory):
    setup = open_election(app, db_session, factory)
    voter = verified_voter(app, db_session, setup)
    return setup, voter


@pytest.mark.parametrize("lang, word", [("en", "Encrypt my ballot"), ("fr", "Chiffrer mon bulletin")])
def test_the_voting_page_mounts_the_client_with_the_catalogue_in_the_voters_language(
        app, voter_setup, lang, word):
    setup, voter = voter_setup
    client = app.test_client()
    log_in(app, client, voter)
    with client.session_transaction() as sess:
        sess["lang"] = lang
    response = client.get(f"/elections/{setup.slug}/vote")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    # The app's layout: header, language choice, footer.
    assert 'class="site-header"' in html and 'class="language-switch"' in html and 'class="site-footer"' in html
    # No inline script: the bundled module, and the catalogue as a data block.
    kinds = [(a.get("type"), a.get("src")) for a, _ in page.scripts]
    assert ("module", "/static/vote/vote.js") in kinds
    for attrs, body in page.scripts:
        assert attrs.get("src") or attrs.get("type") == "application/json", attrs
        assert attrs.get("src") is None or not body.strip()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    text = json.loads(next(body for a, body in page.scripts if a.get("id") == "ovote-vote-text"))
    assert set(text) == js_keys()
    assert text["encrypt"] == word
    if lang == "fr":
        english = {k: str(v) for k, v in CLIENT_TEXT.items()}
        same = [k for k in text if text[k] == english[k]]
        assert same == [], f"not in French: {same}"
    mount = page.mount
    assert mount["data-slug"] == setup.slug and mount["data-api"] == "/api/v1"
    assert mount["data-lang"] == lang
    assert mount["data-board"] == f"/elections/{setup.slug}/board?code={{code}}"
    assert mount["data-program"] == f"/elections/{setup.slug}/vote/program"
    # The session's CSRF token, which the token request must carry.
    with client.session_transaction() as sess:
        assert sess["csrf_token"]
    token = client.post(f"/api/v1/elections/{setup.slug}/tokens", json={"blinded_msg": "00"},
                        headers={"X-CSRFToken": mount["data-csrf"]})
    assert token.get_json()["error"] == "bad_blinded_msg"  # past the CSRF check
    assert 'id="ovote-vote-status" role="status"' in html


def test_the_account_page_offers_the_browser_first_and_the_program_second(app, voter_setup):
    setup, voter = voter_setup
    client = app.test_client()
    log_in(app, client, voter)
    account = client.get("/account").get_data(as_text=True)
    browser = account.index(f'href="/elections/{setup.slug}/vote"')
    program = account.index(f'href="/elections/{setup.slug}/vote/program"')
    assert browser < program
    assert "Vote in your browser" in account and "vote with the ovote program" in account
    page = client.get(f"/elections/{setup.slug}/vote/program").get_data(as_text=True)
    assert f"ovote vote --server http://ovote.test --election {setup.slug}" in page
    assert "Voting closes" in page and setup.fingerprint in page


def test_no_client_for_a_voter_who_cannot_vote_here_or_before_voting_opens(app, db_session, factory):
    setup = open_election(app, db_session, factory, state=ElectionState.FROZEN)
    voter = verified_voter(app, db_session, setup)
    other = verified_voter(app, db_session, setup, channel=VotingChannel.POSTAL)
    client = app.test_client()
    log_in(app, client, voter)
    html = client.get(f"/elections/{setup.slug}/vote").get_data(as_text=True)
    assert 'id="not-open-yet"' in html and 'id="ovote-vote"' not in html and "vote.js" not in html
    client = app.test_client()
    log_in(app, client, other)
    html = client.get(f"/elections/{setup.slug}/vote").get_data(as_text=True)
    assert 'id="not-eligible"' in html and "other_channel" in html and 'id="ovote-vote"' not in html


def test_the_voting_pages_need_a_login(app, voter_setup):
    setup, _ = voter_setup
    for path in ("vote", "vote/program"):
        assert app.test_client().get(f"/elections/{setup.slug}/{path}").status_code in (302, 303)
