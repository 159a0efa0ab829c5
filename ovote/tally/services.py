"""Tally services that other domains read: the published results and the
in-person returns that enter them."""
import json

from sqlalchemy import select

from ovote.elections.models import ElectionState
from ovote.tally.models import ElectionResults
from ovote.voting.in_person import confirmed_returns


def published_results(session, election) -> list | None:
    """The §8 results.json list of `election` once it is published, else None
    (before publication nothing of the results is public)."""
    if election.state is not ElectionState.PUBLISHED:
        return None
    row = session.scalar(select(ElectionResults).where(ElectionResults.election_id == election.id))
    if row is None or row.published_at is None:
        return None
    return json.loads(row.document.decode("utf-8"))


def in_person_returns(session, election) -> list[dict]:
    """The confirmed in-person returns of `election` in the §8 in_person.json form
    (`{"consulate","contest","counts","entered_by","confirmed_by"}`), sorted by
    consulate and contest: the paper counts of the consular polling stations, each
    entered by one official of the consulate and confirmed by a second
    (`ovote.voting.in_person`). They are read when the trustees' decryptions are
    combined, so they must be confirmed before the last trustee's decryption arrives;
    once the results are computed, no return is taken any more."""
    return confirmed_returns(session, election)
