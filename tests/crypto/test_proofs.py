import hashlib
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovote.crypto.elgamal import add_all, encrypt
from ovote.crypto.group import L, Point, Scalar, base_mul
from ovote.crypto.proofs import (
    CONTEST_INDEX,
    CONTEST_TAG,
    SELECTION_TAG,
    RangeProof,
    SimpleProof,
    challenge,
    prove_decryption,
    prove_range,
    prove_schnorr,
    verify_decryption,
    verify_range,
    verify_schnorr,
)


def test_challenge_matches_the_specified_byte_layout():
    point = base_mul(Scalar.from_int(9))
    scalar = Scalar.from_int(12345)
    expected_input = (
        b"ovote/v1/test\x00"
        + b"\x00\x00\x00\x20" + point.to_bytes()
        + b"\x00\x00\x00\x20" + scalar.to_bytes()
        + b"\x00\x00\x00\x03" + "cé".encode()
        + b"\x00\x00\x00\x04" + b"\xff\xff\xff\xff"
        + b"\x00\x00\x00\x02" + b"\x01\x02"
    )
    wide = int.from_bytes(hashlib.sha512(expected_input).digest(), "little")
    got = challenge("ovote/v1/test", point, scalar, "cé", 0xFFFFFFFF, b"\x01\x02")
    assert int(got) == wide % L


def test_challenge_rejects_out_of_range_ints():
    with pytest.raises(OverflowError):
        challenge("t", 2**32)


@pytest.fixture
def statement(fingerprint):
    return dict(
        tag=SELECTION_TAG,
        fingerprint=fingerprint,
        voting_key=os.urandom(32),
        contest_id="president",
        index=2,
    )


@settings(max_examples=10, deadline=None)
@given(st.sampled_from([0, 1]))
def test_selection_proof_round_trip(joint_key, fingerprint, value):
    ctx = dict(tag=SELECTION_TAG, fingerprint=fingerprint, voting_key=b"k" * 32,
               contest_id="c", index=0)
    ciphertext, nonce = encrypt(joint_key, value)
    proof = prove_range(ciphertext, nonce, value, (0, 1), joint_key, **ctx)
    assert verify_range(proof, ciphertext, (0, 1), joint_key, **ctx)
    assert RangeProof.from_dict(proof.to_dict()) == proof


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 3), st.integers(0, 3), st.data())
def test_contest_sum_proof_any_range(joint_key, fingerprint, low, span, data):
    values = tuple(range(low, low + span + 1))
    value = data.draw(st.sampled_from(values))
    ctx = dict(tag=CONTEST_TAG, fingerprint=fingerprint, voting_key=b"k" * 32,
               contest_id="c", index=CONTEST_INDEX)
    ciphertext, nonce = encrypt(joint_key, value)
    proof = prove_range(ciphertext, nonce, value, values, joint_key, **ctx)
    assert verify_range(proof, ciphertext, values, joint_key, **ctx)


def test_prover_refuses_a_false_statement(joint_key, statement):
    ciphertext, nonce = encrypt(joint_key, 2)
    with pytest.raises(ValueError):
        prove_range(ciphertext, nonce, 2, (0, 1), joint_key, **statement)


def test_proof_for_value_outside_list_does_not_verify(joint_key, statement):
    # Encrypt 2 but prove "1" with the nonce: the real branch is then false.
    ciphertext, nonce = encrypt(joint_key, 2)
    wrong, _ = encrypt(joint_key, 1, nonce)
    proof = prove_range(wrong, nonce, 1, (0, 1), joint_key, **statement)
    assert verify_range(proof, wrong, (0, 1), joint_key, **statement)
    assert not verify_range(proof, ciphertext, (0, 1), joint_key, **statement)


def _bump(scalar):
    return scalar + Scalar.from_int(1)


@pytest.mark.parametrize("field,position", [("c", 0), ("c", 1), ("z", 0), ("z", 1)])
def test_changing_any_single_c_or_z_fails(joint_key, statement, field, position):
    ciphertext, nonce = encrypt(joint_key, 1)
    proof = prove_range(ciphertext, nonce, 1, (0, 1), joint_key, **statement)
    values = list(getattr(proof, field))
    values[position] = _bump(values[position])
    tampered = RangeProof(**{"c": proof.c, "z": proof.z, field: tuple(values)})
    assert not verify_range(tampered, ciphertext, (0, 1), joint_key, **statement)


@pytest.mark.parametrize(
    "change",
    [
        {"voting_key": b"\x01" * 32},
        {"contest_id": "senate"},
        {"index": 3},
        {"fingerprint": b"\x02" * 32},
        {"tag": CONTEST_TAG},
    ],
    ids=["voting_key", "contest_id", "index", "fingerprint", "tag"],
)
def test_proof_is_bound_to_its_context(joint_key, statement, change):
    ciphertext, nonce = encrypt(joint_key, 0)
    proof = prove_range(ciphertext, nonce, 0, (0, 1), joint_key, **statement)
    assert verify_range(proof, ciphertext, (0, 1), joint_key, **statement)
    assert not verify_range(proof, ciphertext, (0, 1), joint_key, **{**statement, **change})


def test_proof_against_other_ciphertext_or_key_fails(joint_key, statement):
    ciphertext, nonce = encrypt(joint_key, 1)
    other, _ = encrypt(joint_key, 1)
    proof = prove_range(ciphertext, nonce, 1, (0, 1), joint_key, **statement)
    assert not verify_range(proof, other, (0, 1), joint_key, **statement)
    assert not verify_range(proof, ciphertext, (0, 1), base_mul(Scalar.random()), **statement)
    assert not verify_range(proof, ciphertext, (0, 1, 2), joint_key, **statement)


def test_range_proof_over_homomorphic_sum(joint_key, statement):
    pairs = [encrypt(joint_key, v) for v in (1, 0, 1)]
    total = add_all(c for c, _ in pairs)
    nonce = pairs[0][1] + pairs[1][1] + pairs[2][1]
    ctx = {**statement, "tag": CONTEST_TAG, "index": CONTEST_INDEX}
    proof = prove_range(total, nonce, 2, (1, 2, 3), joint_key, **ctx)
    assert verify_range(proof, total, (1, 2, 3), joint_key, **ctx)


def test_schnorr(election_secret, joint_key):
    proof = prove_schnorr(election_secret, b"context")
    assert verify_schnorr(proof, joint_key, b"context")
    assert SimpleProof.from_dict(proof.to_dict()) == proof
    assert not verify_schnorr(proof, joint_key, b"other")
    assert not verify_schnorr(SimpleProof(proof.c, _bump(proof.z)), joint_key, b"context")
    assert not verify_schnorr(proof, base_mul(Scalar.random()), b"context")


def test_decryption_proof(election_secret, joint_key, fingerprint):
    ciphertext, _ = encrypt(joint_key, 1)
    share, proof = prove_decryption(election_secret, ciphertext.alpha, fingerprint=fingerprint)
    ok = dict(fingerprint=fingerprint)
    assert verify_decryption(proof, ciphertext.alpha, share, joint_key, **ok)
    assert not verify_decryption(proof, ciphertext.alpha, share + Point.BASE, joint_key, **ok)
    assert not verify_decryption(SimpleProof(_bump(proof.c), proof.z), ciphertext.alpha, share, joint_key, **ok)
    assert not verify_decryption(proof, ciphertext.alpha, share, joint_key, fingerprint=b"\x00" * 32)


def test_decryption_proof_of_the_identity(election_secret, joint_key, fingerprint):
    identity = Point.IDENTITY
    share, proof = prove_decryption(election_secret, identity, fingerprint=fingerprint)
    assert share.is_identity()
    assert verify_decryption(proof, identity, share, joint_key, fingerprint=fingerprint)
