"""Voting on an election made by the commission's own path (define, ceremony, freeze,
open) rather than by `ovote.voting.setup`: the two agree on every document."""
import json
from datetime import timedelta

from ovote.crypto.ballot import encrypt_contest, sign_ballot
from ovote.registration.models import Application
from ovote.voting.models import BoardEntry
from tests.elections.factories import build_election
from tests.voting.helpers import VoterClient, cast


def test_a_voter_of_a_style_without_a_contest_votes_on_what_it_carries(app, db_session, factory):
    built = build_election(factory, state="open", slug="real", consulates=("PAR", "LON"),
                           styles={"S1": ("C1", "C2"), "S2": ("C1",)})
    definition = json.loads(built.election.definition)
    voter = built.voters["LON-S2"][0]
    # The factory's voters apply "now", after its registration deadline: this one applied
    # in time (an application first submitted after the deadline does not count).
    application = db_session.query(Application).filter_by(voter_id=voter.id).one()
    application.first_submitted_at = built.election.registration_deadline - timedelta(days=1)
    db_session.commit()
    device = VoterClient(app.test_client(), "real", definition)
    assert device.login(voter.email).status_code == 200
    eligibility = device.client.get("/api/v1/elections/real/eligibility").get_json()
    assert eligibility == {"eligible": True, "unit": "LON-S2", "token_issued": False}
    assert device.get_token("LON-S2").status_code == 201
    ballot = device.ballot({"C1": ["BRUNO"]})
    assert [c["id"] for c in ballot["contests"]] == ["C1"]
    response = cast(app.test_client(), "real", ballot)
    assert response.status_code == 201, response.get_json()
    # The same voter's ballot with the contest its style lacks, honestly encrypted.
    contest = next(c for c in definition["units"][0]["ballot_style"]["contests"] if c["id"] == "C2")
    extra = dict(ballot, contests=ballot["contests"] + [encrypt_contest(
        contest, {"YES"}, joint_key=device.checked.joint_key, fingerprint=device.checked.fingerprint,
        voting_key=bytes.fromhex(ballot["voting_key"]))])
    refused = cast(app.test_client(), "real", sign_ballot(extra, device.voting_key))
    assert (refused.status_code, refused.get_json()["error"]) == (422, "bad_structure")
    assert db_session.query(BoardEntry).count() == 1
