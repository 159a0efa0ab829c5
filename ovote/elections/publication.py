"""What anyone may read about an election (DESIGN.md §7): plain data for the API and pages."""
from ovote.elections import documents
from ovote.elections.models import ElectionState
from ovote.errors import Refused


def rfc3339(moment):
    """Naive UTC as RFC 3339 to the second, e.g. "2026-12-01T07:00:00Z" (None stays None)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def timeline_of(election):
    return {"timezone": election.timezone,
            "registration_deadline": rfc3339(election.registration_deadline),
            "tokens_open": rfc3339(election.tokens_open),
            "voting_opens": rfc3339(election.voting_opens),
            "voting_closes": rfc3339(election.voting_closes),
            "election_day": election.election_day.isoformat() if election.election_day else None}


def summary_of(election):
    """An entry of `GET /api/v1/elections`."""
    return {"slug": election.slug, "title": dict(election.title), "state": election.state.value,
            "voting_opens": rfc3339(election.voting_opens),
            "voting_closes": rfc3339(election.voting_closes)}


def check_public(election):
    """Drafts are nobody's business but the commission's; an election in its ceremony has
    no definition yet."""
    if election.state is ElectionState.DRAFT:
        raise Refused("unknown_election", slug=election.slug)
    if not election.state.frozen:
        raise Refused("election_not_frozen", slug=election.slug)
    return election


def detail_of(election):
    """`GET /api/v1/elections/{slug}`: the definition is parsed from its stored canonical bytes,
    so that the canonical JSON of the answer holds those bytes unchanged."""
    check_public(election)
    return {"slug": election.slug, "title": dict(election.title), "state": election.state.value,
            "timeline": timeline_of(election), "fingerprint": election.fingerprint,
            "definition": documents.definition_of(election),
            "ceremony": election.ceremony_proofs, "close": election.close_statement}
