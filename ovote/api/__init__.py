"""The JSON API (/api/v1, DESIGN.md §7) that the browser client, `ovote vote` and outside
tools use. Every answer is canonical JSON; every refusal is {"error": code, "message"}
with the status of `ovote.refusals`, never an HTML page: `ovote.web.errors` answers
every refusal and HTTP error under /api in that one shape."""
from pathlib import Path

from flask import Blueprint, Response

from ovote.crypto.canonical import canonical_json

bp = Blueprint("api", __name__, url_prefix="/api/v1")
OPENAPI = Path(__file__).with_name("openapi.json")


def json_response(body, status=200):
    """`body` as canonical JSON (UTF-8, sorted keys, no whitespace)."""
    return Response(canonical_json(body), status=status, mimetype="application/json")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API (kept as a file beside this module)."""
    return Response(OPENAPI.read_bytes(), mimetype="application/json")


from ovote.api import elections, results, voting  # noqa: E402,F401  (register their routes on bp)
