"""Consulates and constituencies named per language by the commission, with a fallback."""
import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.consulates import services
from ovote.consulates.models import Constituency, Consulate
from ovote.runtime import runtime
from tests.conftest import csrf_token

PARIS = {"code": "PAR", "name": "Consulate General in Paris", "city": "Paris",
         "host_country": "FR", "timezone": "Europe/Paris", "served": ["FR", "MC"]}


def add_consulate(client, **data):
    data = {**PARIS, **data, "csrf_token": csrf_token(client, "/consulates/new")}
    return client.post("/consulates/new", data=data)


def test_the_forms_offer_a_name_field_per_other_language(client, factory, login_as):
    login_as(factory.user(Role.COMMISSIONER))
    page = client.get("/consulates/new").get_data(as_text=True)
    assert 'name="name_fr"' in page and 'name="name_ar"' in page and 'name="name_en"' not in page
    assert "Name in French" in page and "Name in Arabic" in page and 'lang="ar"' in page
    page = client.get("/constituencies/?lang=fr").get_data(as_text=True)
    assert "Nom en arabe" in page and 'name="name_ar"' in page


def test_a_consulate_named_per_language_is_shown_in_the_readers_language(client, factory, login_as,
                                                                          db_session):
    login_as(factory.user(Role.COMMISSIONER))
    response = add_consulate(client, name_fr="Consulat général à Paris", name_ar="القنصلية العامة في باريس")
    assert response.status_code == 303
    consulate = db_session.query(Consulate).filter_by(code="PAR").one()
    assert consulate.names == {"fr": "Consulat général à Paris", "ar": "القنصلية العامة في باريس"}
    event = db_session.query(AuditEvent).filter_by(action="consulate.create").one()
    assert '"names":["ar","fr"]' in event.details
    for lang, shown in (("en", "Consulate General in Paris"), ("fr", "Consulat général à Paris"),
                        ("ar", "القنصلية العامة في باريس")):
        assert f"<td>{shown}</td>" in client.get(f"/consulates/?lang={lang}").get_data(as_text=True)
    # the edit form shows them again, and an emptied one falls back to the default name
    page = client.get("/consulates/PAR/edit").get_data(as_text=True)
    assert 'value="القنصلية العامة في باريس"' in page
    data = {**PARIS, "name_fr": "", "name_ar": "القنصلية في باريس", "active": "y",
            "csrf_token": csrf_token(client, "/consulates/PAR/edit")}
    assert client.post("/consulates/PAR/edit", data=data).status_code == 303
    db_session.refresh(consulate)
    assert consulate.names == {"ar": "القنصلية في باريس"}
    assert "<td>Consulate General in Paris</td>" in client.get("/consulates/?lang=fr").get_data(as_text=True)


def test_a_name_too_long_is_refused_and_nothing_is_saved(client, factory, login_as, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    response = add_consulate(client, name_ar="ب" * 201)
    assert response.status_code == 422
    assert "Enter a name of at most 200 characters" in response.get_data(as_text=True)
    assert db_session.query(Consulate).count() == 0


def test_the_services_refuse_a_language_not_offered_and_invisible_text(app, db_session):
    settings = runtime(app).settings
    with pytest.raises(services.ConsulateError) as refused:
        services.create_consulate(db_session, actor="cli", names={"de": "Konsulat"}, settings=settings,
                                  **PARIS)
    assert refused.value.code == "names.language"
    with pytest.raises(services.ConstituencyError) as refused:
        services.create_constituency(db_session, actor="cli", code="NORTH", name="North",
                                     names={"fr": "Nord\u200b"}, settings=settings)
    assert refused.value.field == "name_fr"
    with pytest.raises(services.ConsulateError) as refused:
        services.create_consulate(db_session, actor="cli", names={"en": "Again"}, settings=settings,
                                  **PARIS)
    assert refused.value.code == "names.language"  # the default language is `name` itself
    assert db_session.query(Consulate).count() == db_session.query(Constituency).count() == 0


def test_a_constituency_is_named_per_language_and_renamed(client, factory, login_as, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    data = {"code": "NORTH", "name": "Northern constituency", "name_fr": "Circonscription du Nord",
            "csrf_token": csrf_token(client, "/constituencies/")}
    assert client.post("/constituencies/", data=data).status_code == 303
    constituency = db_session.query(Constituency).filter_by(code="NORTH").one()
    assert constituency.names == {"fr": "Circonscription du Nord"}
    assert constituency.name_in("fr") == "Circonscription du Nord"
    assert constituency.name_in("ar") == "Northern constituency"  # no Arabic name: the default
    data = {"name_fr": "Circonscription Nord", "name_ar": "الدائرة الشمالية",
            "csrf_token": csrf_token(client, "/constituencies/NORTH/names")}
    assert client.post("/constituencies/NORTH/names", data=data).status_code == 303
    db_session.refresh(constituency)
    assert constituency.names == {"fr": "Circonscription Nord", "ar": "الدائرة الشمالية"}
    assert db_session.query(AuditEvent).filter_by(action="constituency.names").count() == 1
    page = client.get("/constituencies/").get_data(as_text=True)
    assert "الدائرة الشمالية" in page and "/constituencies/NORTH/names" in page


def test_the_voter_sees_the_names_in_their_language(client, factory, login_as_voter, db_session):
    from tests.registration.conftest import post, step_data

    factory.consulate(code="PAR", served=("FR",), name="Consulate General in Paris",
                      names={"ar": "القنصلية العامة في باريس"})
    db_session.add(Constituency(code="NORTH", name="Northern constituency",
                                names={"ar": "الدائرة الشمالية", "fr": "Circonscription du Nord"}))
    db_session.commit()
    login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    post(client, "/register/step/residence", {**step_data("residence"), "then": "next"})
    page = client.get("/register/step/consulate?lang=ar").get_data(as_text=True)
    assert "القنصلية العامة في باريس" in page
    page = client.get("/register/step/constituency?lang=ar").get_data(as_text=True)
    assert "الدائرة الشمالية (NORTH)" in page
    page = client.get("/register/step/constituency?lang=fr").get_data(as_text=True)
    assert "Circonscription du Nord (NORTH)" in page
    page = client.get("/register/step/consulate?lang=fr").get_data(as_text=True)
    assert "Consulate General in Paris" in page  # no French name: the default one
