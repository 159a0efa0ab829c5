"""Closing signs the board's final state (§3.11) and stops casting."""
import json

from ovote.crypto.board import check_close
from ovote.elections.timeline import close_election
from ovote.runtime import runtime
from tests.voting.helpers import VoterClient, cast, definition_of, open_election, verified_voter


def test_close_signs_the_final_board_and_refuses_later_ballots(app, db_session, factory):
    setup = open_election(app, db_session, factory, slug="closing")
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), "closing", definition_of(setup))
    device.login(voter.email)
    device.get_token("PAR-S1")
    receipt = cast(app.test_client(), "closing", device.ballot()).get_json()["receipt"]
    late = device.ballot()
    with app.app_context():
        close_election(db_session, setup.election, actor="test", cipher=runtime(app).cipher)
        db_session.commit()
    document = app.test_client().get("/api/v1/elections/closing").get_json()
    close = document["close"]
    assert close["seq"] == 1 and close["board_head"] == receipt["board_head"]
    check_close(close, device.checked.receipt_key, device.checked.fingerprint)
    refused = cast(app.test_client(), "closing", late)
    assert (refused.status_code, refused.get_json()["error"]) == (409, "election_not_open")


def test_an_empty_board_closes_on_the_fingerprint(app, db_session, factory):
    setup = open_election(app, db_session, factory, slug="empty")
    with app.app_context():
        close_election(db_session, setup.election, actor="test", cipher=runtime(app).cipher)
        db_session.commit()
    close = app.test_client().get("/api/v1/elections/empty").get_json()["close"]
    assert close["seq"] == 0 and close["board_head"] == setup.fingerprint
    definition = json.loads(setup.election.definition)
    check_close(close, bytes.fromhex(definition["receipt_key"]), bytes.fromhex(setup.fingerprint))
