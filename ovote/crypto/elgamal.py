"""Exponential ElGamal over the group of `ovote.crypto.group` (DESIGN.md §3.3).

`Enc(m; r) = (alpha, beta) = (r·B, m·B + r·K)` with `r` uniform in [1, l).
Ciphertexts add component-wise, so the sum of many ballots' selections
encrypts the number of votes. Decryption yields `m·B`; `decode_small`
recovers `m` by baby-step giant-step under a known bound.

Wire form of a ciphertext: ``{"alpha": <point hex>, "beta": <point hex>}``.
"""

import math
import threading
from dataclasses import dataclass

from ovote.crypto.errors import DecodeError
from ovote.crypto.group import IDENTITY, Point, Scalar, base_mul, small_multiple


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An ElGamal pair; `alpha = r·B`, `beta = m·B + r·K`."""

    alpha: Point
    beta: Point

    def __add__(self, other: "Ciphertext") -> "Ciphertext":
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def to_dict(self) -> dict:
        return {"alpha": self.alpha.hex(), "beta": self.beta.hex()}

    @classmethod
    def from_dict(cls, data, *, allow_identity: bool = False) -> "Ciphertext":
        """Decode ``{"alpha","beta"}``; every point is validated.

        `allow_identity` is for aggregates (a sum over no ballots is the
        identity pair); a single ballot's selection never is.
        Raises `DecodeError` (bad_encoding / bad_point).
        """
        if not isinstance(data, dict) or not {"alpha", "beta"} <= data.keys():
            raise DecodeError('ciphertext: expected {"alpha","beta"}')
        return cls(
            Point.from_hex(data["alpha"], allow_identity=allow_identity),
            Point.from_hex(data["beta"], allow_identity=allow_identity),
        )


#: Encryption of zero with zero randomness: the neutral element for sums.
ZERO_CIPHERTEXT = Ciphertext(IDENTITY, IDENTITY)


def encrypt(joint_key: Point, message: int, nonce: Scalar | None = None):
    """Encrypt the small non-negative integer `message` under `joint_key`.

    Returns `(ciphertext, nonce)`; the nonce is what range proofs need.
    A fresh uniform nonce in [1, l) is drawn unless one is given.
    """
    if message < 0:
        raise ValueError("messages are non-negative counts")
    r = nonce if nonce is not None else Scalar.random()
    return Ciphertext(base_mul(r), small_multiple(message) + r * joint_key), r


def add_all(ciphertexts) -> Ciphertext:
    """Homomorphic sum of an iterable of ciphertexts (identity pair if empty)."""
    total = ZERO_CIPHERTEXT
    for ciphertext in ciphertexts:
        total = total + ciphertext
    return total


def decrypt_to_point(secret: Scalar, ciphertext: Ciphertext) -> Point:
    """`beta − x·alpha` = `m·B` for the holder of the whole secret key `x`
    (tests and single-trustee elections; see `threshold` otherwise)."""
    return ciphertext.beta - secret * ciphertext.alpha


class _BabySteps:
    """Table `j·B -> j` for `j` in [0, width) and the giant step `width·B`."""

    def __init__(self, width: int):
        self.width = width
        table = {}
        point = IDENTITY
        base = small_multiple(1)
        for j in range(width):
            table[point.to_bytes()] = j
            point = point + base
        self.table = table
        self.giant = point  # width·B


_tables: dict[int, _BabySteps] = {}
_tables_lock = threading.Lock()


def _baby_steps(bound: int) -> _BabySteps:
    width = math.isqrt(bound) + 1
    table = _tables.get(width)
    if table is None:
        # Built under a lock so concurrent first decodes share one build.
        with _tables_lock:
            table = _tables.get(width)
            if table is None:
                table = _tables[width] = _BabySteps(width)
    return table


def decode_small(point: Point, bound: int) -> int:
    """Find `m` in [0, bound] with `m·B == point`.

    Baby-step giant-step: about `sqrt(bound)` point subtractions after a
    table of `sqrt(bound)` entries, built once per bound and cached.
    Raises ValueError if no such `m` exists (a wrong decryption or a
    bound too small).
    """
    if bound < 0:
        raise ValueError("bound must be non-negative")
    steps = _baby_steps(bound)
    table, width, giant = steps.table, steps.width, steps.giant
    current = point
    for i in range(bound // width + 1):
        j = table.get(current.to_bytes())
        if j is not None:
            m = i * width + j
            if m <= bound:
                return m
            break
        current = current - giant
    raise ValueError(f"plaintext is not in [0, {bound}]")
