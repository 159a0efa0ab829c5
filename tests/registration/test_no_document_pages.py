"""The pages of the path without a valid document: one question per page for the voter, the
appointment on the status page, and the official's appointment, identity check and the two
officials' verification."""
import io
import re
from datetime import date, timedelta

import pytest

from ovote.accounts.models import Role
from ovote.clock import utcnow
from ovote.registration.in_person_models import IdentityAppointment, IdentityCheck
from ovote.registration.models import Application, ApplicationState
from tests.registration.conftest import image_bytes, post, step_data


def _next(response):
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_a_voter_without_a_valid_document_answers_one_question_per_page(client, db_session, factory, reg,
                                                                        login_as_voter):
    consulate = factory.consulate(code="PAR", served=("FR",))
    constituency = reg.constituency()
    voter = login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    assert _next(post(client, "/register/step/identity", step_data("identity"))).endswith(
        "/register/step/document-choice")
    page = client.get("/register/step/document-choice").get_data(as_text=True)
    assert "No, I do not have a valid document" in page and 'name="passport_number"' not in page
    refused = post(client, "/register/step/document-choice", {})
    assert refused.status_code == 422
    assert "Say whether you have a valid passport or national identity card" in refused.get_data(as_text=True)
    assert _next(post(client, "/register/step/document-choice", {"has_document": "no"})).endswith(
        "/register/step/no-document")
    # the passport's page is not this voter's: it leads back to the question
    assert client.get("/register/step/documents").headers["Location"].endswith("/register/step/document-choice")
    page = client.get("/register/step/no-document").get_data(as_text=True)
    assert "I hold only a refugee travel document" in page and 'name="documents_held"' not in page
    refused = post(client, "/register/step/no-document", {"explanation": "x"})
    assert refused.status_code == 422 and "Choose why you do not have a valid document" in \
        refused.get_data(as_text=True)
    assert _next(post(client, "/register/step/no-document",
                      {"reason": "refugee_document", "explanation": "Fled in 2023."})).endswith(
        "/register/step/documents-held")
    refused = post(client, "/register/step/documents-held", {"document_number": ""})
    assert refused.status_code == 422
    assert "Choose the documents you have, or “Another document”" in refused.get_data(as_text=True)
    page = client.get("/register/step/documents-held").get_data(as_text=True)
    assert re.search(r'<fieldset[^>]*>\s*<legend class="form-label">Which of these documents do you have\?', page)
    assert 'type="checkbox"' in page and 'id="documents_held-0"' in page
    assert _next(post(client, "/register/step/documents-held",
                      {"documents_held": ["refugee_document", "birth_certificate"]})).endswith(
        "/register/step/residence")
    _next(post(client, "/register/step/residence", step_data("residence")))
    _next(post(client, "/register/step/consulate", {"consulate": consulate.id}))
    _next(post(client, "/register/step/constituency", {"constituency": constituency.id}))
    _next(post(client, "/register/step/voting", {"channel": "in_person"}))
    upload = client.get("/register/step/upload").get_data(as_text=True)
    assert "Scan or photo of a document you have" in upload
    assert _next(post(client, "/register/step/upload", {"document": (io.BytesIO(image_bytes()), "birth.png")},
                      content_type="multipart/form-data")).endswith("/register/review")
    review = client.get("/register/review").get_data(as_text=True)
    for shown in ("No, I do not have a valid document", "I hold only a refugee travel document",
                  "Fled in 2023.", "A birth certificate, A refugee travel document"):
        assert shown in review
    _next(post(client, "/register/review", {"declaration": "y"}))
    application = db_session.query(Application).filter_by(voter_id=voter.id).one()
    assert application.state is ApplicationState.SUBMITTED and application.no_valid_document
    status = client.get("/register/").get_data(as_text=True)
    assert 'id="identity-appointment"' in status and "It will give you an appointment here and by e-mail" in status


def test_change_on_the_review_goes_through_the_steps_pages_and_back_to_the_review(client, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    review = client.get("/register/review").get_data(as_text=True)
    assert 'href="/register/step/document-choice?return_to=review"' in review
    page = client.get("/register/step/document-choice?return_to=review").get_data(as_text=True)
    assert 'name="return_to" value="review"' in page
    assert _next(post(client, "/register/step/document-choice", {"has_document": "no", "return_to": "review"},
                      form_url="/register/step/document-choice?return_to=review")).endswith(
        "/register/step/no-document?return_to=review")
    assert _next(post(client, "/register/step/no-document", {"reason": "lost", "return_to": "review"})).endswith(
        "/register/step/documents-held?return_to=review")
    assert _next(post(client, "/register/step/documents-held", {"documents_held": ["other"],
                                                                "return_to": "review"})).endswith("/register/review")


@pytest.fixture
def case(reg, factory):
    consulate = factory.consulate(code="PAR", served=("FR",))
    application = reg.application(consulate=consulate, no_document={})
    return application, factory.user(Role.OFFICIAL, consulate=consulate), factory.user(Role.OFFICIAL,
                                                                                       consulate=consulate)


def test_the_official_books_records_and_two_officials_verify(client, db_session, case, login_as, outbox):
    application, first, second = case
    url = f"/applications/{application.id}"
    login_as(first)
    assert "No valid document: identity check in person" in client.get("/applications/").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert 'id="in-person"' in page and "Kept by the police at the border in 2024." in page
    assert "An expired passport, A birth certificate" in page and "No appointment yet." in page
    day = (utcnow() + timedelta(days=10)).date()
    booked = {"day-day": str(day.day), "day-month": str(day.month), "day-year": str(day.year), "at": "14:15",
              "place": "Consulate General, desk 2"}
    refused = post(client, f"{url}/appointment", {**booked, "at": "2pm"}, form_url=url)
    assert refused.status_code == 422
    assert "Enter the time of the appointment as hours and minutes, e.g. 09:30." in refused.get_data(as_text=True)
    assert db_session.query(IdentityAppointment).count() == 0
    assert _next(post(client, f"{url}/appointment", booked, form_url=url)).endswith("#in-person")
    assert outbox[-1]["Subject"] == "Your appointment for an identity check at the consulate"
    assert "2:15\u202fPM (Europe/Paris)" in client.get(url).get_data(as_text=True)

    refused = post(client, f"{url}/decision", {"confirm": "y", "action": "verify",
                                               "reason": "identity_seen_in_person"}, form_url=url)
    assert refused.status_code == 409 and "record an identity check in person" in refused.get_data(as_text=True)
    refused = post(client, f"{url}/identity-check", {"outcome": "confirmed"}, form_url=url)
    assert refused.status_code == 422
    assert "An identity is confirmed on documents seen: choose at least one." in refused.get_data(as_text=True)
    _next(post(client, f"{url}/identity-check", {"outcome": "confirmed", "documents_seen": ["birth_certificate"],
                                                 "notes": "Photo on the old passport matches."}, form_url=url))
    check = db_session.query(IdentityCheck).one()
    assert check.identity_confirmed and check.official_id == first.id
    assert "Photo on the old passport matches." in client.get(url).get_data(as_text=True)

    _next(post(client, f"{url}/decision", {"confirm": "y", "action": "verify", "reason": "identity_seen_in_person",
                                           "note": "Welcome."}, form_url=url))
    db_session.refresh(application)
    assert application.state is ApplicationState.SUBMITTED and application.awaiting_confirmation
    page = client.get(url).get_data(as_text=True)
    assert "You proposed it: another official must confirm." in page
    assert post(client, f"{url}/confirm", {}, form_url=url).status_code == 403

    login_as(second)
    page = client.get(url).get_data(as_text=True)
    proposal = re.search(r'id="proposal".*?</dl>', page, re.S).group(0)
    assert "Identity confirmed in person at the consulate" in proposal and "Welcome." in proposal
    assert page.index('id="proposal"') < page.index("Confirm the verification")
    assert 'name="confirm-note"' in page
    _next(post(client, f"{url}/confirm", {"confirm-note": "Seen by me too."}, form_url=url))
    db_session.refresh(application)
    assert application.state is ApplicationState.VERIFIED
    assert (application.decided_by_id, application.confirmed_by_id) == (first.id, second.id)
    assert application.decision_note == "Welcome.\n\nSeen by me too."
    assert "Seen by me too." in outbox[-1].get_body(("plain",)).get_content()


def test_the_voter_sees_the_appointment_on_the_status_page(client, case, login_as, runtime, db_session):
    from ovote.registration import in_person

    application, official, _second = case
    in_person.book_appointment(db_session, application, official=official, day=date.today() + timedelta(days=5),
                               at="09:00", place="12 rue de Tilsitt\nDesk 4", mailer=runtime.mailer)
    db_session.commit()
    login_as(application.voter)
    page = client.get("/register/").get_data(as_text=True)
    when = re.search(r'id="appointment-when">([^<]*)<', page).group(1)
    assert when.endswith("9:00\u202fAM (Europe/Paris)") and str((date.today() + timedelta(days=5)).year) in when
    assert re.search(r'id="appointment-place">12 rue de Tilsitt<br>Desk 4<br>', page)


def test_an_official_of_another_consulate_gets_404(client, case, factory, login_as):
    application, _first, _second = case
    login_as(factory.user(Role.OFFICIAL, consulate=factory.consulate(code="LON", served=("GB",))))
    url = f"/applications/{application.id}"
    assert post(client, f"{url}/appointment", {}, form_url="/applications/").status_code == 404
    assert post(client, f"{url}/identity-check", {}, form_url="/applications/").status_code == 404


def test_the_pages_of_the_path_speak_french(client, reg, login_as, case):
    application, official, _second = case
    headers = {"Accept-Language": "fr"}
    draft = reg.application(state=ApplicationState.DRAFT, no_document={})
    login_as(draft.voter)
    page = client.get("/register/step/no-document", headers=headers).get_data(as_text=True)
    assert "Pourquoi n’avez-vous pas de document valide ?" in page
    assert "Je n’ai qu’un titre de voyage pour réfugié" in page
    page = client.get("/register/step/documents-held", headers=headers).get_data(as_text=True)
    assert "Lesquels de ces documents avez-vous ?" in page and "Un acte de naissance" in page
    login_as(official)
    page = client.get(f"/applications/{application.id}", headers=headers).get_data(as_text=True)
    assert "Vérification d’identité en personne" in page and "Fixer le rendez-vous" in page
    assert "Le demandeur est-il la personne nommée dans la demande ?" in page
