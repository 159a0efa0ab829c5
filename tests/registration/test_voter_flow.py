"""A voter applies step by step, saves and comes back, reviews, submits, follows and withdraws."""
import io
import re

import pytest

from ovote.audit.models import AuditEvent
from ovote.registration.models import Application, ApplicationState, VotingChannel
from ovote.registration.personal import details
from tests.registration.conftest import image_bytes, post, step_data


def fill_every_step(client, consulate, constituency):
    for step in ("identity", "documents", "residence"):
        response = post(client, f"/register/step/{step}", {**step_data(step), "then": "next"})
        assert response.status_code == 303, response.get_data(as_text=True)
    assert post(client, "/register/step/consulate", {"consulate": consulate.id}).status_code == 303
    response = post(client, "/register/step/constituency", {"constituency": constituency.id})
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/step/voting")
    assert post(client, "/register/step/voting", {"channel": "postal"}).status_code == 303
    response = post(client, "/register/step/upload",
                    {"document": (io.BytesIO(image_bytes("JPEG")), "passport.jpg")},
                    content_type="multipart/form-data")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/register/review")


def test_a_voter_applies_from_scratch_and_the_consulate_is_told(client, db_session, factory, reg,
                                                                 login_as_voter, outbox):
    consulate = factory.consulate(code="PAR", served=("FR", "MC"))
    constituency = reg.constituency()
    voter = login_as_voter()

    status = client.get("/register/")
    assert "Start my application" in status.get_data(as_text=True)
    start = post(client, "/register/start", {}, form_url="/register/")
    assert start.status_code == 303 and start.headers["Location"].endswith("/register/step/identity")

    fill_every_step(client, consulate, constituency)
    review = client.get("/register/review").get_data(as_text=True)
    for shown in ("Silva", "Ana Maria", "CA1234567", "12 rue de la Paix", "+33142685300",
                  consulate.name, "Northern constituency", "By post"):
        assert shown in review

    refused = post(client, "/register/review", {})
    assert refused.status_code == 422 and "Tick the declaration" in refused.get_data(as_text=True)
    submitted = post(client, "/register/review", {"declaration": "y"})
    assert submitted.status_code == 303

    application = db_session.query(Application).filter_by(voter_id=voter.id).one()
    assert application.state is ApplicationState.SUBMITTED
    assert application.voting_channel is VotingChannel.POSTAL
    assert application.document_type == "image/jpeg"
    assert application.checks_outcome is not None and len(application.checks) == 11
    assert outbox[-1]["To"] == voter.email
    assert "was received" in outbox[-1]["Subject"]
    page = client.get("/register/").get_data(as_text=True)
    assert "Submitted on" in page and consulate.name in page
    actions = [e.action for e in db_session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert {"application.start", "application.update", "application.document_upload",
            "application.submit", "application.checks"} <= set(actions)


def test_save_and_come_back_later_keeps_the_answers(client, db_session, reg, login_as_voter):
    login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    response = post(client, "/register/step/identity", {**step_data("identity"), "then": "later"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/")
    page = client.get("/register/").get_data(as_text=True)
    assert "Saved. You can come back" in page and "Still to do" in page
    form = client.get("/register/step/identity").get_data(as_text=True)
    assert 'value="Silva"' in form
    assert ['15', '1', '1990'] == __import__("re").findall(r'id="birth_date-(?:day|month|year)"\s+name="[^"]+" '
                                                        r'type="text" inputmode="numeric" value="(\d+)"', form)


def test_the_voter_cannot_submit_an_incomplete_application(client, db_session, reg, login_as_voter):
    login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    post(client, "/register/step/identity", step_data("identity"))
    page = client.get("/register/review").get_data(as_text=True)
    assert "Before you can submit, complete" in page and "Submit my application" not in page
    response = post(client, "/register/review", {"declaration": "y"}, form_url="/register/step/identity")
    assert response.status_code == 422 and "Complete every step" in response.get_data(as_text=True)


def test_a_submitted_application_can_no_longer_be_edited(client, db_session, reg, login_as):
    application = reg.application()
    login_as(application.voter)
    response = client.get("/register/step/identity")
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/")


def test_the_voter_withdraws_and_may_start_again(client, db_session, reg, login_as, outbox):
    application = reg.application()
    login_as(application.voter)
    assert post(client, "/register/withdraw", {}).status_code == 422
    response = post(client, "/register/withdraw", {"confirm": "y"})
    assert response.status_code == 303
    assert application.state is ApplicationState.WITHDRAWN
    assert "withdrawn" in outbox[-1]["Subject"]
    page = client.get("/register/").get_data(as_text=True)
    assert "You withdrew this application" in page and "Start a new application" in page
    post(client, "/register/start", {}, form_url="/register/")
    assert db_session.query(Application).filter_by(voter_id=application.voter_id).count() == 2


def test_a_verified_voter_who_withdraws_is_told_they_left_the_register(client, db_session, reg, factory,
                                                                        login_as, outbox, runtime):
    from ovote.accounts.models import Role
    from ovote.registration import verification

    application = reg.application()  # no registry row: verifying needs two officials
    first, second = (factory.user(Role.OFFICIAL, consulate=application.consulate) for _ in range(2))
    verification.decide(db_session, application, official=first, action="verify",
                        reason_code="reviewed_manually", settings=runtime.settings, cipher=runtime.cipher, mailer=runtime.mailer)
    verification.confirm(db_session, application, official=second, mailer=runtime.mailer)
    db_session.commit()
    assert application.state is ApplicationState.VERIFIED
    login_as(application.voter)
    assert post(client, "/register/withdraw", {"confirm": "y"}).status_code == 303
    assert outbox[-1]["Subject"] == "You have left the overseas register"
    assert "no longer on the overseas register" in outbox[-1].get_body(("plain",)).get_content()
    assert "will not be examined" not in outbox[-1].get_body(("plain",)).get_content()


def test_changing_the_country_of_residence_asks_for_the_consulate_again(client, db_session, reg,
                                                                        factory, login_as, runtime):
    application = reg.application(state=ApplicationState.DRAFT)
    paris = application.consulate
    london = factory.consulate(code="LON", served=("GB",), host_country="GB")
    login_as(application.voter)
    post(client, "/register/step/residence", {"country": "GB", "address": "1 Baker Street, London",
                                              "phone": "020 7946 0018"})
    assert application.consulate_id is None and application.residence_country == "GB"
    assert details(application, cipher=runtime.cipher).phone == "+442079460018"
    page = client.get("/register/step/consulate").get_data(as_text=True)
    assert f"{london.name} ({london.city})" in page
    assert paris.name not in page


def test_staff_and_anonymous_users_do_not_reach_the_voter_pages(client, db_session, login_as_official):
    assert client.get("/register/").status_code == 302  # to the login page
    login_as_official()
    assert client.get("/register/").status_code == 403


def test_the_application_pages_fit_a_phone_and_label_every_field(client, db_session, reg,
                                                                   login_as_voter):
    login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    for step in ("identity", "document-choice", "documents", "residence", "consulate", "constituency", "voting",
                 "upload"):
        page = client.get(f"/register/step/{step}").get_data(as_text=True)
        assert 'name="viewport"' in page and 'aria-current="step"' in page
        for field_id in __import__("re").findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
            if field_id not in ("csrf_token", "lang-select"):
                assert f'for="{field_id}"' in page, f"{step}: {field_id} has no label"


def test_the_voter_sees_their_own_document(client, db_session, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT, document=image_bytes("PNG"))
    login_as(application.voter)
    response = client.get("/register/document")
    assert response.status_code == 200 and response.data == image_bytes("PNG")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


NO_FILE = ["absent", "empty"]


def without_file(no_file, then):
    """Form data with no file: no file part at all, or the empty part a browser sends when no
    file is chosen."""
    return {"then": then, **({"document": (io.BytesIO(b""), "")} if no_file == "empty" else {})}


@pytest.mark.parametrize("then", ["next", "later"])
@pytest.mark.parametrize("no_file", NO_FILE)
def test_the_upload_step_asks_for_a_file_while_none_is_attached(client, db_session, reg, login_as_voter,
                                                                 then, no_file):
    voter = login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    response = post(client, "/register/step/upload", without_file(no_file, then),
                    content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the file to send." in response.get_data(as_text=True)
    assert db_session.query(Application).filter_by(voter_id=voter.id).one().document_file is None


@pytest.mark.parametrize("then, goes_to", [("next", "/register/review"), ("later", "/register/")])
@pytest.mark.parametrize("no_file", NO_FILE)
def test_the_upload_step_keeps_the_attached_document_when_no_file_is_chosen(client, db_session, reg,
                                                                            login_as, then, goes_to,
                                                                            no_file):
    application = reg.application(state=ApplicationState.DRAFT, document=image_bytes("PNG"))
    stored = (application.document_file, application.document_type, application.document_size)
    login_as(application.voter)
    form = client.get("/register/step/upload").get_data(as_text=True)
    assert "A document is already attached" in form
    assert not re.search(r'<input[^>]*name="document"[^>]*\brequired\b', form)
    response = post(client, "/register/step/upload", without_file(no_file, then),
                    content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(goes_to)
    db_session.refresh(application)
    assert (application.document_file, application.document_type, application.document_size) == stored
    assert client.get("/register/document").data == image_bytes("PNG")
    if then == "later":
        assert "Saved. You can come back" in client.get("/register/").get_data(as_text=True)


@pytest.mark.parametrize("then, goes_to", [("next", "/register/review"), ("later", "/register/")])
def test_a_new_file_replaces_the_attached_document(client, db_session, reg, login_as, then, goes_to):
    application = reg.application(state=ApplicationState.DRAFT, document=image_bytes("PNG"))
    old_file = application.document_file
    login_as(application.voter)
    response = post(client, "/register/step/upload",
                    {"document": (io.BytesIO(image_bytes("JPEG")), "passport.jpg"), "then": then},
                    content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith(goes_to)
    db_session.refresh(application)
    assert application.document_file != old_file and application.document_type == "image/jpeg"
    assert client.get("/register/document").data == image_bytes("JPEG")
