"""Hostile point encodings shared by the group and ballot tests."""

from nacl import bindings

from ovote.crypto.group import Scalar, base_mul

#: The eight points of small order on edwards25519, canonically encoded.
SMALL_ORDER_POINTS = [
    "0100000000000000000000000000000000000000000000000000000000000000",  # 1
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # 2
    "0000000000000000000000000000000000000000000000000000000000000000",  # 4
    "0000000000000000000000000000000000000000000000000000000000000080",  # 4
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",  # 8
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",  # 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",  # 8
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",  # 8
]

#: Encodings with y >= p, or x = 0 with the sign bit set.
NON_CANONICAL_POINTS = [
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = p+1
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # y = 2^255-1
    "0100000000000000000000000000000000000000000000000000000000000080",  # -0
]


def mixed_order_point() -> str:
    """A valid point plus a point of order 8: on the curve, outside the subgroup."""
    torsion = bytes.fromhex(SMALL_ORDER_POINTS[4])
    valid = base_mul(Scalar.from_int(7)).to_bytes()
    return bindings.crypto_core_ed25519_add(valid, torsion).hex()
