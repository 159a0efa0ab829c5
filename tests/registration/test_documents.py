"""Stored documents follow the transaction that points at them."""
from ovote.registration import services
from ovote.registration.models import ApplicationState
from tests.registration.conftest import PDF, image_bytes


def test_a_replaced_document_is_deleted_only_when_the_change_commits(db_session, reg, runtime):
    documents = runtime.documents
    application = reg.application(state=ApplicationState.DRAFT)
    voter, first = application.voter, application.document_file
    services.save_document(db_session, application, actor=voter, documents=documents, data=PDF)
    second = application.document_file
    assert {first, second} <= set(documents.stored_names())  # not yet committed
    db_session.commit()
    assert first not in documents.stored_names()
    assert documents.load(second) == PDF


def test_a_rolled_back_replacement_keeps_the_old_file_and_drops_the_new(db_session, reg, runtime):
    documents = runtime.documents
    application = reg.application(state=ApplicationState.DRAFT)
    voter, first = application.voter, application.document_file
    services.save_document(db_session, application, actor=voter, documents=documents,
                           data=image_bytes("JPEG"))
    second = application.document_file
    db_session.rollback()
    stored = documents.stored_names()
    assert first in stored and second not in stored
    db_session.refresh(application)
    assert application.document_file == first
    assert documents.load(first) == image_bytes()


def test_unexpected_files_in_the_upload_folder_are_left_alone(runtime, reg):
    documents = runtime.documents
    application = reg.application()
    folder = documents.folder
    (folder / "notes-from-admin.sealed").write_text("not ours")
    (folder / "README.txt").write_text("not ours")
    names = documents.stored_names()
    assert application.document_file in names
    assert "notes-from-admin" not in names and "README" not in names


def test_the_upload_page_states_the_configured_limit(client, login_as, factory, reconfigure, reg):
    from ovote.accounts.models import Role

    reconfigure(DOCUMENT_MAX_BYTES=4 * 1024 * 1024)
    reg.application(voter=login_as(factory.user(Role.VOTER)), state=ApplicationState.DRAFT)
    assert "up to 4 MB" in client.get("/register/step/upload").get_data(as_text=True)
