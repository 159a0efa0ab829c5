"""The OpenAPI document is checked against the real app: every operation, with generated
input, answers as the document says (status, content type, body schema), never a 5xx."""
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from schemathesis.specs.openapi.checks import positive_data_acceptance

from ovote.api import OPENAPI
from tests.elections.factories import build_election

# Loaded from the file the app serves (test_the_served_document_is_the_file checks that it is).
schema = schemathesis.openapi.from_path(OPENAPI)


@pytest.fixture
def elections(app, factory, db_session):
    """"test-election" (the slug the document gives as its example), frozen, and one in its
    ceremony, so that both answers of an election's path are reached."""
    build_election(factory)
    build_election(factory, state="ceremony", slug="in-ceremony")


def test_the_served_document_is_the_file(client):
    assert json.loads(client.get("/api/v1/openapi.json").data) == json.loads(OPENAPI.read_bytes())


@schema.parametrize()
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_answers_as_documented(case, app, elections):
    # The examples share the test's SAVEPOINT. A schema cannot say what makes a ballot, a
    # blinded message or a password valid (signatures, proofs, accounts), so generated
    # bodies that match the schema are refused there: only the shape of the answers is
    # checked for the operations that take a body.
    excluded = [positive_data_acceptance] if case.operation.method.upper() == "POST" else []
    case.call_and_validate(app=app, excluded_checks=excluded)
