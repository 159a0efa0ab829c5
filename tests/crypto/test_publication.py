"""The publication statement: the receipt key's signature over in_person.json and
results.json (their canonical JSON), for one election."""
import copy

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto.board import BoardError, check_publication, document_sha256, sign_publication

FINGERPRINT = bytes(range(32))
IN_PERSON = [{"consulate": "PAR", "contest": "C1", "counts": [3, 0], "entered_by": 1,
              "confirmed_by": 2}]
RESULTS = [{"contest": "C1", "groups": [], "in_person": [{"consulate": "PAR", "counts": [3, 0]}],
            "national": [3, 0]}]


@pytest.fixture(scope="module")
def key():
    return Ed25519PrivateKey.generate()


def public(key):
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def test_a_publication_checks_and_binds_both_documents(key):
    statement = sign_publication(key, FINGERPRINT, IN_PERSON, RESULTS)
    assert set(statement) == {"in_person_sha256", "results_sha256", "signature"}
    assert statement["results_sha256"] == document_sha256(RESULTS)
    check_publication(statement, public(key), FINGERPRINT, IN_PERSON, RESULTS)
    # Key order and whitespace do not matter: the digests are of canonical JSON.
    check_publication(statement, public(key), FINGERPRINT, [dict(reversed(IN_PERSON[0].items()))],
                      RESULTS)


@pytest.mark.parametrize("change,message", [
    (lambda s, ip, r: ip[0]["counts"].__setitem__(0, 4), "in_person.json is not the one"),
    (lambda s, ip, r: r[0].__setitem__("national", [4, 0]), "results.json is not the one"),
    (lambda s, ip, r: s.__setitem__("results_sha256", "00" * 32), "signature does not verify"),
    (lambda s, ip, r: s.pop("signature"), "fields must be"),
    (lambda s, ip, r: s.__setitem__("signature", "zz"), "not lowercase hex"),
])
def test_any_change_is_refused(key, change, message):
    statement = sign_publication(key, FINGERPRINT, IN_PERSON, RESULTS)
    in_person, results = copy.deepcopy(IN_PERSON), copy.deepcopy(RESULTS)
    change(statement, in_person, results)
    with pytest.raises(BoardError, match=message):
        check_publication(statement, public(key), FINGERPRINT, in_person, results)


def test_another_election_or_key_is_refused(key):
    statement = sign_publication(key, FINGERPRINT, IN_PERSON, RESULTS)
    with pytest.raises(BoardError, match="signature does not verify"):
        check_publication(statement, public(key), bytes(32), IN_PERSON, RESULTS)
    with pytest.raises(BoardError, match="signature does not verify"):
        check_publication(statement, public(Ed25519PrivateKey.generate()), FINGERPRINT,
                          IN_PERSON, RESULTS)
