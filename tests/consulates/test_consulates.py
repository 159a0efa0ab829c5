import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.consulates.models import Consulate
from tests.conftest import csrf_token

GOOD = {"code": "lis", "name": "Consulate General in Lisbon", "city": "Lisbon",
        "host_country": "PT", "timezone": "Europe/Lisbon", "served": ["PT", "CV"]}


def post_new(client, **overrides):
    data = dict(GOOD, **overrides)
    data["csrf_token"] = csrf_token(client, "/consulates/new")
    return client.post("/consulates/new", data=data)


def test_commissioner_creates_a_consulate(client, factory, login_as, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    response = post_new(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/consulates/LIS")
    consulate = db_session.query(Consulate).filter_by(code="LIS").one()
    assert consulate.served_countries == ["CV", "PT"]
    page = client.get("/consulates/LIS").get_data(as_text=True)
    assert "Cabo Verde" in page and "Europe/Lisbon" in page
    event = db_session.query(AuditEvent).filter_by(action="consulate.create").one()
    assert event.target == "consulate:LIS"


@pytest.mark.parametrize("overrides, message", [
    ({"served": ["PT", "XX"]}, "XX is not an ISO 3166 country code."),
    ({"served": []}, "A consulate must serve at least one country."),
    ({"host_country": "ZZ"}, "ZZ is not an ISO 3166 country code."),
    ({"timezone": "Mars/Olympus"}, "Mars/Olympus is not a known time zone"),
    ({"code": "L!"}, "The code must be 2 to 8 letters A to Z or digits 0 to 9."),
    ({"code": "PAR"}, "Another consulate already uses the code PAR."),
    ({"name": ""}, "This field is required."),
])
def test_bad_consulates_are_refused(client, factory, login_as, db_session, overrides, message):
    factory.consulate("PAR")
    login_as(factory.user(Role.COMMISSIONER))
    before = db_session.query(Consulate).count()
    response = post_new(client, **overrides)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.query(Consulate).count() == before


def test_script_in_a_name_is_shown_escaped(client, factory, login_as):
    login_as(factory.user(Role.COMMISSIONER))
    post_new(client, name="<script>alert(1)</script>")
    page = client.get("/consulates/LIS").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_edit_changes_served_countries(client, factory, login_as, db_session):
    consulate = factory.consulate("PAR", served=("FR", "MC"))
    login_as(factory.user(Role.COMMISSIONER))
    url = "/consulates/PAR/edit"
    response = client.post(url, data=dict(GOOD, code="PAR", served=["FR", "AD"], active="y",
                                          csrf_token=csrf_token(client, url)))
    assert response.status_code == 303
    db_session.refresh(consulate)
    assert consulate.served_countries == ["AD", "FR"]


def test_official_sees_only_their_own_consulate(client, factory, login_as):
    mine = factory.consulate("PAR")
    other = factory.consulate("LON", served=("GB",), host_country="GB")
    login_as(factory.user(Role.OFFICIAL, consulate=mine))
    assert client.get("/consulates/").headers["Location"].endswith("/consulates/PAR")
    assert client.get("/consulates/PAR").status_code == 200
    response = client.get(f"/consulates/{other.code}")
    assert response.status_code == 404
    assert other.name not in response.get_data(as_text=True)
    assert client.get("/consulates/NOWHERE").status_code == 404
    assert client.get("/consulates/PAR/edit").status_code == 403


@pytest.mark.parametrize("role, status", [(Role.VOTER, 403), (Role.TRUSTEE, 403),
                                          (Role.AUDITOR, 200), (Role.COMMISSIONER, 200)])
def test_who_may_list_consulates(client, factory, login_as, role, status):
    factory.consulate("PAR")
    login_as(factory.user(role))
    assert client.get("/consulates/").status_code == status


def test_consulates_serving_a_country(app, factory, db_session):
    from ovote.consulates.services import consulates_serving

    paris = factory.consulate("PAR", served=("FR", "MC"))
    factory.consulate("NIC", served=("MC",))
    closed = factory.consulate("OLD", served=("MC",), active=False)
    served = consulates_serving(db_session, "mc")
    assert paris in served and closed not in served and len(served) == 2


@pytest.mark.parametrize("url", ["/consulates/PA%00R", "/consulates/PAR%00/edit", "/consulates/" + "X" * 300])
def test_a_code_no_consulate_can_have_is_not_found(client, factory, login_as, url):
    """A NUL byte reached PostgreSQL, which refused the query: 500 instead of 404."""
    factory.consulate("PAR")
    login_as(factory.user(Role.COMMISSIONER))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("field", ["name", "city"])
def test_control_characters_in_a_consulate_are_refused(client, factory, login_as, db_session, field):
    login_as(factory.user(Role.COMMISSIONER))
    response = post_new(client, **{field: "Lisbon\x00\x1b[31m"})
    assert response.status_code == 422
    assert "Remove the control characters from this field." in response.get_data(as_text=True)
    assert db_session.query(Consulate).count() == 0
