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
