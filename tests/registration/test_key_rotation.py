"""`ovote keys rotate-data-key`: everything re-encrypted under the new key, nothing lost, re-runnable."""
import base64
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from ovote.accounts import totp
from ovote.accounts.models import Role, User
from ovote.key_rotation import sealed_columns
from ovote.personal_data import DataCipher, key_id
from ovote.registration.models import Application, ApplicationState
from ovote.registration.personal import details, seal, unseal
from ovote.runtime import runtime
from tests.registration.conftest import PDF


def new_key():
    raw = os.urandom(32)
    return raw, base64.urlsafe_b64encode(raw).decode()


@pytest.fixture
def key_ring(app, tmp_path, reconfigure):
    """Set OVOTE_DATA_KEYS for the test (the cipher is rebuilt), and restore it afterwards.
    Documents go to a folder of the test's own, so that only its files are rotated."""
    reconfigure(UPLOAD_DIR=str(tmp_path / "uploads"))
    return lambda keys: reconfigure(DATA_KEYS=keys)


@pytest.fixture
def sealed_data(key_ring, reg, factory, app):
    staff = factory.user(Role.OFFICIAL, totp_secret="JBSWY3DPEHPK3PXP")
    entry = reg.registry_entry()
    submitted = reg.application(document=PDF)
    draft = reg.application(state=ApplicationState.DRAFT, documents={"passport_number": "CB7654321"},
                            person={"surname": "Costa"})
    return staff, entry, submitted, draft


def sealed_values(db_session):
    values = []
    for model, column, _context in sealed_columns():
        values += [v for v in db_session.scalars(select(getattr(model, column))) if v]
    return values


def rotate(app, *args):
    return app.test_cli_runner().invoke(args=["keys", "rotate-data-key", *args])


def test_rotation_reencrypts_everything_and_the_old_key_can_then_go(app, db_session, key_ring,
                                                                     sealed_data):
    staff, entry, submitted, draft = sealed_data
    rt = runtime(app)
    before = (details(submitted, cipher=rt.cipher), unseal(entry, "surname_enc", cipher=rt.cipher),
              rt.documents.load(submitted.document_file))
    old = app.config["DATA_KEYS"]
    raw, encoded = new_key()
    key_ring(f"{encoded},{old}")
    count = len(sealed_values(db_session))
    files = len(list(Path(app.config["UPLOAD_DIR"]).glob("*.sealed")))

    dry = rotate(app, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"would re-encrypt {count + files} value(s)" in dry.output
    assert not any(v.startswith(f"v1.{key_id(raw)}.") for v in sealed_values(db_session))

    result = rotate(app, "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert f"current data key: {key_id(raw)}" in result.output
    assert "users.totp_secret_enc" in result.output and "registry_entries.surname_enc" in result.output
    assert f"re-encrypted {count + files} value(s)" in result.output
    db_session.expire_all()
    assert all(v.startswith(f"v1.{key_id(raw)}.") for v in sealed_values(db_session))
    for path in Path(app.config["UPLOAD_DIR"]).glob("*.sealed"):
        assert path.read_text().startswith(f"v1.{key_id(raw)}.")

    again = rotate(app)
    assert again.exit_code == 0 and "re-encrypted 0 value(s)" in again.output

    rt = key_ring(encoded)  # the old key is dropped
    assert (details(submitted, cipher=rt.cipher), unseal(entry, "surname_enc", cipher=rt.cipher),
            rt.documents.load(submitted.document_file)) == before
    assert details(draft, cipher=rt.cipher).surname == "Costa"
    assert totp.secret_of(db_session.get(User, staff.id), cipher=rt.cipher) == "JBSWY3DPEHPK3PXP"


def test_a_value_under_an_unknown_key_is_reported_and_the_rest_still_rotates(app, db_session, key_ring,
                                                                            sealed_data):
    staff, entry, submitted, draft = sealed_data
    _stranger_raw, _ = new_key()
    entry.surname_enc = DataCipher([_stranger_raw]).seal("Silva", context="registry.surname")
    db_session.commit()
    raw, encoded = new_key()
    key_ring(f"{encoded},{app.config['DATA_KEYS']}")
    result = rotate(app)
    assert result.exit_code == 1
    assert f"registry_entries.surname_enc id {entry.id}" in result.output
    assert "could not be opened with any key" in result.output
    db_session.expire_all()
    assert db_session.get(User, staff.id).totp_secret_enc.startswith(f"v1.{key_id(raw)}.")
    assert db_session.get(type(draft), draft.id).surname_enc.startswith(f"v1.{key_id(raw)}.")


def test_every_sealed_column_is_known_to_the_rotation():
    columns = {(model.__tablename__, column) for model, column, _ in sealed_columns()}
    assert ("users", "totp_secret_enc") in columns
    assert {("applications", c) for c in ("surname_enc", "given_names_enc", "birth_place_enc",
                                          "national_id_enc", "passport_number_enc", "mrz_enc",
                                          "address_enc", "phone_enc")} <= columns
    assert {("registry_entries", c) for c in ("document_number_enc", "surname_enc",
                                              "given_names_enc")} <= columns


def test_a_value_written_during_the_rotation_is_not_overwritten(app, db_session, key_ring, sealed_data,
                                                                monkeypatch):
    staff, entry, submitted, draft = sealed_data
    raw, encoded = new_key()
    key_ring(f"{encoded},{app.config['DATA_KEYS']}")
    original_open = DataCipher.open

    def open_while_the_voter_edits(self, sealed, *, context):
        if context == "application.address" and sealed == submitted.address_enc:
            # the voter saves a new address between the rotation's read and its write
            seal(submitted, "address_enc", "1 New Street, Lyon", cipher=runtime(app).cipher)
            db_session.flush()
        return original_open(self, sealed, context=context)

    monkeypatch.setattr(DataCipher, "open", open_while_the_voter_edits)
    result = rotate(app)
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(DataCipher, "open", original_open)
    db_session.expire_all()
    cipher = key_ring(encoded).cipher
    assert details(db_session.get(Application, submitted.id), cipher=cipher).address == "1 New Street, Lyon"
    assert details(db_session.get(Application, draft.id), cipher=cipher).address == \
        "12 rue de la Paix\n75002 Paris"


@pytest.mark.parametrize("size", ["0", "-5"])
def test_a_batch_size_below_one_is_refused_rather_than_rotating_nothing(app, db_session, key_ring,
                                                                       sealed_data, size):
    raw, encoded = new_key()
    key_ring(f"{encoded},{app.config['DATA_KEYS']}")
    result = rotate(app, "--batch-size", size)
    assert result.exit_code == 2 and "--batch-size" in result.output
    assert "older keys may be removed" not in result.output
    db_session.expire_all()
    assert not any(v.startswith(f"v1.{key_id(raw)}.") for v in sealed_values(db_session))
