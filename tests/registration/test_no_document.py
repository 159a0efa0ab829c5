"""Voters without a valid document: the answers of step 2, the checks (review, never a
failure on the document), the appointment and the identity check in person, and a
verification that always takes two officials."""
from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.refusals import message_of
from ovote.registration import in_person, rules, services, verification
from ovote.registration.in_person_models import IdentityAppointment, IdentityCheck
from ovote.registration.models import (Application, ApplicationState, CheckOutcome, DecisionAction,
                                       NoDocumentReason)
from ovote.registration.personal import details
from tests.registration.test_rules import FACTS

PASS, REVIEW, FAIL = CheckOutcome.PASS, CheckOutcome.REVIEW, CheckOutcome.FAIL
NOW = datetime(2026, 12, 1, 10, 0)  # UTC


# -- the rules: review, never a failure, on what a missing document makes unknowable ----------

def test_the_document_rules_ask_for_review_without_a_valid_document(app):
    facts = replace(FACTS, no_valid_document=True, registry=None, passport_expiry=date(2020, 1, 1),
                    same_document=((7,), 2))
    assert rules.document_not_expired(facts).outcome is REVIEW
    assert rules.document_not_expired(facts).reason == (
        "The applicant has no valid document: the identity is checked in person at the consulate, "
        "and two officials verify.")
    assert rules.civil_registry(facts).outcome is REVIEW
    assert rules.unique_document(facts).outcome is REVIEW
    assert rules.unique_document(facts).reason.startswith(
        "Another application uses the number of the old document given (at this consulate: #7; "
        "at other consulates: 2)")
    birth = replace(facts, registry=replace(FACTS.registry, birth_date=date(1990, 1, 16)))
    assert rules.civil_registry(birth).outcome is REVIEW
    results = rules.evaluate(facts)
    assert FAIL not in {r.outcome for r in results} and rules.overall(results) is REVIEW


def test_the_same_facts_with_a_document_fail(app):
    facts = replace(FACTS, registry=None, passport_expiry=date(2020, 1, 1), same_document=((7,), 2))
    assert {rules.document_not_expired(facts).outcome, rules.civil_registry(facts).outcome,
            rules.unique_document(facts).outcome} == {FAIL}


def test_a_rule_that_is_not_about_the_document_still_fails(app):
    facts = replace(FACTS, no_valid_document=True, residence_country="PT")
    assert rules.resident_abroad(facts).outcome is FAIL


# -- the voter's answers ------------------------------------------------------------------------

@pytest.fixture
def draft(reg):
    return reg.application(state=ApplicationState.DRAFT)


def test_the_answers_are_kept_and_the_explanation_sealed(db_session, reg, cipher):
    application = reg.application(state=ApplicationState.DRAFT, no_document={"document_number": "ID 1234-567"})
    assert application.no_valid_document and application.no_document_reason is NoDocumentReason.CONFISCATED
    assert application.documents_held == "expired_passport,birth_certificate"
    assert application.passport_index is None and application.passport_expiry is None
    person = details(application, cipher=cipher)
    assert person.no_document_explanation == "Kept by the police at the border in 2024."
    assert person.national_id == "ID1234567" and application.national_id_index
    assert "police" not in application.no_document_explanation_enc
    assert services.completed_steps(application) == list(services.STEPS)


@pytest.mark.parametrize("call, message", [
    (lambda s, a, v, c: services.save_document_choice(s, a, actor=v, has_document="maybe"),
     "Say whether you have a valid passport or national identity card."),
    (lambda s, a, v, c: services.save_no_document(s, a, actor=v, cipher=c, reason="stolen", explanation=""),
     "Choose why you do not have a valid document."),
    (lambda s, a, v, c: services.save_no_document(s, a, actor=v, cipher=c, reason="lost", explanation="x" * 1001),
     "Write at most 1000 characters."),
    (lambda s, a, v, c: services.save_no_document(s, a, actor=v, cipher=c, reason="lost",
                                                  explanation="lost \u202ein a fire"),
     None),
    (lambda s, a, v, c: services.save_documents_held(s, a, actor=v, cipher=c, documents_held=[]),
     "Choose the documents you have, or “Another document” if none of them fits."),
    (lambda s, a, v, c: services.save_documents_held(s, a, actor=v, cipher=c, documents_held=["driving_licence"]),
     "Choose the documents you have, or “Another document” if none of them fits."),
    (lambda s, a, v, c: services.save_documents_held(s, a, actor=v, cipher=c, documents_held=["other"],
                                                     document_number="12"),
     "A document number has 3 to 20 letters and digits."),
])
def test_bad_answers_are_refused_and_change_nothing(db_session, reg, cipher, call, message):
    draft = reg.application(state=ApplicationState.DRAFT, no_document={})
    before = (draft.no_valid_document, draft.no_document_reason, draft.passport_index, draft.documents_held,
              draft.updated_at)
    with pytest.raises(services.InvalidApplication) as refused:
        call(db_session, draft, draft.voter, cipher)
    if message:
        assert message_of(refused.value) == message
    db_session.rollback()
    db_session.refresh(draft)
    assert (draft.no_valid_document, draft.no_document_reason, draft.passport_index, draft.documents_held,
            draft.updated_at) == before


def test_the_documents_held_need_the_no_document_answer_first(db_session, draft, cipher):
    with pytest.raises(services.InvalidApplication) as refused:
        services.save_documents_held(db_session, draft, actor=draft.voter, cipher=cipher, documents_held=["other"])
    assert message_of(refused.value) == "Say whether you have a valid passport or national identity card."


def test_changing_the_answer_drops_the_other_paths_answers(db_session, draft, cipher):
    assert draft.passport_index
    services.save_document_choice(db_session, draft, actor=draft.voter, has_document="yes")
    assert draft.passport_index and not draft.no_valid_document  # the same answer keeps everything
    services.save_document_choice(db_session, draft, actor=draft.voter, has_document="no")
    assert draft.no_valid_document and draft.passport_index is None and draft.passport_number_enc is None
    assert "documents" not in services.completed_steps(draft)
    services.save_no_document(db_session, draft, actor=draft.voter, cipher=cipher, reason="lost", explanation="")
    services.save_documents_held(db_session, draft, actor=draft.voter, cipher=cipher, documents_held=["other"])
    assert "documents" in services.completed_steps(draft)
    services.save_document_choice(db_session, draft, actor=draft.voter, has_document="yes")
    assert not draft.no_valid_document and draft.no_document_reason is None and draft.documents_held is None
    db_session.flush()  # the CHECK constraint agrees


def test_a_no_document_application_is_submitted_for_review(db_session, reg, outbox):
    application = reg.application(no_document={})
    outcomes = {c.rule: c.outcome for c in application.checks}
    assert application.state is ApplicationState.SUBMITTED and application.checks_outcome is REVIEW
    assert outcomes["document_not_expired"] is REVIEW and outcomes["civil_registry"] is REVIEW
    assert FAIL not in outcomes.values()
    body = outbox[-1].get_body(("plain",)).get_content()
    assert "the consulate will write to you with an appointment to check who you are in person" in body


# -- the appointment -----------------------------------------------------------------------------

@pytest.fixture
def submitted(reg, factory):
    consulate = factory.consulate(code="PAR", served=("FR",))
    return reg.application(consulate=consulate, no_document={})


@pytest.fixture
def official(factory, submitted):
    return factory.user(Role.OFFICIAL, consulate=submitted.consulate)


def book(db_session, application, official, runtime, day=date(2026, 12, 14), at="10:30",
         place="Consulate General, 12 rue de Tilsitt, Paris — desk 3"):
    return in_person.book_appointment(db_session, application, official=official, day=day, at=at, place=place,
                                      mailer=runtime.mailer, now=NOW)


def test_an_official_books_the_appointment_on_the_consulates_clock(db_session, submitted, official, runtime,
                                                                   outbox):
    submitted.voter.locale = "en"
    appointment = book(db_session, submitted, official, runtime)
    db_session.commit()
    assert appointment.starts_at == datetime(2026, 12, 14, 9, 30)  # Paris is UTC+1 in December
    assert submitted.appointment is appointment
    mail = outbox[-1]
    assert mail["Subject"] == "Your appointment for an identity check at the consulate"
    plain = mail.get_body(("plain",)).get_content()
    assert plain.startswith("Hello,")
    assert f"Your reference number: OV-{submitted.id:06d}" in plain
    assert "When: Monday, December 14, 2026, 10:30\u202fAM (Europe/Paris)" in plain
    assert "Where: Consulate General, 12 rue de Tilsitt, Paris — desk 3" in plain
    assert "(you told us: An expired passport, A birth certificate)" in plain
    assert "What happens next: an official sees you and your documents" in plain
    assert "desk 3" in mail.get_body(("html",)).get_content()
    event = db_session.query(AuditEvent).filter_by(action="application.appointment_booked").one()
    assert event.target == f"application:{submitted.id}" and "2026-12-14T09:30:00" in event.details


def test_the_appointment_mail_is_in_the_voters_language(app, db_session, submitted, official, runtime, outbox):
    submitted.voter.locale = "fr"
    with app.test_request_context():  # as in the official's request, whose page is in English
        book(db_session, submitted, official, runtime)
    db_session.commit()
    mail = outbox[-1]
    assert mail["Subject"] == "Votre rendez-vous pour une vérification d’identité au consulat"
    plain = mail.get_body(("plain",)).get_content()
    assert plain.startswith("Bonjour,") and "lundi 14 décembre 2026, 10:30 (Europe/Paris)" in plain
    assert mail["Content-Language"] == "fr"


@pytest.mark.parametrize("changes, message", [
    (dict(day=None), "Enter the day of the appointment, e.g. 14 12 2026."),
    (dict(at="25:00"), "Enter the time of the appointment as hours and minutes, e.g. 09:30."),
    (dict(at="half past ten"), "Enter the time of the appointment as hours and minutes, e.g. 09:30."),
    (dict(day=date(2027, 3, 28), at="02:30"),
     "02:30 does not exist on 2027-03-28 in Europe/Paris (the clocks change): choose another time."),
    (dict(day=date(2026, 12, 1), at="10:59"), "Choose a day and time after now (2026-12-01 11:00 (Europe/Paris))."),
    (dict(place=" "), "Enter where the applicant should come (at most 300 characters)."),
    (dict(place="x" * 301), "Enter where the applicant should come (at most 300 characters)."),
])
def test_a_bad_appointment_is_refused_and_nothing_is_stored(db_session, submitted, official, runtime, outbox,
                                                            changes, message):
    mails = len(outbox)
    with pytest.raises(in_person.InPersonRefused) as refused:
        book(db_session, submitted, official, runtime, **changes)
    assert message_of(refused.value) == message
    db_session.rollback()
    assert db_session.query(IdentityAppointment).count() == 0 and len(outbox) == mails


def test_no_appointment_for_an_applicant_with_a_document_or_of_another_consulate(db_session, reg, factory,
                                                                                 submitted, runtime):
    other = reg.application(consulate=submitted.consulate)
    official = factory.user(Role.OFFICIAL, consulate=submitted.consulate)
    with pytest.raises(in_person.InPersonRefused) as refused:
        book(db_session, other, official, runtime)
    assert message_of(refused.value) == "This applicant gave a valid document: no identity check in person is needed."
    stranger = factory.user(Role.OFFICIAL, consulate=factory.consulate(code="LON", served=("GB",)))
    with pytest.raises(verification.NotYourConsulate):
        book(db_session, submitted, stranger, runtime)


# -- the identity check and the verification ------------------------------------------------------

def record_check(db_session, application, official, cipher, confirmed=True, seen=("birth_certificate",),
                 notes="Birth certificate and expired passport match; photo matches the applicant."):
    return in_person.record_identity_check(db_session, application, official=official, confirmed=confirmed,
                                           documents_seen=list(seen), notes=notes, cipher=cipher, now=NOW)


@pytest.mark.parametrize("confirmed, seen, notes, message", [
    (None, ["birth_certificate"], "", "Say whether the identity was confirmed."),
    (True, [], "", "An identity is confirmed on documents seen: choose at least one."),
    (True, ["library_card"], "", "Choose the documents you saw."),
    (False, [], "x" * 2001, "Keep the notes under 2000 characters."),
])
def test_a_bad_identity_check_is_refused(db_session, submitted, official, cipher, confirmed, seen, notes, message):
    with pytest.raises(in_person.InPersonRefused) as refused:
        record_check(db_session, submitted, official, cipher, confirmed=confirmed, seen=seen, notes=notes)
    assert message_of(refused.value) == message
    db_session.rollback()
    assert db_session.query(IdentityCheck).count() == 0


def test_the_identity_check_is_recorded_sealed_and_audited(db_session, submitted, official, runtime, cipher):
    appointment = book(db_session, submitted, official, runtime)
    check = record_check(db_session, submitted, official, cipher, seen=("expired_passport", "birth_certificate"))
    assert check.appointment is appointment and check.identity_confirmed
    assert [k.value for k in check.seen] == ["expired_passport", "birth_certificate"]
    assert "photo" not in check.notes_enc
    assert cipher.open_text(check.notes_enc, context="identity_check.notes").startswith("Birth certificate")
    event = db_session.query(AuditEvent).filter_by(action="application.identity_check").one()
    assert '"confirmed":true' in event.details and "photo" not in event.details


def _decide(db_session, application, official, runtime, action="verify", reason="identity_seen_in_person"):
    return verification.decide(db_session, application, official=official, action=action, reason_code=reason,
                               note="Seen at the desk.", settings=runtime.settings, cipher=runtime.cipher,
                               mailer=runtime.mailer)


def test_verifying_needs_a_confirmed_identity_check(db_session, submitted, official, runtime, cipher):
    with pytest.raises(verification.DecisionRefused) as refused:
        _decide(db_session, submitted, official, runtime)
    assert message_of(refused.value) == ("This applicant has no valid document: record an identity check in "
                                         "person that confirms the identity before verifying.")
    record_check(db_session, submitted, official, cipher, confirmed=False, seen=())
    with pytest.raises(verification.DecisionRefused):
        _decide(db_session, submitted, official, runtime)
    assert submitted.state is ApplicationState.SUBMITTED and submitted.decisions == []


def test_two_officials_always_verify_and_the_same_one_cannot_confirm(db_session, reg, submitted, official,
                                                                    factory, runtime, cipher, outbox):
    reg.registry_entry(document_number="ID1234567")  # even when everything else would pass
    record_check(db_session, submitted, official, cipher)
    assert _decide(db_session, submitted, official, runtime) is DecisionAction.PROPOSE_VERIFY
    assert submitted.state is ApplicationState.SUBMITTED and submitted.awaiting_confirmation
    with pytest.raises(verification.DecisionRefused) as refused:
        verification.confirm(db_session, submitted, official=official, mailer=runtime.mailer)
    assert refused.value.code == "decision.same_official"
    assert message_of(refused.value) == "A second official must confirm: you proposed this verification yourself."
    second = factory.user(Role.OFFICIAL, consulate=submitted.consulate)
    verification.confirm(db_session, submitted, official=second, mailer=runtime.mailer, note="Checked the file too.")
    db_session.commit()
    assert submitted.state is ApplicationState.VERIFIED
    assert (submitted.decided_by_id, submitted.confirmed_by_id) == (official.id, second.id)
    assert submitted.decision_note == "Seen at the desk.\n\nChecked the file too."
    assert submitted.decisions[-1].note == "Checked the file too."
    assert outbox[-1]["Subject"] == "You are on the overseas register"


def test_the_database_refuses_a_no_document_verification_by_one_official(db_session, submitted, official):
    with pytest.raises(IntegrityError):
        with db_session.begin_nested():
            db_session.execute(update(Application).where(Application.id == submitted.id).values(
                state="verified", decided_at=NOW, decided_by_id=official.id))
    with pytest.raises(IntegrityError):
        with db_session.begin_nested():
            db_session.execute(update(Application).where(Application.id == submitted.id).values(
                no_valid_document=False))  # the reason and documents held belong to the no-document path


def test_the_key_rotation_walks_the_new_sealed_columns(app):
    from ovote.key_rotation import sealed_columns

    walked = {(model.__name__, column, context) for model, column, context in sealed_columns()}
    assert ("Application", "no_document_explanation_enc", "application.no_document_explanation") in walked
    assert ("IdentityCheck", "notes_enc", "identity_check.notes") in walked
