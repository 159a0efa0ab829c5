"""A token request and a poll-book mark for one voter at the same moment, on a database
that really commits (PostgreSQL in CI's second run): exactly one of them succeeds."""
import json

import pytest

from ovote.accounts.models import Role, User
from ovote.consulates.models import Consulate
from ovote.elections.models import ElectionState
from ovote.extensions import db
from ovote.registration.models import Application
from ovote.voting.models import PollBookEntry, TokenIssuance
from tests.conftest import Factory, csrf_token, log_in, make_app
from tests.databases import fresh_database, upgrade_to_head
from tests.test_concurrency import race
from tests.voting.helpers import VoterClient, open_election, verified_voter

ROUNDS = 6


@pytest.fixture(scope="module")
def committing_app(tmp_path_factory):
    app = make_app(fresh_database("in_person_race", tmp_path_factory.mktemp("iprace")))
    upgrade_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def station(committing_app):
    with committing_app.app_context():
        session = db.session()
        factory = Factory(committing_app, session)
        setup = open_election(committing_app, session, factory, slug="inrace")
        official = factory._user(Role.OFFICIAL, consulate=session.get(Consulate, setup.consulate_ids[0]))
        found = (setup, json.loads(setup.election.definition), official.session_token)
        db.session.remove()
    return found


def _voter(app, setup):
    with app.app_context():
        voter = verified_voter(app, db.session(), setup)
        email = voter.email
        application_id = db.session.query(Application.id).filter_by(voter_id=voter.id).scalar()
        db.session.remove()
    return email, application_id


def _rows(app, model, email):
    with app.app_context():
        try:
            voter_id = db.session.query(User.id).filter_by(email=email).scalar()
            return db.session.query(model).filter_by(voter_id=voter_id).count()
        finally:
            db.session.remove()


def test_a_token_and_a_mark_at_once_one_succeeds(committing_app, station):
    setup, definition, official_token = station
    outcomes = set()
    for _ in range(ROUNDS):
        email, application_id = _voter(committing_app, setup)
        device = VoterClient(committing_app.test_client(), "inrace", definition)
        assert device.login(email).status_code == 200
        request = device.request("PAR-S1")
        official = committing_app.test_client()
        log_in(committing_app, official, type("Who", (), {"session_token": official_token})())
        book = "/consulates/PAR/elections/inrace/poll-book"
        data = {"csrf_token": csrf_token(official, book), f"voter-{application_id}-checked": "y"}
        token, mark = race([lambda: device.get_token("PAR-S1", request),
                            lambda: official.post(f"{book}/{application_id}", data=data)])
        assert (token.status_code, mark.status_code) in ((201, 409), (409, 303)), (
            token.get_json(), mark.status_code)
        issued, marked = _rows(committing_app, TokenIssuance, email), _rows(committing_app, PollBookEntry, email)
        assert issued + marked == 1
        if token.status_code == 201:
            assert "This voter has taken a ballot token to vote online" in mark.get_data(as_text=True)
        else:
            assert token.get_json()["error"] == "voted_in_person"
        outcomes.add(token.status_code)
    # Which one wins is the scheduler's business; each round has exactly one winner.
    assert outcomes <= {201, 409}


def test_two_officials_entering_one_contest_at_once_make_one_return(committing_app, station):
    """Two officials of a consulate enter the same contest's counts at the same moment:
    the partial unique index keeps one return in play, the other gets its refusal."""
    from ovote.consulates.models import Constituency
    from ovote.runtime import runtime
    from ovote.voting.models import InPersonReturn
    from ovote.voting.setup import build_open_election
    from tests.voting.helpers import unit_keys

    setup = station[0]
    with committing_app.app_context():
        session = db.session()
        factory = Factory(committing_app, session)
        consulate = session.get(Consulate, setup.consulate_ids[0])
        build_open_election(session, slug="countrace", consulates=[consulate],
                            constituency=session.get(Constituency, setup.constituency_id),
                            unit_keys=unit_keys(1), cipher=runtime(committing_app).cipher,
                            state=ElectionState.CLOSED)
        tokens = [factory._user(Role.OFFICIAL, consulate=consulate).session_token for _ in range(2)]
        session.commit()
        db.session.remove()
    url = "/consulates/PAR/elections/countrace/returns/PRESIDENT"
    posts = []
    for token in tokens:
        client = committing_app.test_client()
        log_in(committing_app, client, type("Who", (), {"session_token": token})())
        data = {"csrf_token": csrf_token(client, url), "option_0": "0", "option_1": "0", "option_2": "0"}
        posts.append(lambda c=client, d=data: c.post(url, data=d))
    statuses = sorted(r.status_code for r in race(posts))
    assert statuses == [303, 409]
    with committing_app.app_context():
        try:
            assert db.session.query(InPersonReturn).count() == 1
        finally:
            db.session.remove()
