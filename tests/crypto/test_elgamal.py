import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovote.crypto.elgamal import (
    ZERO_CIPHERTEXT,
    Ciphertext,
    add_all,
    decode_small,
    decrypt_to_point,
    encrypt,
)
from ovote.crypto.errors import DecodeError
from ovote.crypto.group import IDENTITY, Scalar, base_mul, small_multiple


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=1000))
def test_encrypt_decrypt_round_trip(election_secret, joint_key, m):
    ciphertext, nonce = encrypt(joint_key, m)
    assert ciphertext.alpha == base_mul(nonce)
    assert decode_small(decrypt_to_point(election_secret, ciphertext), 1000) == m


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=3), max_size=8))
def test_homomorphic_sum(election_secret, joint_key, messages):
    total = add_all(encrypt(joint_key, m)[0] for m in messages)
    point = decrypt_to_point(election_secret, total)
    assert decode_small(point, 3 * len(messages)) == sum(messages)


def test_sum_that_cancels_is_the_identity(joint_key):
    ciphertext, nonce = encrypt(joint_key, 0)
    negated = Ciphertext(-ciphertext.alpha, -ciphertext.beta)
    assert ciphertext + negated == ZERO_CIPHERTEXT
    assert decode_small(IDENTITY, 0) == 0
    zero, _ = encrypt(joint_key, 0, Scalar.from_int(1))
    assert zero.beta == joint_key


def test_wire_round_trip(joint_key):
    ciphertext, _ = encrypt(joint_key, 1)
    assert Ciphertext.from_dict(ciphertext.to_dict()) == ciphertext
    assert Ciphertext.from_dict(ZERO_CIPHERTEXT.to_dict(), allow_identity=True) == ZERO_CIPHERTEXT


@pytest.mark.parametrize("data", [
    None, {}, {"alpha": "00" * 32}, {"beta": "00" * 32, "gamma": "00" * 32},
    {"alpha": "00" * 32, "other": "00" * 32},
])
def test_malformed_ciphertext_is_a_decode_error(data):
    with pytest.raises(DecodeError):
        Ciphertext.from_dict(data)


def test_decode_outside_bound_fails():
    with pytest.raises(ValueError):
        decode_small(small_multiple(11), 10)


def test_ten_million_bound_decodes_fast_after_table_build():
    bound = 10_000_000
    decode_small(IDENTITY, bound)  # builds the cached table
    for m in (0, 1, bound // 2, bound - 1, bound):
        point = base_mul(Scalar.from_int(m))
        start = time.perf_counter()
        assert decode_small(point, bound) == m
        assert time.perf_counter() - start < 1.0
