"""`published_results` and `in_person_returns`, which other domains read."""
import json

from ovote.crypto.canonical import canonical_json
from ovote.elections.models import ElectionState
from ovote.tally.models import ElectionResults
from ovote.tally.services import in_person_returns, published_results
from tests.voting.helpers import open_election

DOCUMENT = [{"contest": "PRESIDENT", "groups": [{"group": "PAR", "counted": 1,
                                                 "counts": [0, 1, 0]}],
             "in_person": [], "national": [0, 1, 0]}]


def test_results_are_read_only_once_published(app, db_session, factory):
    setup = open_election(app, db_session, factory, slug="stored", state=ElectionState.CLOSED)
    election = setup.election
    assert published_results(db_session, election) is None
    election.start_tally()
    election.finish_tally()
    db_session.add(ElectionResults(election_id=election.id, document=canonical_json(DOCUMENT)))
    db_session.flush()
    assert published_results(db_session, election) is None  # tallied, not published
    election.publish()
    row = db_session.query(ElectionResults).one()
    row.published_at = row.computed_at
    db_session.flush()
    assert published_results(db_session, election) == DOCUMENT
    assert json.loads(row.document) == DOCUMENT
    assert in_person_returns(db_session, election) == []
