"""Settling a key-ceremony complaint so that it proves who cheated (DESIGN.md §3.5, step 3).

§3.5 has the ceremony stop and name the trustee a complaint accuses. Taken
literally, that lets one dishonest trustee halt any ceremony and blame an
honest one: nothing shows the accuser is telling the truth. The sound
version is Pedersen's (and Gennaro-Jarecki-Krawczyk-Rabin's):

1. Trustee j complains about trustee i (`threshold.Complaint`).
2. Trustee i answers by publishing the disputed share f_i(j) in clear
   (`answer_complaint`). Only a complaint forces this, and it reveals
   nothing an honest j did not already hold. It answers only a complaint
   whose accuser is another trustee 1..n (the caller also makes sure the
   complaint really comes from that trustee): opened at 0, f_i gives away
   a_i,0, and opened at k indices off the roster, all of f_i.
3. Anyone judges from public data alone (`judge_complaint`): a commitment
   whose proofs fail, a missing answer, or a published share that does
   not match the commitments (f_i(j)·B != sum_t j^t·A_i,t) upholds the
   complaint and names i; a matching share dismisses it, names no one, and
   j takes the published share as f_i(j). The ceremony goes on.

Plain-data forms:
* answer: ``{"election": str, "accused": int, "accuser": int, "share": scalar hex}``
* verdict: ``{"election": str, "accuser": int, "accused": int,
  "upheld": bool, "culprit": int | null, "reason": str, "share": scalar hex | null}``
"""

from dataclasses import dataclass

from ovote.crypto.errors import DecodeError
from ovote.crypto.group import Scalar
from ovote.crypto.threshold import (
    Complaint,
    Polynomial,
    TrusteeCommitment,
    _check_index,
    check_share,
)


@dataclass(frozen=True)
class ComplaintAnswer:
    """The accused trustee's public reply: the disputed share in clear."""

    election_id: str
    accused: int
    accuser: int
    share: Scalar

    def to_dict(self) -> dict:
        return {"election": self.election_id, "accused": self.accused,
                "accuser": self.accuser, "share": self.share.hex()}

    @classmethod
    def from_dict(cls, data) -> "ComplaintAnswer":
        if not isinstance(data, dict) or set(data) != {"election", "accused", "accuser", "share"}:
            raise DecodeError("complaint answer: malformed")
        if not isinstance(data["election"], str) or not all(
            isinstance(data[k], int) and not isinstance(data[k], bool) for k in ("accused", "accuser")
        ):
            raise DecodeError("complaint answer: malformed")
        return cls(data["election"], data["accused"], data["accuser"], Scalar.from_hex(data["share"]))


@dataclass(frozen=True)
class Verdict:
    """The outcome anyone can recompute: who, if anyone, cheated."""

    complaint: Complaint
    upheld: bool
    reason: str
    #: the share the accuser now uses, when the complaint was dismissed
    share: Scalar | None = None

    @property
    def culprit(self) -> int | None:
        return self.complaint.accused if self.upheld else None

    def to_dict(self) -> dict:
        return {"election": self.complaint.election_id, "accuser": self.complaint.accuser,
                "accused": self.complaint.accused, "upheld": self.upheld,
                "culprit": self.culprit, "reason": self.reason,
                "share": self.share.hex() if self.share is not None else None}


def _check_parties(complaint: Complaint, trustees: int | None = None) -> None:
    # f_i is only ever opened at another trustee's index: f_i(0) is trustee
    # i's secret a_i,0, and k points off the roster give away all of f_i.
    accuser, accused = complaint.accuser, complaint.accused
    _check_index(accuser, "accuser")
    _check_index(accused, "accused")
    if accuser == accused:
        raise ValueError("a trustee cannot complain about itself")
    if trustees is not None and not (accuser <= trustees and accused <= trustees):
        raise ValueError(f"accuser and accused must be trustees 1..{trustees}")


def answer_complaint(
    polynomial: Polynomial, complaint: Complaint, *, trustees: int
) -> ComplaintAnswer:
    """The accused trustee's answer: publish f_i(accuser) from its own polynomial.

    `trustees` is n, the number of trustees in the ceremony. Raises
    ValueError, publishing nothing, unless the accuser is another trustee
    in 1..n: an answer at any other index would leak the polynomial.
    """
    _check_parties(complaint, trustees)
    return ComplaintAnswer(complaint.election_id, complaint.accused, complaint.accuser,
                           polynomial.evaluate(complaint.accuser))


def judge_complaint(
    complaint: Complaint,
    commitment: TrusteeCommitment,
    answer: ComplaintAnswer | None,
    *,
    election_id: str,
    threshold: int,
) -> Verdict:
    """Settle `complaint` from the accused's public `commitment` and its `answer` (None if
    it gave none). Upheld names the accused; dismissed hands the accuser the share.

    Raises ValueError when the complaint, commitment or answer belong to another
    election, trustee or complaint, or when the accuser is not a trustee index
    other than the accused's: mixing them up must not produce a verdict.
    """
    _check_parties(complaint)
    if complaint.election_id != election_id or commitment.trustee != complaint.accused:
        raise ValueError("the commitment is not the accused trustee's in this election")
    if answer is not None and (answer.election_id, answer.accused, answer.accuser) != (
        election_id, complaint.accused, complaint.accuser
    ):
        raise ValueError("the answer is to another complaint")
    if not commitment.verify(election_id, threshold):
        return Verdict(complaint, True, "bad_commitment")
    if answer is None:
        return Verdict(complaint, True, "no_answer")
    if not check_share(commitment, complaint.accuser, answer.share):
        return Verdict(complaint, True, "bad_share")
    return Verdict(complaint, False, "share_matches_commitment", answer.share)
