"""The trustee's key file: sealed, bound to its header, written atomically with mode 0600."""

import json
import os

import pytest

from ovote.crypto.keyfile import KeyFile, KeyFileError

PASSPHRASE = "a long enough passphrase"


def make(path, secrets=None):
    return KeyFile.create(str(path), PASSPHRASE, secrets or {"share": "00" * 32},
                          election="demo-2026", trustee=2, attempt=1, cost="minimal")


def test_round_trip_and_mode(tmp_path):
    path = tmp_path / "t.key"
    key_file = make(path)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    assert "share" not in path.read_text() and "00" * 32 not in path.read_text()
    key_file.secrets["step"] = "dealt"
    key_file.save()
    opened = KeyFile.open(str(path), PASSPHRASE)
    assert opened.secrets == {"share": "00" * 32, "step": "dealt"}
    assert (opened.election, opened.trustee, opened.attempt) == ("demo-2026", 2, 1)
    assert [p.name for p in tmp_path.iterdir()] == ["t.key"]  # no temporary file left


@pytest.mark.parametrize("change, code", [
    (lambda d: d.update(trustee=3), "wrong_passphrase"),       # header is authenticated
    (lambda d: d.update(election="other"), "wrong_passphrase"),
    (lambda d: d.update(sealed=d["sealed"][:-2] + "00"), "wrong_passphrase"),
    (lambda d: d.update(version="v0"), "not_a_key_file"),
    (lambda d: d["kdf"].update(memlimit=2**40), "not_a_key_file"),
    (lambda d: d.pop("nonce"), "not_a_key_file"),
])
def test_a_changed_key_file_is_refused(tmp_path, change, code):
    path = tmp_path / "t.key"
    make(path)
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))
    with pytest.raises(KeyFileError) as refused:
        KeyFile.open(str(path), PASSPHRASE)
    assert refused.value.code == code


def test_wrong_passphrase_missing_file_existing_file_and_short_passphrase(tmp_path):
    path = tmp_path / "t.key"
    make(path)
    cases = [
        (lambda: KeyFile.open(str(path), "another passphrase"), "wrong_passphrase"),
        (lambda: KeyFile.open(str(tmp_path / "none.key"), PASSPHRASE), "no_key_file"),
        (lambda: make(path), "key_file_exists"),
        (lambda: KeyFile.create(str(tmp_path / "n.key"), "short", {}, election="e", trustee=1,
                                attempt=1, cost="minimal"), "weak_passphrase"),
    ]
    for call, code in cases:
        with pytest.raises(KeyFileError) as refused:
            call()
        assert refused.value.code == code
    assert not (tmp_path / "n.key").exists()
