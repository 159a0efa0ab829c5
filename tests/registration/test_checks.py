"""The checks run on real rows: registry look-up, duplicates across consulates, settings, deadline."""
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from ovote.accounts.models import utcnow
from ovote.registration import checks, rules, services
from ovote.registration.models import ApplicationState, CheckOutcome
from tests.registration.conftest import image_bytes, passport_mrz, post


def outcomes(application):
    return {c.rule: c.outcome for c in application.checks}


def test_a_registered_citizen_passes_every_check(db_session, reg):
    reg.registry_entry()
    application = reg.application()
    assert set(outcomes(application).values()) == {CheckOutcome.PASS}
    assert application.checks_outcome is CheckOutcome.PASS


def test_the_registry_is_found_by_either_document_number(db_session, reg):
    reg.registry_entry(document_number="ID-555 444")
    application = reg.application(documents={"national_id": "id555444", "passport_number": ""})
    assert outcomes(application)["civil_registry"] is CheckOutcome.PASS
    assert outcomes(application)["document_not_expired"] is CheckOutcome.PASS


@pytest.mark.parametrize("order", ["own row first", "other row first"])
def test_both_document_numbers_must_be_the_applicants_in_the_registry(db_session, reg, order):
    own = dict(document_number="ID5554443")
    someone_else = dict(document_number="CA1234567", surname="Costa", given_names="Rui",
                        birth_date=date(1970, 3, 3), disqualified=True)
    for row in ((own, someone_else) if order == "own row first" else (someone_else, own)):
        reg.registry_entry(**row)
    application = reg.application(documents={"national_id": "ID5554443"})  # and passport CA1234567
    found = outcomes(application)
    assert found["civil_registry"] is CheckOutcome.FAIL
    assert found["not_disqualified"] is CheckOutcome.FAIL
    assert application.checks_outcome is CheckOutcome.FAIL


def test_two_registry_rows_of_the_same_person_pass(db_session, reg):
    reg.registry_entry(document_number="ID5554443")
    reg.registry_entry()
    application = reg.application(documents={"national_id": "ID5554443"})
    assert set(outcomes(application).values()) == {CheckOutcome.PASS}


def test_the_same_document_at_another_consulate_fails_and_a_withdrawn_one_does_not(db_session, reg, factory,
                                                                                   runtime):
    london = factory.consulate(code="LON", served=("GB",), host_country="GB")
    earlier = reg.application(consulate=london, residence={"country": "GB", "phone": "020 7946 0018"})
    application = reg.application()
    assert outcomes(application)["unique_document"] is CheckOutcome.FAIL
    assert {c.rule: c.params for c in application.checks}["unique_document"] == \
        '{"elsewhere": 1, "here": "0"}'
    services.withdraw(db_session, earlier, actor=earlier.voter, mailer=runtime.mailer)
    checks.run_checks(db_session, application, actor="test", settings=runtime.settings,
                      cipher=runtime.cipher)
    assert outcomes(application)["unique_document"] is CheckOutcome.PASS


def test_the_same_name_and_birth_date_anywhere_is_flagged_for_review(db_session, reg, factory):
    london = factory.consulate(code="LON", served=("GB",), host_country="GB")
    reg.application(consulate=london, residence={"country": "GB", "phone": "020 7946 0018"},
                    documents={"passport_number": "CB7654321"})
    application = reg.application(person={"surname": "SILVA", "given_names": "María Ana"})
    assert outcomes(application)["unique_person"] is CheckOutcome.REVIEW
    assert outcomes(application)["unique_document"] is CheckOutcome.PASS
    other = reg.application(person={"birth_date": date(1990, 1, 16)},
                            documents={"passport_number": "CC1111111"})
    assert outcomes(other)["unique_person"] is CheckOutcome.PASS


def test_age_and_home_country_follow_the_configuration(db_session, reg, reconfigure):
    reconfigure(REFERENCE_DATE=date(2008, 1, 14))
    application = reg.application()
    assert outcomes(application)["minimum_age"] is CheckOutcome.FAIL
    reconfigure(REFERENCE_DATE=date(2008, 1, 15))
    reconfigure(HOME_COUNTRY="FR")
    second = reg.application(documents={"passport_number": "CB7654321"})
    assert outcomes(second)["minimum_age"] is CheckOutcome.PASS
    assert outcomes(second)["resident_abroad"] is CheckOutcome.FAIL
    reconfigure(MINIMUM_AGE=40)
    third = reg.application(documents={"passport_number": "CC1111111"})
    assert outcomes(third)["minimum_age"] is CheckOutcome.FAIL


def test_an_expired_passport_fails(db_session, reg):
    application = reg.application(documents={"passport_expiry": utcnow().date() - timedelta(days=1)})
    assert outcomes(application)["document_not_expired"] is CheckOutcome.FAIL


@pytest.mark.parametrize("timezone_name, valid", [("America/New_York", True), ("Europe/Paris", False)])
def test_expiry_and_age_are_judged_on_the_consulates_day(runtime, db_session, reg, timezone_name, valid):
    """At 02:00 UTC on 1 March it is still 28 February in New York: a passport valid
    until the 28th is valid there, and no longer in Paris."""
    application = reg.application(documents={"passport_expiry": date(2026, 2, 28)})
    application.consulate.timezone = timezone_name
    facts = checks.gather_facts(db_session, application, settings=runtime.settings, cipher=runtime.cipher,
                                now=datetime(2026, 3, 1, 2, 0))
    assert facts.today == (date(2026, 2, 28) if valid else date(2026, 3, 1))
    outcome = rules.document_not_expired(facts).outcome
    assert outcome is (CheckOutcome.PASS if valid else CheckOutcome.FAIL)


def test_the_deadline_is_the_end_of_the_day_in_the_consulates_time_zone():
    # Paris is UTC+1 in January: the 31st ends at 23:00 UTC.
    assert checks.deadline_closes_utc(date(2026, 1, 31), "Europe/Paris") == datetime(2026, 1, 31, 23, 0)
    assert checks.deadline_closes_utc(date(2026, 1, 31), "America/New_York") == datetime(2026, 2, 1, 5, 0)


def test_a_first_submission_after_the_deadline_is_refused(client, db_session, reg, login_as,
                                                          reconfigure):
    application = reg.application(state=ApplicationState.DRAFT)
    reconfigure(REGISTRATION_DEADLINE=utcnow().date() - timedelta(days=2))
    login_as(application.voter)
    response = post(client, "/register/review", {"declaration": "y"})
    assert response.status_code == 403
    assert "The registration deadline" in response.get_data(as_text=True)
    assert application.state is ApplicationState.DRAFT and application.checks == []


def test_a_resubmission_after_the_deadline_keeps_the_first_submission_date(client, db_session, reg, app,
                                                                         login_as, login_as_official,
                                                                         reconfigure):
    reconfigure(REGISTRATION_DEADLINE=utcnow().date() + timedelta(days=2))
    application = reg.application()
    login_as_official(application.consulate)
    url = f"/applications/{application.id}"
    post(client, f"{url}/decision", {"action": "request_info", "reason": "address_unclear"}, form_url=url)
    reconfigure(REGISTRATION_DEADLINE=utcnow().date() - timedelta(days=2))
    application.first_submitted_at -= timedelta(days=10)
    db_session.commit()
    login_as(application.voter)
    assert post(client, "/register/review", {"declaration": "y"}).status_code == 303
    assert outcomes(application)["registration_deadline"] is CheckOutcome.PASS


def test_personal_data_is_encrypted_at_rest(db_session, reg, app):
    mrz = passport_mrz()
    application = reg.application(documents={"national_id": "ID5554443", "mrz": mrz},
                                  residence={"address": "12 rue de la Paix"})
    rows = db_session.execute(text("SELECT * FROM applications WHERE id = :id"), {"id": application.id})
    raw = " ".join(str(v) for v in rows.one())
    for secret in ("Silva", "Ana Maria", "Porto", "CA1234567", "ID5554443", "rue de la Paix",
                   "+33142685300", "142685300", "P<PRT"):
        assert secret not in raw
    assert raw.count("v1.") >= 8
    stored = Path(app.config["UPLOAD_DIR"]) / f"{application.document_file}.sealed"
    assert stored.exists() and image_bytes()[:8] not in stored.read_bytes()
    assert not str(stored.resolve()).startswith(str(Path(app.static_folder).resolve()))


def test_a_sealed_value_does_not_open_in_another_column(db_session, reg, cipher):
    from ovote.personal_data import DataKeyError
    from ovote.registration.personal import unseal

    application = reg.application()
    application.given_names_enc = application.surname_enc
    with pytest.raises(DataKeyError):
        unseal(application, "given_names_enc", cipher=cipher)
