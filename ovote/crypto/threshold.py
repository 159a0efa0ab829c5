"""k-of-n key ceremony and threshold decryption (DESIGN.md §3.5).

Trustees are numbered 1..n; any k of them can decrypt, fewer learn
nothing. The flow, run by `ovote trustee` on files:

1. `deal(election_id, i, k)` -> secret `Polynomial` f_i and public
   `TrusteeCommitment` (A_i,t = a_i,t·B with Schnorr proofs whose context
   is `ceremony_context(election_id, i, t)`).
2. `f_i.evaluate(j)` is sent to trustee j encrypted
   (`ovote.crypto.share_encryption`).
3. Trustee j runs `combine_received_shares`, which checks every commitment
   and every share, and raises `CeremonyError` carrying a `Complaint`
   against the sender; otherwise it returns s_j. A complaint is settled
   from public data by `ovote.crypto.complaints` (the accused publishes
   the disputed share), so a false accusation cannot stop the ceremony.
4. Anyone computes `joint_key` K and `verification_key` S_j from the
   commitments alone.
5. Any k trustees publish `partial_decrypt(...)`; `combine` gives
   `M = beta − sum lambda_j·D_j` = m·B.

Plain-data (JSON) forms:

* commitment: ``{"election": str, "trustee": int,
  "commitments": [point hex, k of them], "proofs": [{"c","z"}, k of them]}``
* complaint: ``{"election": str, "accuser": int, "accused": int,
  "reason": "bad_commitment" | "bad_share" | "undecryptable"}``
* partial decryption: ``{"trustee": int, "share": point hex (D_j),
  "proof": {"c","z"}}``
* polynomial (secret, for the trustee's key file only):
  ``{"coefficients": [scalar hex, ...]}``
"""

from dataclasses import dataclass
from typing import Iterable, Mapping

from ovote.crypto.elgamal import Ciphertext
from ovote.crypto.errors import CeremonyError, DecodeError
from ovote.crypto.group import IDENTITY, Point, Scalar, base_mul, sum_points
from ovote.crypto.proofs import (
    SimpleProof,
    frame,
    prove_decryption,
    prove_schnorr,
    verify_decryption,
    verify_schnorr,
)

MAX_TRUSTEES = 2**16
COMPLAINT_REASONS = ("bad_commitment", "bad_share", "undecryptable")


def _check_index(trustee, what: str = "trustee") -> int:
    if isinstance(trustee, bool) or not isinstance(trustee, int):
        raise DecodeError(f"{what}: expected an integer index")
    if not 1 <= trustee <= MAX_TRUSTEES:
        raise DecodeError(f"{what}: index {trustee} out of range")
    return trustee


def ceremony_context(election_id: str, trustee: int, coefficient: int) -> bytes:
    """Schnorr context of commitment A_i,t: ``frame(election_id, i, t)``.

    §3.5's "context: election id, i, t" is this one byte string (the
    election id UTF-8, i and t 4-byte big-endian, each length-prefixed),
    which the Schnorr challenge then hashes as a single part:
    ``H("ovote/v1/schnorr", context, A, T)``.
    """
    return frame(election_id, trustee, coefficient)


@dataclass(frozen=True)
class Polynomial:
    """f(x) = a_0 + a_1·x + ... + a_{k-1}·x^{k-1}; secret to its trustee."""

    coefficients: tuple[Scalar, ...]

    @classmethod
    def random(cls, threshold: int) -> "Polynomial":
        """Uniform coefficients (a_0 included) for a k-of-n ceremony."""
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        return cls(tuple(Scalar.random() for _ in range(threshold)))

    def evaluate(self, x: int) -> Scalar:
        """f(x) mod l, by Horner's rule with constant-time scalar ops."""
        point = Scalar.from_int(x)
        result = Scalar.from_int(0)
        for coefficient in reversed(self.coefficients):
            result = result * point + coefficient
        return result

    def to_dict(self) -> dict:
        return {"coefficients": [c.hex() for c in self.coefficients]}

    @classmethod
    def from_dict(cls, data) -> "Polynomial":
        return cls(tuple(Scalar.from_hex(c) for c in data["coefficients"]))


@dataclass(frozen=True)
class TrusteeCommitment:
    """Trustee i's public commitments A_i,0..A_i,k-1 and their proofs."""

    election_id: str
    trustee: int
    commitments: tuple[Point, ...]
    proofs: tuple[SimpleProof, ...]

    def to_dict(self) -> dict:
        return {
            "election": self.election_id,
            "trustee": self.trustee,
            "commitments": [a.hex() for a in self.commitments],
            "proofs": [p.to_dict() for p in self.proofs],
        }

    @classmethod
    def from_dict(cls, data) -> "TrusteeCommitment":
        """Decode; points are validated, proofs are not (see `verify`)."""
        if not isinstance(data, dict) or not isinstance(data.get("election"), str):
            raise DecodeError("commitment: malformed")
        commitments, proofs = data.get("commitments"), data.get("proofs")
        if not isinstance(commitments, list) or not isinstance(proofs, list):
            raise DecodeError("commitment: malformed")
        return cls(
            data["election"],
            _check_index(data.get("trustee")),
            tuple(Point.from_hex(a) for a in commitments),
            tuple(SimpleProof.from_dict(p) for p in proofs),
        )

    def verify(self, election_id: str, threshold: int) -> bool:
        """True iff it is for `election_id`, has exactly k commitments, and
        every Schnorr proof holds under its (election, i, t) context."""
        if self.election_id != election_id:
            return False
        if len(self.commitments) != threshold or len(self.proofs) != threshold:
            return False
        return all(
            verify_schnorr(proof, a, ceremony_context(election_id, self.trustee, t))
            for t, (a, proof) in enumerate(zip(self.commitments, self.proofs))
        )

    def value_at(self, j: int) -> Point:
        """`sum_t j^t·A_i,t` = f_i(j)·B, by Horner's rule on points."""
        x = Scalar.from_int(j)
        result = IDENTITY
        for a in reversed(self.commitments):
            result = x * result + a
        return result


def deal(election_id: str, trustee: int, threshold: int, polynomial=None):
    """Step 1 for trustee i: return `(polynomial, commitment)`."""
    _check_index(trustee)
    if polynomial is None:
        polynomial = Polynomial.random(threshold)
    commitments, proofs = [], []
    for t, a in enumerate(polynomial.coefficients):
        public = base_mul(a)
        commitments.append(public)
        proofs.append(
            prove_schnorr(a, ceremony_context(election_id, trustee, t), public)
        )
    return polynomial, TrusteeCommitment(
        election_id, trustee, tuple(commitments), tuple(proofs)
    )


@dataclass(frozen=True)
class Complaint:
    """Trustee `accuser` says trustee `accused` misbehaved."""

    election_id: str
    accuser: int
    accused: int
    reason: str

    def to_dict(self) -> dict:
        return {
            "election": self.election_id,
            "accuser": self.accuser,
            "accused": self.accused,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data) -> "Complaint":
        """Decode; raises `DecodeError` for anything malformed."""
        if (
            not isinstance(data, dict)
            or set(data) != {"election", "accuser", "accused", "reason"}
            or not isinstance(data["election"], str)
            or data["reason"] not in COMPLAINT_REASONS
        ):
            raise DecodeError("complaint: malformed")
        return cls(
            data["election"],
            _check_index(data["accuser"], "accuser"),
            _check_index(data["accused"], "accused"),
            data["reason"],
        )


def check_share(commitment: TrusteeCommitment, recipient: int, share: Scalar) -> bool:
    """Step 3: `f_i(j)·B == sum_t j^t·A_i,t`."""
    return base_mul(share) == commitment.value_at(recipient)


def combine_received_shares(
    election_id: str,
    recipient: int,
    threshold: int,
    commitments: Mapping[int, TrusteeCommitment],
    shares: Mapping[int, Scalar],
) -> Scalar:
    """Step 3-4 for trustee j: check everything, return s_j = sum_i f_i(j).

    `commitments` and `shares` are keyed by sender index and must cover
    the same trustees (j's own f_j(j) included). Raises `CeremonyError`
    whose `complaint` names the first sender (by index) with an invalid
    commitment or a share that does not match it.
    """
    if set(commitments) != set(shares):
        raise ValueError("need exactly one share per committed trustee")
    total = Scalar.from_int(0)
    for sender in sorted(commitments):
        commitment = commitments[sender]
        reason = None
        if commitment.trustee != sender or not commitment.verify(election_id, threshold):
            reason = "bad_commitment"
        elif not check_share(commitment, recipient, shares[sender]):
            reason = "bad_share"
        if reason is not None:
            complaint = Complaint(election_id, recipient, sender, reason)
            raise CeremonyError(
                f"trustee {sender}: {reason}", complaint=complaint, code=reason
            )
        total = total + shares[sender]
    return total


def joint_key(commitments: Iterable[TrusteeCommitment]) -> Point:
    """K = sum_i A_i,0."""
    return sum_points(c.commitments[0] for c in commitments)


def verification_key(commitments: Iterable[TrusteeCommitment], trustee: int) -> Point:
    """S_j = sum_i sum_t j^t·A_i,t, from public data only."""
    return sum_points(c.value_at(trustee) for c in commitments)


@dataclass(frozen=True)
class PartialDecryption:
    """D_j = s_j·alpha with its Chaum-Pedersen proof."""

    trustee: int
    share: Point
    proof: SimpleProof

    def to_dict(self) -> dict:
        return {
            "trustee": self.trustee,
            "share": self.share.hex(),
            "proof": self.proof.to_dict(),
        }

    @classmethod
    def from_dict(cls, data) -> "PartialDecryption":
        """Decode; D may be the identity (alpha is, for an empty aggregate),
        the proof decides whether it is right."""
        if not isinstance(data, dict) or set(data) != {"trustee", "share", "proof"}:
            raise DecodeError("partial decryption: malformed")
        return cls(
            _check_index(data["trustee"]),
            Point.from_hex(data["share"], allow_identity=True),
            SimpleProof.from_dict(data["proof"]),
        )


def partial_decrypt(
    fingerprint: bytes,
    trustee: int,
    secret_share: Scalar,
    alpha: Point,
    verification_key: Point | None = None,
) -> PartialDecryption:
    """Step 5 for trustee j on one ciphertext's `alpha`."""
    share, proof = prove_decryption(
        secret_share, alpha, fingerprint=fingerprint, verification_key=verification_key
    )
    return PartialDecryption(trustee, share, proof)


def verify_partial_decryption(
    fingerprint: bytes,
    partial: PartialDecryption,
    alpha: Point,
    verification_key: Point,
) -> bool:
    """Check D_j's proof against S_j (see `verification_key`)."""
    return verify_decryption(
        partial.proof, alpha, partial.share, verification_key, fingerprint=fingerprint
    )


def lagrange_at_zero(trustee: int, trustees: Iterable[int]) -> Scalar:
    """lambda_j = prod_{m != j} m / (m − j) mod l."""
    numerator, denominator = Scalar.from_int(1), Scalar.from_int(1)
    for other in trustees:
        if other != trustee:
            numerator = numerator * Scalar.from_int(other)
            denominator = denominator * Scalar.from_int(other - trustee)
    return numerator * denominator.inverse()


def combine(ciphertext: Ciphertext, partials: Iterable[PartialDecryption]) -> Point:
    """M = beta − sum_j lambda_j·D_j over the given (verified) partials.

    Interpolation is over exactly the trustees given: with fewer than k of
    them the result is meaningless, so callers check the count (see
    `decrypt`). Raises ValueError on duplicate trustees or an index outside
    1..MAX_TRUSTEES (at 0 the other shares' coefficients vanish).
    """
    partials = list(partials)
    indices = [_check_index(p.trustee) for p in partials]
    if len(set(indices)) != len(indices):
        raise ValueError("duplicate trustee among partial decryptions")
    combined = sum_points(lagrange_at_zero(p.trustee, indices) * p.share for p in partials)
    return ciphertext.beta - combined


def decrypt(
    ciphertext: Ciphertext,
    partials: Iterable[PartialDecryption],
    *,
    threshold: int,
) -> Point:
    """`combine` after checking that at least k distinct trustees took part.

    Proofs must have been checked with `verify_partial_decryption`.
    """
    partials = list(partials)
    if len({p.trustee for p in partials}) < threshold:
        raise ValueError(f"need {threshold} partial decryptions, got {len(partials)}")
    return combine(ciphertext, partials)
