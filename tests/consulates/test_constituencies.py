import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.consulates.models import Constituency
from tests.conftest import csrf_token


def add(client, **data):
    data["csrf_token"] = csrf_token(client, "/constituencies/")
    return client.post("/constituencies/", data=data)


def test_commissioner_adds_a_constituency(client, factory, login_as, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    response = add(client, code="northeast", name="North-East")
    assert response.status_code == 303
    assert db_session.query(Constituency).filter_by(code="NORTHEAST").one().name == "North-East"
    assert "NORTHEAST" in client.get("/constituencies/").get_data(as_text=True)
    assert db_session.query(AuditEvent).filter_by(action="constituency.create").count() == 1


@pytest.mark.parametrize("data, message", [
    ({"code": "A B", "name": "Spaced"}, "The code must be 1 to 16 letters A to Z or digits 0 to 9."),
    ({"code": "NORTH", "name": "Again"}, "Another constituency already uses the code NORTH."),
    ({"code": "", "name": "No code"}, "This field is required."),
    ({"code": "X" * 17, "name": "Long"}, "Field cannot be longer than 16 characters."),
])
def test_bad_constituencies_are_refused(client, factory, login_as, db_session, data, message):
    db_session.add(Constituency(code="NORTH", name="North"))
    db_session.commit()
    login_as(factory.user(Role.COMMISSIONER))
    before = db_session.query(Constituency).count()
    response = add(client, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.query(Constituency).count() == before


def test_auditor_reads_but_cannot_add(client, factory, login_as, db_session):
    login_as(factory.user(Role.AUDITOR))
    page = client.get("/constituencies/")
    assert page.status_code == 200 and "Add a constituency" not in page.get_data(as_text=True)
    assert add(client, code="SOUTH", name="South").status_code == 403
    assert db_session.query(Constituency).count() == 0


@pytest.mark.parametrize("role", [Role.VOTER, Role.OFFICIAL, Role.TRUSTEE])
def test_others_cannot_see_constituency_admin(client, factory, login_as, role):
    login_as(factory.user(role))
    assert client.get("/constituencies/").status_code == 403


def test_control_characters_in_a_constituency_name_are_refused(client, factory, login_as, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    response = add(client, code="WEST", name="West\x00")
    assert response.status_code == 422
    assert "Remove the control characters from this field." in response.get_data(as_text=True)
    assert db_session.query(Constituency).count() == 0
