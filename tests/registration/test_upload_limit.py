"""The document size limit is shown in the unit that fits, in the reader's language."""
import io

import pytest

from ovote.data_sizes import format_size
from ovote.registration.models import ApplicationState
from tests.conftest import csrf_token
from tests.registration.conftest import image_bytes


@pytest.mark.parametrize("size, english, french", [
    (10 * 1024 * 1024, "10 MB", "10\u202fMo"),
    (1024 * 1024, "1 MB", "1\u202fMo"),
    (1536 * 1024, "1.5 MB", "1,5\u202fMo"),
    (1500 * 1000, "1.4 MB", "1,4\u202fMo"),          # rounded down: never more than accepted
    (512 * 1024, "512 kB", "512\u202fko"),
    (1024 * 1024 - 1, "1,023.9 kB", "1\u202f023,9\u202fko"),
    (800, "800 byte", "800\u202fo"),
])
def test_sizes_are_written_in_the_unit_that_fits(size, english, french):
    assert format_size(size, "en") == english
    assert format_size(size, "fr") == french


@pytest.mark.parametrize("limit, language, shown", [
    (512 * 1024, "en", "512 kB"),
    (512 * 1024, "fr", "512\u202fko"),
    (3 * 1024 * 1024, "en", "3 MB"),
    (3 * 1024 * 1024, "fr", "3\u202fMo"),
    (100 * 1024, "en", "100 kB"),
])
def test_a_file_over_a_small_limit_is_refused_with_the_limit_in_its_unit(
        client, db_session, reg, login_as, reconfigure, limit, language, shown):
    reconfigure(DOCUMENT_MAX_BYTES=limit)
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    db_session.refresh(application)
    before = (application.document_file, application.document_size)
    headers = {"Accept-Language": language}
    page = client.get("/register/step/upload", headers=headers).get_data(as_text=True)
    assert shown in page and " 0 MB" not in page
    data = {"document": (io.BytesIO(image_bytes("PNG") + b"\0" * limit), "scan.png"),
            "csrf_token": csrf_token(client, "/register/step/upload")}
    response = client.post("/register/step/upload", data=data, headers=headers,
                           content_type="multipart/form-data")
    assert response.status_code == 413
    expected = {"en": f"The file is larger than {shown}.", "fr": f"Le fichier dépasse {shown}."}
    assert expected[language] in response.get_data(as_text=True)
    db_session.refresh(application)
    assert (application.document_file, application.document_size) == before
