"""The board page, the receipt check page and the voter's Vote page."""
import io
import json

import pytest

from ovote.crypto.ballot import short_tracking_code
from tests.conftest import log_in
from tests.voting.helpers import VoterClient, cast, definition_of, open_election, verified_voter


@pytest.fixture
def voted(app, db_session, factory):
    setup = open_election(app, db_session, factory)
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    device.login(voter.email)
    device.get_token("PAR-S1")
    first = cast(app.test_client(), setup.slug, device.ballot()).get_json()["receipt"]
    second = cast(app.test_client(), setup.slug, device.ballot()).get_json()["receipt"]
    return setup, voter, first, second


def test_board_page_shows_head_count_and_superseded(app, voted):
    setup, _, first, second = voted
    page = app.test_client().get(f"/elections/{setup.slug}/board")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert second["board_head"] in html and first["tracking_code"] in html
    assert '<dd class="col-sm-9" id="board-count">2</dd>' in html
    assert '<dd class="col-sm-9" id="board-counted">1</dd>' in html
    rows = html.split("<tbody>")[1]
    assert rows.index(first["tracking_code"]) < rows.index(second["tracking_code"])
    assert "<td>Yes</td>" in rows and "<td>No</td>" in rows
    found = app.test_client().get(f"/elections/{setup.slug}/board",
                                  query_string={"code": short_tracking_code(first["tracking_code"])})
    text = found.get_data(as_text=True)
    assert "Ballot 1 is on the board" in text and "superseded" in text
    missing = app.test_client().get(f"/elections/{setup.slug}/board", query_string={"code": "0000-0000"})
    assert "No ballot with this tracking code is on the board." in missing.get_data(as_text=True)


def test_receipt_check_by_paste_and_upload(app, voted):
    setup, _, first, second = voted
    client = app.test_client()
    pasted = client.post(f"/elections/{setup.slug}/receipt", data={"receipt": json.dumps(second)})
    assert pasted.status_code == 200 and "Set-Cookie" not in pasted.headers
    assert "ballot 2 is on the board where it says" in pasted.get_data(as_text=True)
    assert "It is the ballot that counts." in pasted.get_data(as_text=True)
    uploaded = client.post(f"/elections/{setup.slug}/receipt", content_type="multipart/form-data",
                           data={"receipt_file": (io.BytesIO(json.dumps(first).encode()), "receipt.json")})
    assert uploaded.status_code == 200
    assert "superseded by a later ballot" in uploaded.get_data(as_text=True)


@pytest.mark.parametrize("change,message", [
    (lambda r: {**r, "seq": 5}, "not signed with this election"),
    (lambda r: {**r, "election": "00" * 32}, "for another election"),
    (lambda r: "not a receipt", "This is not a receipt"),
])
def test_bad_receipts_are_named(app, voted, change, message):
    setup, _, first, _ = voted
    body = change(first)
    text = body if isinstance(body, str) else json.dumps(body)
    response = app.test_client().post(f"/elections/{setup.slug}/receipt", data={"receipt": text})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
