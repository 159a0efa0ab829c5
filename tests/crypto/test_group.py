import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl import bindings

from ovote.crypto.errors import DecodeError
from ovote.crypto.group import (
    BASE,
    IDENTITY,
    L,
    Point,
    Scalar,
    base_mul,
    small_multiple,
    sum_points,
)

from .hostile_points import NON_CANONICAL_POINTS, SMALL_ORDER_POINTS, mixed_order_point

scalars = st.integers(min_value=0, max_value=L - 1).map(Scalar.from_int)


def test_small_order_constants_have_small_order():
    for text in SMALL_ORDER_POINTS:
        p = bytes.fromhex(text)
        acc = p
        for _ in range(7):
            acc = bindings.crypto_core_ed25519_add(acc, p)
        assert acc == IDENTITY.to_bytes(), text


@pytest.mark.parametrize(
    "text,code",
    [(h, "bad_point") for h in SMALL_ORDER_POINTS]
    + [(h, "bad_point") for h in NON_CANONICAL_POINTS]
    + [
        (mixed_order_point(), "bad_point"),
        (BASE.hex()[:-2], "bad_encoding"),
        (BASE.hex() + "aa", "bad_encoding"),
        (BASE.hex()[:-3] + "g66", "bad_encoding"),
        (base_mul(Scalar.from_int(2)).hex().upper(), "bad_encoding"),
        ("", "bad_encoding"),
        (None, "bad_encoding"),
    ],
)
def test_hostile_points_rejected(text, code):
    with pytest.raises(DecodeError) as info:
        Point.from_hex(text)
    assert info.value.code == code


def test_identity_accepted_only_when_allowed():
    assert Point.from_hex(SMALL_ORDER_POINTS[0], allow_identity=True) == IDENTITY
    with pytest.raises(DecodeError):
        Point.from_hex(SMALL_ORDER_POINTS[1], allow_identity=True)


@pytest.mark.parametrize(
    "text,code",
    [
        ((L).to_bytes(32, "little").hex(), "bad_scalar"),
        ((L + 1).to_bytes(32, "little").hex(), "bad_scalar"),
        ("ff" * 32, "bad_scalar"),
        ("00" * 31, "bad_encoding"),
        ("00" * 33, "bad_encoding"),
        ("zz" * 32, "bad_encoding"),
        ("AB" * 32, "bad_encoding"),
    ],
    ids=["l", "l+1", "max", "short", "long", "non-hex", "uppercase"],
)
def test_hostile_scalars_rejected(text, code):
    with pytest.raises(DecodeError) as info:
        Scalar.from_hex(text)
    assert info.value.code == code


def test_base_point_decodes():
    assert Point.from_hex(BASE.hex()) == BASE
    assert small_multiple(1) == BASE


def test_identity_arithmetic_never_fails():
    zero = Scalar.from_int(0)
    assert base_mul(zero) == IDENTITY
    assert zero * BASE == IDENTITY
    assert Scalar.from_int(5) * IDENTITY == IDENTITY
    p = base_mul(Scalar.from_int(3))
    assert p - p == IDENTITY
    assert p + IDENTITY == p
    assert (p + -p).is_identity()
    assert Scalar.from_int(L - 3) * BASE + p == IDENTITY
    assert sum_points([]) == IDENTITY


@settings(max_examples=40, deadline=None)
@given(scalars, scalars)
def test_scalar_mult_distributes(a, b):
    assert base_mul(a + b) == base_mul(a) + base_mul(b)
    assert base_mul(a * b) == a * base_mul(b)
    assert (a * BASE) == base_mul(a)


@settings(max_examples=40, deadline=None)
@given(scalars)
def test_point_and_scalar_round_trip(a):
    assert Scalar.from_hex(a.hex()) == a
    p = base_mul(a)
    assert Point.from_hex(p.hex(), allow_identity=True) == p
    if not a.is_zero():
        assert a.inverse() * a == Scalar.from_int(1)
        assert Point.from_hex(p.hex()) == p
