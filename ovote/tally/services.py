"""Tally services that other domains read: the published results and the
in-person returns that enter them."""
import json

from sqlalchemy import select

from ovote.elections.models import ElectionState
from ovote.tally.models import ElectionResults


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
    consulate and contest.

    The poll-book returns (entered by one official of the consulate, confirmed by a
    second) are added by the in-person module; until it is part of the application
    an election has none, and this returns [].
    """
    return []
