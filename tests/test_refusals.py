"""One table maps every refusal code to a status and a message; one handler answers the
refusals no view catches: JSON for API clients, the error page for browsers."""
import pytest
from flask import Blueprint

from ovote.accounts.errors import AccountLocked
from ovote.errors import Refused
from ovote.refusals import REFUSALS, as_json, message_of, status_of
from tests.conftest import make_app


def test_every_code_raised_has_a_message_and_a_status():
    for code, refusal in REFUSALS.items():
        assert 400 <= refusal.status < 500, code
        assert str(refusal.message), code


def test_a_message_is_filled_with_the_refusal_parameters():
    from datetime import datetime

    locked = AccountLocked(datetime(2026, 1, 1, 9, 45))
    assert (locked.code, locked.params, status_of(locked)) == ("account.locked", {"time": "09:45"}, 429)
    assert message_of(locked) == "Too many failed attempts. Try again after 09:45 UTC."
    assert as_json(locked) == ({"error": "account.locked", "message": message_of(locked)}, 429)


@pytest.fixture(scope="module")
def refusing_app(database_url):
    app = make_app(database_url)
    bp = Blueprint("refusing", __name__)

    @bp.route("/api/v1/refuse")
    @bp.route("/refuse")
    def refuse():
        raise Refused("decision.same_official")

    app.register_blueprint(bp)
    return app


def test_an_uncaught_refusal_is_json_for_the_api(refusing_app, db_session):
    response = refusing_app.test_client().get("/api/v1/refuse")
    assert response.status_code == 403
    assert response.get_json() == {
        "error": "decision.same_official",
        "message": "A second official must confirm: you proposed this verification yourself."}


def test_an_uncaught_refusal_is_the_error_page_for_a_browser(refusing_app, db_session):
    response = refusing_app.test_client().get("/refuse", headers={"Accept-Language": "fr"})
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "Un second agent doit confirmer" in response.get_data(as_text=True)


def _codes_in_the_sources():
    """The codes the services raise: first arguments of `raise X("code", ...)` and
    `code = "..."` class attributes of refusals."""
    import ast
    from pathlib import Path

    found = set()
    for path in Path(__file__).resolve().parent.parent.joinpath("ovote").rglob("*.py"):
        if "crypto" in path.parts:
            continue  # ovote.crypto has its own codes (ovote/crypto/errors.py)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = node.exc if isinstance(node, ast.Raise) else None
            if isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Constant) \
                    and isinstance(call.args[0].value, str):
                found.add((path.name, call.args[0].value))
            if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["code"] \
                    and isinstance(node.value, ast.Constant):
                found.add((path.name, node.value.value))
    return found


def test_every_code_the_services_raise_is_in_the_table():
    """A code is dotted (`domain.reason`); other raised strings are errors of another kind
    (a ClickException's text, a DataKeyError's)."""
    import re

    codes = {(where, code) for where, code in _codes_in_the_sources()
             if re.fullmatch(r"[a-z_]+\.[a-z_]+", code)}
    assert len(codes) > 50
    assert {(where, code) for where, code in codes if code not in REFUSALS} == set()
