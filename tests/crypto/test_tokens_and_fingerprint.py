import copy

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot import voting_key_bytes
from ovote.crypto.errors import BlindSignatureError
from ovote.crypto.fingerprint import election_definition, election_fingerprint, joint_key_of
from ovote.crypto.group import BASE
from ovote.crypto.threshold import deal, joint_key

from .test_ballot import STYLE


def test_token_message_layout(fingerprint):
    key = bytes(range(32))
    assert tokens.token_message(fingerprint, key) == b"ovote/token/v1\x00" + fingerprint + key


def test_token_round_trip(unit_rsa_key, fingerprint):
    public = unit_rsa_key.public_key()
    voting_key = voting_key_bytes(Ed25519PrivateKey.generate())
    request = tokens.TokenRequest.from_dict(
        tokens.request_token(public, fingerprint, voting_key).to_dict()
    )
    token = tokens.finish_token(public, request, tokens.issue_token(unit_rsa_key, request.blinded_msg))
    prefix, signature = bytes.fromhex(token["prefix"]), bytes.fromhex(token["signature"])
    assert tokens.verify_token(public, fingerprint, voting_key, prefix, signature)
    assert not tokens.verify_token(public, fingerprint, bytes(32), prefix, signature)
    assert not tokens.verify_token(public, bytes(32), voting_key, prefix, signature)
    other_request = tokens.request_token(public, fingerprint, voting_key)
    with pytest.raises(BlindSignatureError):
        tokens.finish_token(public, other_request, tokens.issue_token(unit_rsa_key, request.blinded_msg))


@pytest.fixture(scope="module")
def definition_inputs(unit_rsa_key):
    commitments = [deal("e1", i, 2)[1] for i in (1, 2, 3)]
    return dict(
        manifest={"title": "General election", "contests": ["president", "referendum"]},
        threshold=2,
        trustees=commitments,
        joint_key=joint_key(commitments),
        units=[
            {"id": "u2", "consulate": "berlin", "ballot_style": STYLE, "public_key": unit_rsa_key.public_key()},
            {"id": "u1", "consulate": "paris", "ballot_style": STYLE, "public_key": unit_rsa_key.public_key()},
        ],
        receipt_key=bytes(range(32)),
    )


def test_definition_is_deterministic(definition_inputs):
    definition = election_definition(**definition_inputs)
    assert [u["id"] for u in definition["units"]] == ["u1", "u2"]
    assert definition["units"][0]["e"] == "010001"
    assert [t["index"] for t in definition["trustees"]] == [1, 2, 3]
    shuffled = dict(definition_inputs, trustees=definition_inputs["trustees"][::-1],
                    units=definition_inputs["units"][::-1])
    fingerprint = election_fingerprint(definition)
    assert len(fingerprint) == 32
    assert election_fingerprint(election_definition(**shuffled)) == fingerprint
    assert joint_key_of(definition) == definition_inputs["joint_key"]


@pytest.mark.parametrize(
    "path,value",
    [
        (("threshold",), 3),
        (("units", 0, "consulate"), "lyon"),
        (("units", 1, "ballot_style", "contests", 0, "max"), 2),
        (("receipt_key",), "00" * 32),
        (("manifest", "title"), "Other"),
    ],
)
def test_any_change_changes_the_fingerprint(definition_inputs, path, value):
    definition = election_definition(**definition_inputs)
    changed = copy.deepcopy(definition)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert election_fingerprint(changed) != election_fingerprint(definition)


def test_definition_checks_joint_key(definition_inputs):
    with pytest.raises(ValueError):
        election_definition(**dict(definition_inputs, joint_key=BASE))
    definition = election_definition(**definition_inputs)
    definition["joint_key"] = BASE.hex()
    with pytest.raises(ValueError):
        joint_key_of(definition)


@pytest.fixture(scope="module")
def small_rsa_key():
    return blindrsa.generate_key(2048)


def test_unit_keys_are_3072_bit(definition_inputs, small_rsa_key, fingerprint):
    # A short unit key would let whoever factors it mint tokens; §3.6 fixes 3072 bits.
    weak = small_rsa_key.public_key()
    units = [dict(definition_inputs["units"][0], public_key=weak)]
    with pytest.raises(ValueError):
        election_definition(**dict(definition_inputs, units=units))
    voting_key = voting_key_bytes(Ed25519PrivateKey.generate())
    with pytest.raises(ValueError):
        tokens.request_token(weak, fingerprint, voting_key)
    # A token validly signed under the short key is still refused.
    input_msg = blindrsa.prepare(tokens.token_message(fingerprint, voting_key))
    blinded_msg, inv = blindrsa.blind(weak, input_msg)
    signature = blindrsa.finalize(weak, input_msg, blindrsa.blind_sign(small_rsa_key, blinded_msg), inv)
    assert blindrsa.verify(weak, input_msg, signature)
    assert not tokens.verify_token(weak, fingerprint, voting_key, input_msg[:32], signature)


def test_definition_refuses_ambiguous_rosters(definition_inputs):
    # Duplicates made the bytes depend on input order (a stable sort keeps
    # it) and left a verifier two keys for one unit or index.
    first_unit = definition_inputs["units"][0]
    twin_unit = dict(first_unit, consulate="elsewhere")
    with pytest.raises(ValueError):
        election_definition(**dict(definition_inputs, units=[first_unit, twin_unit]))
    trustees = definition_inputs["trustees"]
    twin = deal("e1", trustees[0].trustee, 2)[1]
    with pytest.raises(ValueError):
        election_definition(**dict(definition_inputs, trustees=[*trustees, twin],
                                   joint_key=joint_key([*trustees, twin])))
    for k in (0, len(trustees) + 1):
        with pytest.raises(ValueError):
            election_definition(**dict(definition_inputs, threshold=k))
