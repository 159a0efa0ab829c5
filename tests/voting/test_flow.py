"""The voter's whole path through the JSON API: login, eligibility, token, cast, board."""
import pytest

from ovote.crypto.board import check_receipt, verify_chain
from ovote.crypto.ballot import tracking_code
from ovote.voting.models import BoardEntry, TokenIssuance
from tests.voting.helpers import VoterClient, cast, definition_of, open_election, verified_voter


@pytest.fixture
def setup(app, db_session, factory):
    return open_election(app, db_session, factory)


def _voter_client(app, setup, db_session, **kw):
    voter = verified_voter(app, db_session, setup, **kw)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    assert device.login(voter.email).status_code == 200
    return voter, device


def test_a_voter_votes_and_finds_the_ballot_on_the_board(app, db_session, setup):
    voter, device = _voter_client(app, setup, db_session)
    answer = device.client.get(f"/api/v1/elections/{setup.slug}/eligibility")
    assert answer.get_json() == {"eligible": True, "unit": "PAR-S1", "token_issued": False}
    assert device.get_token("PAR-S1").status_code == 201
    assert device.client.get(f"/api/v1/elections/{setup.slug}/eligibility").get_json()["token_issued"]
    ballot = device.ballot()
    anonymous = app.test_client()
    response = cast(anonymous, setup.slug, ballot)
    assert response.status_code == 201, response.get_json()
    assert "Set-Cookie" not in response.headers
    receipt = response.get_json()["receipt"]
    check_receipt(receipt, device.checked.receipt_key, fingerprint=device.checked.fingerprint)
    assert receipt["tracking_code"] == tracking_code(ballot) and receipt["seq"] == 1
    again = cast(anonymous, setup.slug, ballot)
    assert again.status_code == 200 and again.get_json()["receipt"] == receipt
    board = anonymous.get(f"/api/v1/elections/{setup.slug}/board").get_json()
    assert [e["tracking_code"] for e in board["entries"]] == [receipt["tracking_code"]]
    assert board["head"] == receipt["board_head"]
    assert verify_chain(device.checked.fingerprint, board["entries"])[1].hex() == board["head"]
    found = anonymous.get(f"/api/v1/elections/{setup.slug}/board/{receipt['tracking_code']}").get_json()
    assert found["ballot"] == ballot and found["entry"]["seq"] == 1
    assert found["entry"]["superseded"] is False and found["entry"]["unit"] == "PAR-S1"
    assert db_session.query(TokenIssuance).count() == 1


def test_revote_supersedes_and_both_stay_on_the_board(app, db_session, setup):
    _, device = _voter_client(app, setup, db_session)
    device.get_token("PAR-S1")
    first = cast(app.test_client(), setup.slug, device.ballot()).get_json()["receipt"]
    second = cast(app.test_client(), setup.slug, device.ballot({"PRESIDENT": ["ANA"], "REFERENDUM": []}))
    assert second.status_code == 201
    entries = app.test_client().get(f"/api/v1/elections/{setup.slug}/board").get_json()["entries"]
    assert [(e["seq"], e["superseded"]) for e in entries] == [(1, True), (2, False)]
    # The first ballot sent again changes nothing and gets its first receipt.
    first_ballot = app.test_client().get(
        f"/api/v1/elections/{setup.slug}/board/{first['tracking_code']}").get_json()["ballot"]
    again = cast(app.test_client(), setup.slug, first_ballot)
    assert again.status_code == 200 and again.get_json()["receipt"] == first
    assert db_session.query(BoardEntry).filter_by(superseded=False).count() == 1


def test_revotes_are_limited(app, db_session, factory):
    setup = open_election(app, db_session, factory, slug="limited", max_revotes=1)
    _, device = _voter_client(app, setup, db_session)
    device.get_token("PAR-S1")
    assert cast(app.test_client(), setup.slug, device.ballot()).status_code == 201
    assert cast(app.test_client(), setup.slug, device.ballot()).status_code == 201
    third = cast(app.test_client(), setup.slug, device.ballot())
    assert third.status_code == 422 and third.get_json()["error"] == "too_many_revotes"
    assert db_session.query(BoardEntry).count() == 2


def test_retried_token_request_gets_the_same_signature(app, db_session, setup):
    _, device = _voter_client(app, setup, db_session)
    request = device.request("PAR-S1")
    first = device.get_token("PAR-S1", request)
    second = device.get_token("PAR-S1", request)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json() == second.get_json()
    other = device.get_token("PAR-S1")
    assert other.status_code == 409 and other.get_json()["error"] == "token_already_issued"
    assert db_session.query(TokenIssuance).count() == 1
