"""Values of the wrong type, at every kind of form: 400 with a message, never a 500,
and nothing stored (ovote.form_input, ovote.api_input)."""
import io
import json

import pytest
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField

import ovote
from ovote.accounts.models import Role, User
from ovote.audit.models import AuditEvent
from ovote.consulates.models import Constituency, Consulate
from ovote.form_input import Form
from ovote.registration.models import Application, ApplicationState
from tests.conftest import PASSWORD, csrf_token
from tests.elections.factories import build_election
from tests.registration.conftest import reg  # noqa: F401  (the registration factory fixture)

NOT_TEXT = "was not sent as text. Fill in the form on the page and send it again."
BAD_JSON = "The request body must be UTF-8 JSON without duplicate keys"
NOT_AN_OBJECT = "The request body does not have the expected JSON structure."


def stored(session):
    session.expire_all()
    return (session.query(User).count(), session.query(Consulate).count(),
            session.query(Constituency).count(), session.query(AuditEvent).count(),
            sorted((a.id, a.state, a.surname_enc, a.updated_at) for a in session.query(Application)))


@pytest.fixture
def endpoint(request, client, factory, reg, login_as):
    """(url, page with the form, good answers, the label of the field under test)."""
    name = request.param
    if name == "login":
        return "/auth/login", "/auth/login", {"email": "a@example.org", "password": "x"}, "email", \
            "E-mail address"
    if name == "signup":
        return "/auth/signup", "/auth/signup", {"email": "new@example.org", "password": PASSWORD,
                                                "confirm": PASSWORD}, "email", "E-mail address"
    if name == "identity":
        application = reg.application(state=ApplicationState.DRAFT)
        login_as(application.voter)
        return "/register/step/identity", "/register/step/identity", {
            "surname": "Silva", "given_names": "Ana", "birth_date": "1990-01-15",
            "birth_place": "Porto"}, "surname", "Family name(s)"
    if name == "consulate":
        login_as(factory.user(Role.COMMISSIONER))
        return "/consulates/new", "/consulates/new", {
            "code": "BER", "name": "Berlin", "city": "Berlin", "host_country": "DE",
            "timezone": "Europe/Berlin", "served": ["DE"]}, "name", "Name"
    if name == "constituency":
        login_as(factory.user(Role.COMMISSIONER))
        return "/constituencies/", "/constituencies/", {"code": "WEST", "name": "West"}, "name", "Name"
    raise AssertionError(name)


ENDPOINTS = ["login", "signup", "identity", "consulate", "constituency"]


def send_json(client, url, form_url, body, accept="*/*"):
    token = csrf_token(client, form_url)
    return client.post(url, data=body, headers={"X-CSRFToken": token, "Accept": accept},
                       content_type="application/json")


@pytest.mark.parametrize("endpoint", ENDPOINTS, indirect=True)
@pytest.mark.parametrize("make_body, message", [
    (lambda good, field: json.dumps({**good, field: 5}), NOT_TEXT),
    (lambda good, field: json.dumps({**good, field: 2**40}), NOT_TEXT),
    (lambda good, field: json.dumps({**good, field: True}), NOT_TEXT),
    (lambda good, field: json.dumps({**good, field: None}), NOT_TEXT),
    (lambda good, field: json.dumps({**good, field: {"a": "b"}}), NOT_TEXT),
    (lambda good, field: json.dumps({**good, field: ["x", "y"]}), NOT_TEXT),
    (lambda good, field: json.dumps({**good, field: "Li\ud800"}), BAD_JSON),
    (lambda good, field: json.dumps({**good, field: 1.5}), BAD_JSON),
    (lambda good, field: json.dumps({**good, field: 2**53}), BAD_JSON),
    (lambda good, field: json.dumps(good)[:-1] + f', "{field}": "twice"}}', BAD_JSON),
    (lambda good, field: b"\xff\xfe{}", BAD_JSON),
    (lambda good, field: "{not json", BAD_JSON),
    (lambda good, field: json.dumps("a bare string"), NOT_AN_OBJECT),
    (lambda good, field: json.dumps([good]), NOT_AN_OBJECT),
    (lambda good, field: "5", NOT_AN_OBJECT),
], ids=["number", "large-number", "boolean", "null", "object", "list",
        "lone-surrogate", "float", "integer-2^53", "duplicate-key", "not-utf8", "not-json",
        "bare-string", "top-level-list", "top-level-number"])
def test_a_json_form_body_with_values_of_the_wrong_type_is_refused(client, db_session, endpoint,
                                                               make_body, message):
    url, form_url, good, field, label = endpoint
    before = stored(db_session)
    response = send_json(client, url, form_url, make_body(good, field))
    assert response.status_code == (422 if message == NOT_AN_OBJECT else 400)
    answer = response.get_json()  # a client that sends JSON gets JSON back
    assert set(answer) == {"error", "message"} and message in answer["message"]
    if message == NOT_TEXT:
        assert answer["message"].startswith(f"The field “{label}” was not sent as text.")
    assert stored(db_session) == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, indirect=True)
def test_a_file_part_where_a_text_field_is_expected_is_400(client, db_session, endpoint):
    url, form_url, good, field, label = endpoint
    before = stored(db_session)
    data = {**good, field: (io.BytesIO(b"%PDF-1.4 not text"), "name.pdf"),
            "csrf_token": csrf_token(client, form_url)}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert f"The field “{label}” was not sent as text." in response.get_data(as_text=True)
    assert stored(db_session) == before


def test_a_json_client_gets_the_refusal_as_json(client, db_session):
    before = stored(db_session)
    response = send_json(client, "/auth/login", "/auth/login",
                         json.dumps({"email": 5, "password": "x"}), accept="application/json")
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "bad_form_value",
        "message": "The field “E-mail address” was not sent as text. Fill in the form on the page "
                   "and send it again."}
    response = send_json(client, "/auth/login", "/auth/login", '{"email": "a", "email": "b"}',
                         accept="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "bad_json"
    assert stored(db_session) == before


def test_a_json_form_of_text_values_works_like_a_browser_form(client, db_session, factory, login_as):
    login_as(factory.user(Role.COMMISSIONER))
    body = json.dumps({"code": "BER", "name": "Berlin", "city": "Berlin", "host_country": "DE",
                       "timezone": "Europe/Berlin", "served": ["DE", "AT"],
                       "not_a_field": {"reaches": ["no", "field"]}})
    response = send_json(client, "/consulates/new", "/consulates/new", body)
    assert response.status_code == 303
    consulate = db_session.query(Consulate).filter_by(code="BER").one()
    assert consulate.served_countries == ["AT", "DE"]


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_app_reads_the_request_through_the_base_form(app):
    forms = [cls for cls in _subclasses(FlaskForm) if cls.__module__.startswith(ovote.__name__ + ".")]
    assert len(forms) > 20
    assert [cls.__qualname__ for cls in forms if not issubclass(cls, Form)] == []



def _all_field_names():
    """The name of every field of every form of the app."""
    return sorted({name for cls in _subclasses(FlaskForm) if cls.__module__.startswith("ovote.")
                   for name in dir(cls) if isinstance(getattr(cls, name), UnboundField)}
                  - {"csrf_token"})


@pytest.mark.parametrize("role", [None, Role.VOTER, Role.OFFICIAL, Role.COMMISSIONER, Role.TRUSTEE])
def test_no_post_endpoint_answers_500_to_numbers_where_text_is_expected(app, client, db_session,
                                                                       reg, factory, login_as, role):
    """Every POST route of the app, for every kind of user, with every form field sent as a
    number in a JSON body: a refusal (400, 403, 404, 422, ...) or a redirect, never a 500."""
    application = reg.application(state=ApplicationState.DRAFT)
    if role is Role.VOTER:
        login_as(application.voter)
    elif role is not None:
        login_as(factory.user(role, consulate=application.consulate if role is Role.OFFICIAL else None))
    election = build_election(factory, state="draft").election
    # the key ceremony's pages take an election in its ceremony, posted to by one of its trustees
    in_ceremony = build_election(factory, state="ceremony", slug="numbers-ceremony").election
    if role is Role.TRUSTEE:
        login_as(in_ceremony.trustees[0].user)
    # the texts in every language are fields made at run time (ovote.elections.forms)
    texts = [f"{prefix}_{language}" for prefix in ("title", "label") for language in ("en", "fr")]
    body = json.dumps({name: 5 for name in _all_field_names() + texts})
    token = csrf_token(client, "/auth/login" if role is None else "/account")
    arguments = {"application_id": application.id, "user_id": application.voter.id,
                 "code": application.consulate.code, "step": "identity", "token": "x",
                 "action": "activate", "move": "open", "contest_code": "PRESIDENT"}
    posted = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {**arguments, "slug": in_ceremony.slug if rule.endpoint.startswith("ceremony.")
                  else election.slug}
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        response = client.post(url, data=body, content_type="application/json",
                               headers={"X-CSRFToken": token, "Accept": "application/json"})
        assert response.status_code < 500, (url, response.status_code)
        posted.append(url)
    assert "/register/step/identity" in posted and len(posted) > 15
