"""Codes are ASCII letters and digits; codes and names that can be mistaken for one in use
are refused, naming it, and nothing is stored (ovote.codes)."""
import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.codes import BadCode, confusable_with, parse_code, skeleton
from ovote.consulates.models import Constituency, Consulate
from tests.conftest import csrf_token
from tests.registration.conftest import reg  # noqa: F401  (the registration factory fixture)


@pytest.mark.parametrize("value, code", [("PAR", "PAR"), (" par ", "PAR"), ("N0RTH", "N0RTH"),
                                         ("C01", "C01")])
def test_ascii_letters_and_digits_are_a_code(value, code):
    assert parse_code(value, min_length=2, max_length=8) == code


@pytest.mark.parametrize("value", ["ＰＡＲ", "NОRTH", "NORTH٣", "PÄR", "ß", "A-B", "A B", "A_B", "P",
                                   "ABCDEFGHI", "", None, "PAR\x00"])
def test_anything_else_is_not(value):
    with pytest.raises(BadCode) as refused:
        parse_code(value, min_length=2, max_length=8)
    assert refused.value.params == {"min": 2, "max": 8}


@pytest.mark.parametrize("a, b", [("NORTH", "N0RTH"), ("PARI", "PAR1"), ("NORTH", "NОRTH"),
                                  ("PAR", "ΡΑR")])  # Greek Rho and Alpha
def test_look_alikes_share_a_skeleton(a, b):
    assert skeleton(a) == skeleton(b)


def test_names_are_compared_as_people_read_them():
    names = ["Northern constituency", "Consulate General in Paris"]
    assert confusable_with("Nоrthern  Constituency", names, name=True) == "Northern constituency"
    assert confusable_with("Consulate General in Parìs", names, name=True) is None
    assert confusable_with("ｃｏｎｓｕｌａｔｅ General in Paris", names, name=True) == names[1]
    assert confusable_with("Southern constituency", names, name=True) is None


def stored(session):
    session.expire_all()
    return (sorted((c.code, c.name) for c in session.query(Consulate)),
            sorted((c.code, c.name) for c in session.query(Constituency)),
            session.query(AuditEvent).count())


def new_consulate(client, code="BER", name="Consulate General in Berlin"):
    data = {"code": code, "name": name, "city": "Berlin", "host_country": "DE",
            "timezone": "Europe/Berlin", "served": "DE", "csrf_token": csrf_token(client, "/consulates/new")}
    return client.post("/consulates/new", data=data)


def new_constituency(client, code="WEST", name="Western constituency"):
    return client.post("/constituencies/", data={"code": code, "name": name,
                                                  "csrf_token": csrf_token(client, "/constituencies/")})


@pytest.fixture
def commission(client, factory, reg, login_as):
    factory.consulate("PAR", name="Consulate General in Paris")
    factory.consulate("NORTH1", name="Northern post")
    reg.constituency("NORTH", "Northern constituency")
    login_as(factory.user(Role.COMMISSIONER))


CODE = "The code must be %d to %d letters A to Z or digits 0 to 9."


@pytest.mark.parametrize("send, field, value, message", [
    (new_consulate, "code", "ＰＡＲ", CODE % (2, 8)),
    (new_consulate, "code", "PАR", CODE % (2, 8)),        # Cyrillic А
    (new_consulate, "code", "PAR٣", CODE % (2, 8)),
    (new_consulate, "code", "P-R", CODE % (2, 8)),
    (new_consulate, "code", "N0RTHI", "The code N0RTHI can be mistaken for NORTH1, which is already in use."),
    (new_consulate, "name", "Consulate General in Pаris",  # Cyrillic а
     "This name can be mistaken for “Consulate General in Paris”, which is already in use."),
    (new_consulate, "name", "consulate general  in PARIS",
     "This name can be mistaken for “Consulate General in Paris”, which is already in use."),
    (new_constituency, "code", "NОRTH", CODE % (1, 16)),     # Cyrillic О
    (new_constituency, "code", "ＮＯＲＴＨ", CODE % (1, 16)),
    (new_constituency, "code", "NORTH٣", CODE % (1, 16)),
    (new_constituency, "code", "NORTH-2", CODE % (1, 16)),
    (new_constituency, "code", "N0RTH", "The code N0RTH can be mistaken for NORTH, which is already in use."),
    (new_constituency, "name", "Nоrthern constituency",      # Cyrillic о
     "This name can be mistaken for “Northern constituency”, which is already in use."),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_codes_and_look_alikes_are_refused_and_nothing_is_stored(client, db_session, commission, send,
                                                                 field, value, message):
    before = stored(db_session)
    response = send(client, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(db_session) == before


def test_the_command_line_refuses_a_look_alike_too(app, db_session, reg):
    reg.constituency("NORTH", "Northern constituency")
    result = app.test_cli_runner().invoke(args=["constituency", "add", "N0RTH", "Zero north"])
    assert result.exit_code == 1
    assert "The code N0RTH can be mistaken for NORTH, which is already in use." in result.output
    assert db_session.query(Constituency).count() == 1


def test_editing_a_consulate_does_not_compare_it_with_itself(client, db_session, commission):
    data = {"code": "PAR", "name": "Consulate General in Paris", "city": "Paris", "host_country": "FR",
            "timezone": "Europe/Paris", "served": "FR",
            "csrf_token": csrf_token(client, "/consulates/PAR/edit")}
    assert client.post("/consulates/PAR/edit", data=data).status_code == 303


@pytest.mark.parametrize("url", ["/consulates/ＰＡＲ", "/consulates/PАR", "/consulates/par%00"])
def test_a_look_alike_finds_no_consulate(client, db_session, commission, url):
    assert client.get(url).status_code == 404
