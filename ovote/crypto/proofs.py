"""Non-interactive zero-knowledge proofs (DESIGN.md §3.2, §3.4).

* `challenge(tag, *parts)`: the Fiat-Shamir hash
  ``reduce_l(SHA-512(tag || 0x00 || len(p1) || p1 || ...))`` with 4-byte
  big-endian lengths; points and scalars as their 32-byte encodings,
  `str` as UTF-8, `int` as 4-byte big-endian, `bytes` as they are.
* Schnorr proof of knowledge of `a` with `A = a·B`, wire ``{"c","z"}``.
* Disjunctive (CDS) range proof that `(alpha, beta)` encrypts one of a
  list of values, wire ``{"c": [...], "z": [...]}``. Selections use
  `SELECTION_TAG` with values [0, 1] and the option position as index;
  contest sums use `CONTEST_TAG`, values [min..max], index `CONTEST_INDEX`.
* Chaum-Pedersen decryption-share proof that `log_B(S) = log_alpha(D)`,
  wire ``{"c","z"}``.

Choices where §3.4 leaves room: a selection's `index` is its option's
0-based position in the contest; `fingerprint` and `voting_key` are
hashed as their 32 raw bytes and `contest_id` as UTF-8; the lists
``c``/``z`` and the pairs ``a_j, b_j`` follow the values in increasing
order ([0, 1], or min..max).

Verifiers take already decoded points and scalars (so that a ballot's
encodings are all checked before any proof, as §3.8 orders) and return a
bool; `from_dict` decoders raise `DecodeError`.
"""

import hashlib
from dataclasses import dataclass

from ovote.crypto.elgamal import Ciphertext
from ovote.crypto.errors import DecodeError
from ovote.crypto.group import Point, Scalar, base_mul, small_multiple

SCHNORR_TAG = "ovote/v1/schnorr"
SELECTION_TAG = "ovote/v1/selection"
CONTEST_TAG = "ovote/v1/contest"
DECRYPT_TAG = "ovote/v1/decrypt"
#: Index hashed into a contest sum proof (no option has this position).
CONTEST_INDEX = 0xFFFFFFFF
#: Values a selection may encrypt.
SELECTION_VALUES = (0, 1)


def encode_part(part) -> bytes:
    """Bytes of one hash input, before its length prefix (see module doc)."""
    if isinstance(part, (Point, Scalar)):
        return part.to_bytes()
    if isinstance(part, bytes):
        return part
    if isinstance(part, str):
        return part.encode("utf-8")
    if isinstance(part, int) and not isinstance(part, bool):
        return part.to_bytes(4, "big")  # OverflowError outside [0, 2**32)
    raise TypeError(f"cannot hash {type(part).__name__}")


def frame(*parts) -> bytes:
    """Length-prefixed concatenation: ``len(p1) || p1 || len(p2) || p2 ...``."""
    out = bytearray()
    for part in parts:
        raw = encode_part(part)
        out += len(raw).to_bytes(4, "big")
        out += raw
    return bytes(out)


def challenge(tag: str, *parts) -> Scalar:
    """`H(tag, parts...)` of §3.2, a scalar modulo l."""
    digest = hashlib.sha512(tag.encode("ascii") + b"\x00" + frame(*parts)).digest()
    return Scalar.reduce(digest)


def _scalars_from_hex(values, what: str) -> tuple[Scalar, ...]:
    if not isinstance(values, list):
        raise DecodeError(f"{what}: expected a list")
    return tuple(Scalar.from_hex(v) for v in values)


@dataclass(frozen=True, slots=True)
class SimpleProof:
    """A `{"c","z"}` proof: Schnorr or Chaum-Pedersen."""

    c: Scalar
    z: Scalar

    def to_dict(self) -> dict:
        return {"c": self.c.hex(), "z": self.z.hex()}

    @classmethod
    def from_dict(cls, data) -> "SimpleProof":
        """Decode ``{"c","z"}``; raises `DecodeError` (bad_encoding/bad_scalar)."""
        if not isinstance(data, dict) or set(data) != {"c", "z"}:
            raise DecodeError('proof: expected {"c","z"}')
        return cls(Scalar.from_hex(data["c"]), Scalar.from_hex(data["z"]))


@dataclass(frozen=True, slots=True)
class RangeProof:
    """A disjunctive proof: one challenge and one response per value."""

    c: tuple[Scalar, ...]
    z: tuple[Scalar, ...]

    def to_dict(self) -> dict:
        return {"c": [c.hex() for c in self.c], "z": [z.hex() for z in self.z]}

    @classmethod
    def from_dict(cls, data) -> "RangeProof":
        """Decode ``{"c":[..],"z":[..]}``; raises `DecodeError`."""
        if not isinstance(data, dict) or set(data) != {"c", "z"}:
            raise DecodeError('proof: expected {"c":[...],"z":[...]}')
        c = _scalars_from_hex(data["c"], "proof.c")
        z = _scalars_from_hex(data["z"], "proof.z")
        if len(c) != len(z):
            raise DecodeError("proof: c and z differ in length")
        return cls(c, z)


# --- Schnorr ---------------------------------------------------------------


def prove_schnorr(secret: Scalar, context: bytes, public: Point | None = None):
    """Prove knowledge of `secret` for `public = secret·B`, bound to `context`."""
    if public is None:
        public = base_mul(secret)
    t = Scalar.random()
    c = challenge(SCHNORR_TAG, context, public, base_mul(t))
    return SimpleProof(c, t + c * secret)


def verify_schnorr(proof: SimpleProof, public: Point, context: bytes) -> bool:
    """Check `c == H(schnorr, context, A, z·B − c·A)`."""
    commitment = base_mul(proof.z) - proof.c * public
    return challenge(SCHNORR_TAG, context, public, commitment) == proof.c


# --- Disjunctive range proofs ----------------------------------------------


def _range_commitments(proof, ciphertext, joint_key, values):
    # a_j = z_j·B − c_j·alpha ; b_j = z_j·K − c_j·(beta − v_j·B).
    # v_j·B comes from a cache, and v_j = 0 skips the subtraction.
    alpha, beta = ciphertext.alpha, ciphertext.beta
    parts = []
    for c_j, z_j, v_j in zip(proof.c, proof.z, values):
        shifted = beta - small_multiple(v_j) if v_j else beta
        parts.append(base_mul(z_j) - c_j * alpha)
        parts.append(z_j * joint_key - c_j * shifted)
    return parts


def prove_range(
    ciphertext: Ciphertext,
    nonce: Scalar,
    value: int,
    values,
    joint_key: Point,
    *,
    tag: str,
    fingerprint: bytes,
    voting_key: bytes,
    contest_id: str,
    index: int,
) -> RangeProof:
    """Prove that `ciphertext = Enc(value; nonce)` with `value` in `values`.

    The real branch is the position of `value`; every other branch is
    simulated with random `(c_j, z_j)`. The challenge binds `tag`,
    `fingerprint`, `voting_key`, `contest_id` and `index`.
    """
    values = tuple(values)
    real = values.index(value)  # ValueError if the statement is false
    alpha, beta = ciphertext.alpha, ciphertext.beta
    c, z, parts = [], [], []
    t = Scalar.random()
    for j, v_j in enumerate(values):
        if j == real:
            c.append(None)
            z.append(None)
            parts += [base_mul(t), t * joint_key]
        else:
            c_j, z_j = Scalar.random(), Scalar.random()
            c.append(c_j)
            z.append(z_j)
            # Always subtract v_j·B (the identity for 0), unlike the
            # verifier: the work done must not depend on the secret vote.
            shifted = beta - small_multiple(v_j)
            parts += [base_mul(z_j) - c_j * alpha, z_j * joint_key - c_j * shifted]
    total = challenge(
        tag, fingerprint, voting_key, contest_id, index, alpha, beta, *parts
    )
    c_real = total
    for j, c_j in enumerate(c):
        if j != real:
            c_real = c_real - c_j
    c[real] = c_real
    z[real] = t + c_real * nonce
    return RangeProof(tuple(c), tuple(z))


def verify_range(
    proof: RangeProof,
    ciphertext: Ciphertext,
    values,
    joint_key: Point,
    *,
    tag: str,
    fingerprint: bytes,
    voting_key: bytes,
    contest_id: str,
    index: int,
) -> bool:
    """Check a disjunctive proof: `sum(c_j) == H(tag, ..., a_j, b_j, ...)`.

    Inputs are decoded and trusted (see module doc). Returns False on a
    length mismatch between the proof and `values`.
    """
    values = tuple(values)
    if not values or len(proof.c) != len(values) or len(proof.z) != len(values):
        return False
    parts = _range_commitments(proof, ciphertext, joint_key, values)
    expected = challenge(
        tag,
        fingerprint,
        voting_key,
        contest_id,
        index,
        ciphertext.alpha,
        ciphertext.beta,
        *parts,
    )
    total = proof.c[0]
    for c_j in proof.c[1:]:
        total = total + c_j
    return total == expected


# --- Decryption shares (Chaum-Pedersen) -------------------------------------


def prove_decryption(
    secret_share: Scalar,
    alpha: Point,
    *,
    fingerprint: bytes,
    verification_key: Point | None = None,
):
    """Return `(D, proof)` with `D = s·alpha` and a proof that
    `log_B(S) = log_alpha(D)` where `S = s·B` is the verification key."""
    if verification_key is None:
        verification_key = base_mul(secret_share)
    share = secret_share * alpha
    t = Scalar.random()
    c = challenge(
        DECRYPT_TAG,
        fingerprint,
        verification_key,
        alpha,
        share,
        base_mul(t),
        t * alpha,
    )
    return share, SimpleProof(c, t + c * secret_share)


def verify_decryption(
    proof: SimpleProof,
    alpha: Point,
    share: Point,
    verification_key: Point,
    *,
    fingerprint: bytes,
) -> bool:
    """Check `c == H(decrypt, fp, S, alpha, D, z·B − c·S, z·alpha − c·D)`."""
    u = base_mul(proof.z) - proof.c * verification_key
    v = proof.z * alpha - proof.c * share
    expected = challenge(
        DECRYPT_TAG, fingerprint, verification_key, alpha, share, u, v
    )
    return expected == proof.c


__all__ = [
    "CONTEST_INDEX",
    "CONTEST_TAG",
    "DECRYPT_TAG",
    "SCHNORR_TAG",
    "SELECTION_TAG",
    "SELECTION_VALUES",
    "RangeProof",
    "SimpleProof",
    "challenge",
    "encode_part",
    "frame",
    "prove_decryption",
    "prove_range",
    "prove_schnorr",
    "verify_decryption",
    "verify_range",
    "verify_schnorr",
]
