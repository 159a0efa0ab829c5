"""An edit posted to an application that is no longer a draft (from a second tab, or a page
loaded before submission) is not saved, and the voter is told so and why: 409 with the status
page, nothing stored."""
import io

import pytest
from sqlalchemy import update

from ovote.clock import utcnow
from ovote.audit.models import AuditEvent
from ovote.registration.models import Application, ApplicationState
from tests.conftest import csrf_token
from tests.registration.conftest import image_bytes, step_data

POSTS = {
    "identity": lambda token: ("/register/step/identity",
                               {**step_data("identity"), "surname": "Other", "csrf_token": token}, {}),
    "documents": lambda token: ("/register/step/documents",
                                {**step_data("documents"), "passport_number": "CB7654321",
                                 "csrf_token": token}, {}),
    "residence": lambda token: ("/register/step/residence",
                                {**step_data("residence"), "address": "Elsewhere", "csrf_token": token},
                                {}),
    "constituency": lambda token: ("/register/step/constituency", {"constituency": "1", "csrf_token": token}, {}),
    "voting": lambda token: ("/register/step/voting", {"channel": "postal", "csrf_token": token}, {}),
    "document-choice": lambda token: ("/register/step/document-choice",
                                      {"has_document": "no", "csrf_token": token}, {}),
    "no-document": lambda token: ("/register/step/no-document",
                                  {"reason": "lost", "csrf_token": token}, {}),
    "upload": lambda token: ("/register/step/upload",
                             {"document": (io.BytesIO(image_bytes("JPEG")), "b.jpg"), "csrf_token": token},
                             {"content_type": "multipart/form-data"}),
    "review": lambda token: ("/register/review", {"declaration": "y", "csrf_token": token}, {}),
}


def snapshot(db_session, application):
    db_session.expire_all()
    row = db_session.get(Application, application.id)
    columns = [c.key for c in Application.__table__.columns]
    return {c: getattr(row, c) for c in columns}, db_session.query(AuditEvent).count()


@pytest.mark.parametrize("state, label", [
    (ApplicationState.SUBMITTED, "submitted"), (ApplicationState.VERIFIED, "verified"),
    (ApplicationState.REJECTED, "rejected"), (ApplicationState.WITHDRAWN, "withdrawn"),
])
@pytest.mark.parametrize("post", list(POSTS))
def test_an_edit_posted_after_the_draft_was_left_is_refused_with_the_reason(
        client, db_session, reg, login_as, state, label, post):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    token = csrf_token(client, "/register/review")          # the page of the second tab
    now = utcnow()  # what the submission and a decision would have written with the state
    db_session.execute(update(Application).where(Application.id == application.id)
                       .values(state=state, submitted_at=now, decided_at=now,
                               withdrawn_at=now if state is ApplicationState.WITHDRAWN else None))
    db_session.commit()
    before = snapshot(db_session, application)
    url, data, options = POSTS[post](token)
    response = client.post(url, data=data, **options)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert (f"Your change was not saved: this application is {label}, so it can no longer be changed."
            in page)
    assert "My application to the overseas register" in page  # the status page
    assert snapshot(db_session, application) == before


def test_opening_a_step_of_a_submitted_application_still_goes_to_the_status_page(
        client, db_session, reg, login_as):
    application = reg.application()
    login_as(application.voter)
    response = client.get("/register/step/identity")
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/")
    assert "not saved" not in client.get("/register/").get_data(as_text=True)


def test_the_french_reader_is_told_in_french(client, db_session, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    token = csrf_token(client, "/register/step/identity")
    # A French reader throughout: submitting saves the page's language as the voter's own.
    client.post("/register/review", headers={"Accept-Language": "fr"},
                data={"declaration": "y", "csrf_token": csrf_token(client, "/register/review")})
    response = client.post("/register/step/identity", headers={"Accept-Language": "fr"},
                           data={**step_data("identity"), "csrf_token": token})
    assert response.status_code == 409
    assert "Votre modification n&#39;a pas été enregistrée" in response.get_data(as_text=True)
