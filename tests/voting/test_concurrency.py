"""Token issuance and casting at the same moment, on a database that really commits
(PostgreSQL in CI's second run): the constraints and the head row's lock decide."""
import json

import pytest

from ovote.crypto.board import verify_chain
from ovote.extensions import db
from ovote.voting.models import BoardEntry, TokenIssuance
from tests.conftest import Factory, make_app
from tests.databases import fresh_database, upgrade_to_head
from tests.test_concurrency import race
from tests.voting.helpers import VoterClient, open_election, verified_voter

RACERS = 6


@pytest.fixture(scope="module")
def committing_app(tmp_path_factory):
    app = make_app(fresh_database("voting_race", tmp_path_factory.mktemp("vrace")))
    upgrade_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def election(committing_app):
    with committing_app.app_context():
        session = db.session()
        setup = open_election(committing_app, session, Factory(committing_app, session), slug="race")
        definition = json.loads(setup.election.definition)
        db.session.remove()
    return setup, definition


def _voter(app, setup):
    with app.app_context():
        voter = verified_voter(app, db.session(), setup)
        email = voter.email
        db.session.remove()
    return email


def _count(app, model, **where):
    with app.app_context():
        try:
            return db.session.query(model).filter_by(**where).count()
        finally:
            db.session.remove()


@pytest.mark.parametrize("same_request", [True, False])
def test_one_token_per_voter_under_simultaneous_requests(committing_app, election, same_request):
    setup, definition = election
    email = _voter(committing_app, setup)
    devices = [VoterClient(committing_app.test_client(), "race", definition) for _ in range(RACERS)]
    for device in devices:  # one session each
        assert device.login(email).status_code == 200
    shared = devices[0].request("PAR-S1")
    requests = [shared if same_request else d.request("PAR-S1") for d in devices]
    responses = race([lambda d=d, r=r: d.get_token("PAR-S1", r) for d, r in zip(devices, requests)])
    statuses = sorted(r.status_code for r in responses)
    if same_request:
        assert statuses == [200] * (RACERS - 1) + [201]
        assert len({r.get_data() for r in responses}) == 1
    else:
        assert statuses == [201] + [409] * (RACERS - 1)
        assert {r.get_json().get("error") for r in responses if r.status_code == 409} == {"token_already_issued"}
    with committing_app.app_context():
        from ovote.accounts.models import User

        voter_id = db.session.query(User.id).filter_by(email=email).scalar()
        db.session.remove()
    assert _count(committing_app, TokenIssuance, voter_id=voter_id) == 1


def test_casts_at_once_one_voting_key_and_many(committing_app, election):
    setup, definition = election
    device = VoterClient(committing_app.test_client(), "race", definition)
    device.login(_voter(committing_app, setup))
    assert device.get_token("PAR-S1").status_code == 201
    same_key = [device.ballot() for _ in range(2)]
    others = []
    for _ in range(RACERS - 2):
        other = VoterClient(committing_app.test_client(), "race", definition)
        other.login(_voter(committing_app, setup))
        assert other.get_token("PAR-S1").status_code == 201
        others.append(other.ballot())
    ballots = same_key + others
    responses = race([lambda b=b: committing_app.test_client().post("/api/v1/elections/race/ballots", json=b)
                      for b in ballots])
    assert [r.status_code for r in responses] == [201] * RACERS, [r.get_json() for r in responses]
    receipts = [r.get_json()["receipt"] for r in responses]
    board = committing_app.test_client().get("/api/v1/elections/race/board?limit=1000").get_json()
    entries = board["entries"]
    seq, head = verify_chain(bytes.fromhex(setup.fingerprint), entries)
    assert head.hex() == board["head"] and seq == len(entries)
    by_code = {e["tracking_code"]: e for e in entries}
    for receipt in receipts:
        assert by_code[receipt["tracking_code"]]["seq"] == receipt["seq"]
    pair = sorted((by_code[r["tracking_code"]] for r in receipts[:2]), key=lambda e: e["seq"])
    assert [e["superseded"] for e in pair] == [True, False]  # the later seq counts
    key = same_key[0]["voting_key"]
    assert _count(committing_app, BoardEntry, voting_key=key, superseded=False) == 1
