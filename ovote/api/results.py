"""GET /api/v1/elections/{slug}/results: the published results (DESIGN.md §7, §8)."""
from ovote.api import bp, json_response
from ovote.elections import publication, services
from ovote.errors import Refused
from ovote.extensions import db
from ovote.tally.services import published_results


@bp.get("/elections/<slug>/results")
def results(slug):
    """`{"slug","fingerprint","results"}` with the §8 results.json list: per contest the
    groups' decrypted counts, the in-person returns per consulate and the national totals.
    404 unknown_election; 409 election_not_frozen or results_not_published before then."""
    election = publication.check_public(services.election_by_slug(db.session, slug))
    document = published_results(db.session, election)
    if document is None:
        raise Refused("results_not_published")
    return json_response({"slug": election.slug, "fingerprint": election.fingerprint,
                          "results": document})
