"""GET /api/v1/elections and /api/v1/elections/{slug}: the public definition, byte for byte."""
import hashlib
import json

import pytest

from ovote.crypto.canonical import canonical_json
from ovote.elections import services
from tests.elections.factories import build_election


@pytest.fixture
def frozen(app, factory, db_session):
    return build_election(factory, consulates=("PAR", "LON"))


def test_the_list_shows_every_election_but_drafts(app, client, factory, frozen):
    build_election(factory, state="draft", slug="a-draft")
    build_election(factory, state="ceremony", slug="in-ceremony")
    answer = client.get("/api/v1/elections")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.data == canonical_json(answer.json)
    listed = {e["slug"]: e for e in answer.json["elections"]}
    assert set(listed) == {"test-election", "in-ceremony"}
    assert listed["test-election"] == {
        "slug": "test-election", "title": {"en": "Test election", "fr": "Élection test"},
        "state": "frozen", "voting_opens": frozen.election.voting_opens.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "voting_closes": frozen.election.voting_closes.strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_the_election_carries_its_stored_definition_unchanged(client, frozen):
    answer = client.get("/api/v1/elections/test-election")
    assert answer.status_code == 200
    body = answer.json
    assert set(body) == {"slug", "title", "state", "timeline", "fingerprint", "definition", "ceremony",
                         "close"}
    assert frozen.election.definition in answer.data  # the stored canonical bytes, verbatim
    assert hashlib.sha256(canonical_json(body["definition"])).hexdigest() == body["fingerprint"]
    assert body["ceremony"] == [{"trustee": i, "proofs": [p.to_dict() for p in c.proofs]}
                                for i, c in sorted(frozen.commitments.items())]
    assert body["close"] is None
    assert body["timeline"]["timezone"] == "UTC"
    raw = client.get("/api/v1/elections/test-election/definition")
    assert raw.data == frozen.election.definition
    assert hashlib.sha256(raw.data).hexdigest() == frozen.election.fingerprint


@pytest.mark.parametrize("path, status, code", [
    ("/api/v1/elections/no-such-election", 404, "unknown_election"),
    ("/api/v1/elections/a-draft", 404, "unknown_election"),
    ("/api/v1/elections/in-ceremony", 409, "election_not_frozen"),
    ("/api/v1/elections/in-ceremony/definition", 409, "election_not_frozen"),
    ("/api/v1/elections/Not%20A%20Slug", 404, "unknown_election"),
    ("/api/v1/elections/" + "x" * 300, 404, "unknown_election"),
    ("/api/v1/no-such-thing", 404, "not_found"),
])
def test_refusals_are_json_never_html(app, client, factory, path, status, code):
    build_election(factory, state="draft", slug="a-draft")
    build_election(factory, state="ceremony", slug="in-ceremony")
    answer = client.get(path)
    assert answer.status_code == status and answer.mimetype == "application/json"
    assert set(answer.json) == {"error", "message"} and answer.json["error"] == code
    assert answer.json["message"]


def test_a_method_the_api_does_not_have_is_json_too(client):
    answer = client.post("/api/v1/elections")
    assert answer.status_code == 405 and answer.json["error"] == "method_not_allowed"


def test_refusal_messages_follow_the_language(app, client, factory):
    answer = client.get("/api/v1/elections/nothing-here", headers={"Accept-Language": "fr"})
    assert answer.json["message"] == "Il n’y a pas d’élection nothing-here."


def test_the_openapi_document_is_served(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = json.loads(answer.data)
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/elections/{slug}" in document["paths"]


def test_services_list_newest_first(app, factory, db_session):
    build_election(factory, state="draft", slug="older")
    build_election(factory, state="draft", slug="newer")
    assert [e.slug for e in services.list_elections(db_session)][:2] == ["newer", "older"]
