"""Bad input at every step: a clear message, the right status, and nothing stored."""
import io
from pathlib import Path

import pytest

from ovote.audit.models import AuditEvent
from ovote.registration.models import Application, ApplicationState
from tests.registration.conftest import PDF, image_bytes, passport_mrz, post, step_data

GOOD_MRZ = passport_mrz()
SCRIPT = '<script>alert("x")</script>'


def snapshot(db_session, application):
    db_session.refresh(application)
    columns = [c.key for c in Application.__table__.columns if c.key != "updated_at"]
    return ({c: getattr(application, c) for c in columns},
            db_session.query(AuditEvent).count())


@pytest.fixture
def draft(reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    return application


@pytest.mark.parametrize("step, changes, message", [
    ("identity", {"birth_date": "2999-01-01"}, "Enter a date of birth in the past"),
    ("identity", {"birth_date": "1850-01-01"}, "Check the year of birth"),
    ("identity", {"birth_date": "15/01/1990"}, "Enter your date of birth as a real date, e.g. 27 3 1990"),
    ("identity", {"birth_date-day": "31", "birth_date-month": "2", "birth_date-year": "1990"},
     "Enter your date of birth as a real date, e.g. 27 3 1990"),
    ("identity", {"birth_date-day": "", "birth_date-month": "", "birth_date-year": ""},
     "Enter your date of birth"),
    ("identity", {"birth_date-day": "1", "birth_date-month": "1", "birth_date-year": "90"},
     "Enter your date of birth as a real date, e.g. 27 3 1990"),
    ("identity", {"surname": ""}, "Enter your family name"),
    ("identity", {"surname": "x" * 101}, "Write at most 100 characters"),
    ("identity", {"birth_place": "Porto\x00"}, "Remove the control characters from this field."),
    ("documents", {"mrz": "P<PRTSILVA<<ANA"}, "The MRZ must be the two lines of 44 characters"),
    ("documents", {"mrz": GOOD_MRZ.replace("CA12345672", "CA12345679")},
     "A check digit of the MRZ is wrong (composite, document number)."),
    ("documents", {"mrz": GOOD_MRZ.replace("\n", "\n!")[:-1]}, "The MRZ may only hold capital letters"),
    ("documents", {"mrz": passport_mrz(number="CB7654321")},
     "The MRZ does not agree with what you typed: passport number."),
    ("documents", {"mrz": passport_mrz(birth="900116")},
     "The MRZ does not agree with what you typed: date of birth."),
    ("documents", {"mrz": passport_mrz(surname="Santos", state="ESP")},
     "The MRZ does not agree with what you typed: issuing state, names."),
    ("documents", {"national_id": "", "passport_number": ""},
     "Give your national identity number, your passport, or both."),
    ("documents", {"passport_number": SCRIPT}, "A document number has 3 to 20 letters and digits."),
    ("documents", {"national_id": "<b>12345</b>"}, "A document number has 3 to 20 letters and digits."),
    ("documents", {"passport_state": "ZZ"}, "ZZ is not a country code of ISO 3166."),
    ("documents", {"passport_expiry": ""}, "Give the passport&#39;s expiry date."),
    ("residence", {"country": "ZZ"}, "ZZ is not a country code of ISO 3166."),
    ("residence", {"country": "FRA"}, "FRA is not a country code of ISO 3166."),
    ("residence", {"phone": "12"}, "Enter a phone number of France with its area code, or a number"),
    ("residence", {"phone": "+44 20 7946 001"}, "Enter a phone number of France with its area code"),
    ("residence", {"phone": "+999 1234"}, "Enter a phone number of France with its area code"),
    ("residence", {"address": ""}, "Enter your address where you live"),
])
def test_bad_step_input_is_refused_and_nothing_is_stored(client, db_session, draft, step, changes,
                                                         message):
    before = snapshot(db_session, draft)
    response = post(client, f"/register/step/{step}", {**step_data(step), **changes})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before


def test_a_consulate_that_does_not_serve_the_country_is_refused(client, db_session, factory, draft):
    london = factory.consulate(code="LON", served=("GB",), host_country="GB")
    before = snapshot(db_session, draft)
    response = post(client, "/register/step/consulate", {"consulate": london.id})
    assert response.status_code == 422
    assert "This consulate does not serve residents of France." in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before
    assert post(client, "/register/step/consulate", {"consulate": "abc"}).status_code == 422


@pytest.mark.parametrize("value", ["-1", "0", str(2**31), str(2**63), "9" * 40, "1e3", " "])
def test_an_id_out_of_any_rows_range_is_refused_not_a_500(client, db_session, draft, value):
    before = snapshot(db_session, draft)
    response = post(client, "/register/step/consulate", {"consulate": value})
    assert response.status_code == 422 and "Choose one from the list" in response.get_data(as_text=True)
    response = post(client, "/register/step/constituency", {"constituency": value})
    assert response.status_code == 422 and "Choose your home constituency" in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before


def test_an_unknown_constituency_or_channel_is_refused(client, db_session, draft):
    before = snapshot(db_session, draft)
    response = post(client, "/register/step/constituency", {"constituency": "999999"})
    assert response.status_code == 422 and "Choose your home constituency" in response.get_data(as_text=True)
    response = post(client, "/register/step/voting", {"channel": "carrier-pigeon"})
    assert response.status_code == 422 and "Choose how you would like to vote" in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before


def upload(client, content, name):
    return post(client, "/register/step/upload", {"document": (io.BytesIO(content), name)},
                content_type="multipart/form-data")


@pytest.mark.parametrize("content, name", [
    (b"GIF89a this claims to be a JPEG", "passport.jpg"),
    (b"<html><script>alert(1)</script></html>", "passport.png"),
    (b"MZ\x90\x00 an executable", "passport.pdf"),
    (image_bytes("GIF"), "passport.jpg"),
])
def test_a_file_that_claims_to_be_an_image_but_is_not_is_refused(client, db_session, draft, app,
                                                                  content, name):
    before, files = snapshot(db_session, draft), sorted(Path(app.config["UPLOAD_DIR"]).iterdir())
    response = upload(client, content, name)
    assert response.status_code == 422
    assert "This file is not a JPEG, PNG or PDF document" in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before
    assert sorted(Path(app.config["UPLOAD_DIR"]).iterdir()) == files


@pytest.mark.parametrize("content, media_type", [
    (image_bytes("JPEG"), "image/jpeg"), (image_bytes("PNG"), "image/png"), (PDF, "application/pdf"),
])
def test_jpeg_png_and_pdf_are_accepted_whatever_their_name(client, db_session, draft, content, media_type):
    assert upload(client, content, "scan.txt").status_code == 303
    assert draft.document_type == media_type and draft.document_size == len(content)


def test_a_50_megabyte_upload_is_refused_with_413(client, db_session, draft, app):
    before, files = snapshot(db_session, draft), sorted(Path(app.config["UPLOAD_DIR"]).iterdir())
    token_page = client.get("/register/step/upload").get_data(as_text=True)
    assert "csrf_token" in token_page
    response = upload(client, b"\xff\xd8\xff" + b"0" * (50 * 1024 * 1024), "huge.jpg")
    assert response.status_code == 413
    assert "larger than we accept" in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before
    assert sorted(Path(app.config["UPLOAD_DIR"]).iterdir()) == files


def test_a_file_over_the_document_limit_but_under_the_request_limit_is_refused(client, db_session,
                                                                                draft, reconfigure):
    reconfigure(DOCUMENT_MAX_BYTES=1024 * 1024)
    before = snapshot(db_session, draft)
    response = upload(client, image_bytes("PNG") + b"\0" * (1024 * 1024), "big.png")
    assert response.status_code == 413
    assert "The file is larger than 1 MB." in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before


def test_html_and_script_in_every_text_field_are_stored_and_shown_escaped(client, db_session, reg,
                                                                          login_as, login_as_official):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    identity = {**step_data("identity"), "surname": SCRIPT, "given_names": "<b>Ana</b>",
                "birth_place": "<img src=x onerror=alert(1)>"}
    assert post(client, "/register/step/identity", identity).status_code == 303
    residence = {**step_data("residence"), "address": "<iframe src=//evil></iframe>"}
    assert post(client, "/register/step/residence", residence).status_code == 303
    assert post(client, "/register/step/consulate",
                {"consulate": application.consulate_id}).status_code == 303
    page = client.get("/register/review").get_data(as_text=True)
    for raw in (SCRIPT, "<b>Ana</b>", "<img src=x", "<iframe"):
        assert raw not in page
    for escaped in ("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&lt;b&gt;Ana&lt;/b&gt;",
                    "&lt;img src=x onerror=alert(1)&gt;", "&lt;iframe src=//evil&gt;&lt;/iframe&gt;"):
        assert escaped in page
    assert post(client, "/register/review", {"declaration": "y"}).status_code == 303

    login_as_official(application.consulate)
    url = f"/applications/{application.id}"
    note = '<script>document.location="//evil"</script>'
    post(client, f"{url}/decision", {"confirm": "y", "action": "request_info", "reason": "details_mismatch",
                                     "note": note}, form_url=url)
    official_page = client.get(url).get_data(as_text=True)
    queue = client.get("/applications/").get_data(as_text=True)
    for html in (official_page, queue):
        assert SCRIPT not in html and "&lt;script&gt;" in html
    assert note not in official_page and "&lt;script&gt;document.location" in official_page
    login_as(application.voter)
    status = client.get("/register/").get_data(as_text=True)
    assert note not in status and "&lt;script&gt;document.location" in status


@pytest.mark.parametrize("country, phone, stored", [
    ("CA", "+33 6 12 34 56 78", "+33612345678"),   # a French mobile kept in Canada
    ("CA", "514 872 1234", "+15148721234"),        # the country's own format, no code needed
    ("CA", "+1 514 872 1234", "+15148721234"),
    ("FR", "01 42 68 53 00", "+33142685300"),
    ("FR", "0044 20 7946 0018", "+442079460018"),  # the international prefix of France
    ("FR", "+44 20 7946 0018", "+442079460018"),
])
def test_any_valid_international_number_is_accepted(app, client, db_session, draft, country, phone, stored):
    from ovote.registration.personal import details
    from ovote.runtime import runtime

    response = post(client, "/register/step/residence", {**step_data("residence"), "country": country,
                                                         "phone": phone})
    assert response.status_code == 303, response.get_data(as_text=True)
    db_session.refresh(draft)
    with app.app_context():
        assert details(draft, cipher=runtime(app).cipher).phone == stored and draft.residence_country == country


def test_a_number_in_another_countrys_format_without_its_code_is_refused(client, db_session, draft):
    before = snapshot(db_session, draft)
    response = post(client, "/register/step/residence", {**step_data("residence"), "country": "CA",
                                                         "phone": "06 12 34 56 78"})
    assert response.status_code == 422
    assert "Enter a phone number of Canada with its area code, or a number of another country starting " \
           "with + and its country code" in response.get_data(as_text=True)
    assert snapshot(db_session, draft) == before
