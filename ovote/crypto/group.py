"""The prime-order subgroup of edwards25519, over libsodium (DESIGN.md §3.1).

`Point` and `Scalar` are immutable wrappers around 32-byte encodings:

* A `Point` built by this module (from libsodium results) is trusted and
  is never re-validated. Points from outside enter only through
  `Point.from_bytes` / `Point.from_hex`, which run
  `crypto_core_ed25519_is_valid_point` once: canonical, on the curve, in
  the prime-order subgroup, not of small order.
* The identity is represented explicitly by its canonical encoding
  (``01 00..00``). libsodium's scalar multiplications refuse it as input
  and fail when the product is the identity, so `Point.__rmul__` never
  hands them the identity or a zero scalar; in the prime-order subgroup a
  non-zero scalar times a non-identity point is never the identity, so
  those calls cannot fail. libsodium's add/sub accept and return it.
* A `Scalar` is always canonical (< l). Wire decoding rejects l and above
  instead of reducing, so every scalar has exactly one encoding.

Arithmetic on scalars uses libsodium's constant-time scalar functions, as
secret nonces, randomness and key shares go through them.
"""

import functools
import hmac
import os

from nacl import bindings as _na

from ovote.crypto.canonical import hex_decode
from ovote.crypto.errors import DecodeError

#: Order of the prime-order subgroup.
L = 2**252 + 27742317777372353535851937790883648493

_ZERO = bytes(32)
_IDENTITY = b"\x01" + bytes(31)
_BASE = bytes.fromhex(
    "5866666666666666666666666666666666666666666666666666666666666666"
)

# Bound once: attribute look-ups on the module are measurable on hot paths.
_add = _na.crypto_core_ed25519_add
_sub = _na.crypto_core_ed25519_sub
_mul = _na.crypto_scalarmult_ed25519_noclamp
_mul_base = _na.crypto_scalarmult_ed25519_base_noclamp
_is_valid = _na.crypto_core_ed25519_is_valid_point
_s_add = _na.crypto_core_ed25519_scalar_add
_s_sub = _na.crypto_core_ed25519_scalar_sub
_s_mul = _na.crypto_core_ed25519_scalar_mul
_s_neg = _na.crypto_core_ed25519_scalar_negate
_s_inv = _na.crypto_core_ed25519_scalar_invert
_s_reduce = _na.crypto_core_ed25519_scalar_reduce


class Scalar:
    """An integer modulo l, stored as its canonical 32-byte little-endian form."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes):
        # Internal constructor: `raw` must already be canonical.
        self._raw = raw

    @classmethod
    def from_int(cls, value: int) -> "Scalar":
        """`value mod l` (any Python int, negative included)."""
        return cls((value % L).to_bytes(32, "little"))

    @classmethod
    def from_bytes(cls, raw) -> "Scalar":
        """Decode 32 bytes from outside.

        Raises `DecodeError` with code ``bad_encoding`` (not 32 bytes) or
        ``bad_scalar`` (value >= l; never reduced).
        """
        if not isinstance(raw, bytes) or len(raw) != 32:
            raise DecodeError("scalar: expected 32 bytes")
        if int.from_bytes(raw, "little") >= L:
            raise DecodeError("scalar: not below the group order", code="bad_scalar")
        return cls(raw)

    @classmethod
    def from_hex(cls, text) -> "Scalar":
        """Decode 64 lowercase hex digits from outside (see `from_bytes`)."""
        return cls.from_bytes(hex_decode(text, 32, what="scalar"))

    @classmethod
    def reduce(cls, wide: bytes) -> "Scalar":
        """Reduce a 64-byte string modulo l (`crypto_core_ed25519_scalar_reduce`)."""
        return cls(_s_reduce(wide))

    @classmethod
    def random(cls) -> "Scalar":
        """Uniform in [1, l); 64 random bytes make the modular bias negligible."""
        while True:
            raw = _s_reduce(os.urandom(64))
            if raw != _ZERO:
                return cls(raw)

    def to_bytes(self) -> bytes:
        return self._raw

    def hex(self) -> str:
        return self._raw.hex()

    def __int__(self) -> int:
        return int.from_bytes(self._raw, "little")

    def is_zero(self) -> bool:
        return self._raw == _ZERO

    def __add__(self, other: "Scalar") -> "Scalar":
        return Scalar(_s_add(self._raw, other._raw))

    def __sub__(self, other: "Scalar") -> "Scalar":
        return Scalar(_s_sub(self._raw, other._raw))

    def __neg__(self) -> "Scalar":
        return Scalar(_s_neg(self._raw))

    def __mul__(self, other):
        if isinstance(other, Scalar):
            return Scalar(_s_mul(self._raw, other._raw))
        if isinstance(other, Point):
            return other.__rmul__(self)
        return NotImplemented

    def inverse(self) -> "Scalar":
        """Multiplicative inverse; raises ValueError for zero."""
        if self._raw == _ZERO:
            raise ValueError("zero has no inverse")
        return Scalar(_s_inv(self._raw))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Scalar):
            return NotImplemented
        return hmac.compare_digest(self._raw, other._raw)

    def __hash__(self) -> int:
        return hash((Scalar, self._raw))

    def __repr__(self) -> str:
        return f"Scalar({self._raw.hex()})"


class Point:
    """An element of the prime-order subgroup (identity included)."""

    __slots__ = ("_raw",)

    #: The identity element (neutral, 0·B).
    IDENTITY: "Point"
    #: The standard base point B.
    BASE: "Point"

    def __init__(self, raw: bytes):
        # Internal constructor: `raw` must come from libsodium or validation.
        self._raw = raw

    @classmethod
    def from_bytes(cls, raw, *, allow_identity: bool = False) -> "Point":
        """Decode and validate 32 bytes from outside.

        Raises `DecodeError` with code ``bad_encoding`` (not 32 bytes) or
        ``bad_point`` (non-canonical, not on the curve, outside the
        prime-order subgroup, or of small order). The identity, which is of
        small order, is accepted only when `allow_identity` is set: an
        aggregate of nothing or a decrypted zero may legitimately be it.
        """
        if not isinstance(raw, bytes) or len(raw) != 32:
            raise DecodeError("point: expected 32 bytes")
        if raw == _IDENTITY and allow_identity:
            return IDENTITY
        if not _is_valid(raw):
            raise DecodeError("point: not a valid group element", code="bad_point")
        return cls(raw)

    @classmethod
    def from_hex(cls, text, *, allow_identity: bool = False) -> "Point":
        """Decode 64 lowercase hex digits from outside (see `from_bytes`)."""
        return cls.from_bytes(
            hex_decode(text, 32, what="point"), allow_identity=allow_identity
        )

    def to_bytes(self) -> bytes:
        return self._raw

    def hex(self) -> str:
        return self._raw.hex()

    def is_identity(self) -> bool:
        return self._raw == _IDENTITY

    def __add__(self, other: "Point") -> "Point":
        return Point(_add(self._raw, other._raw))

    def __sub__(self, other: "Point") -> "Point":
        return Point(_sub(self._raw, other._raw))

    def __neg__(self) -> "Point":
        return Point(_sub(_IDENTITY, self._raw))

    def __rmul__(self, scalar: Scalar) -> "Point":
        if not isinstance(scalar, Scalar):
            return NotImplemented
        s, p = scalar._raw, self._raw
        if s == _ZERO or p == _IDENTITY:
            return IDENTITY
        if p == _BASE:
            return Point(_mul_base(s))
        return Point(_mul(s, p))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return self._raw == other._raw

    def __hash__(self) -> int:
        return hash((Point, self._raw))

    def __repr__(self) -> str:
        return f"Point({self._raw.hex()})"


IDENTITY = Point(_IDENTITY)
BASE = Point(_BASE)
Point.IDENTITY = IDENTITY
Point.BASE = BASE


def base_mul(scalar: Scalar) -> Point:
    """`scalar·B` (the identity for zero)."""
    if scalar._raw == _ZERO:
        return IDENTITY
    return Point(_mul_base(scalar._raw))


@functools.lru_cache(maxsize=4096)
def small_multiple(value: int) -> Point:
    """`value·B` for a small public integer, cached: proofs subtract
    `v·B` for the same few `v` millions of times."""
    return base_mul(Scalar.from_int(value))


def sum_points(points) -> Point:
    """Sum of an iterable of points (the identity when empty)."""
    total = _IDENTITY
    for point in points:
        total = _add(total, point._raw)
    return Point(total)
