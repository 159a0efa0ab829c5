"""GET /api/v1/elections and /api/v1/elections/{slug} (and its definition's exact bytes)."""
from flask import Response

from ovote.api import bp, json_response
from ovote.elections import publication, services
from ovote.extensions import db


@bp.get("/elections")
def elections():
    return json_response({"elections": [publication.summary_of(e) for e in
                                        services.list_elections(db.session, public=True)]})


@bp.get("/elections/<slug>")
def election(slug):
    found = services.election_by_slug(db.session, slug)
    return json_response(publication.detail_of(found))


@bp.get("/elections/<slug>/definition")
def definition(slug):
    """The frozen definition's stored bytes: their SHA-256 is the fingerprint."""
    found = publication.check_public(services.election_by_slug(db.session, slug))
    return Response(found.definition, mimetype="application/json")
