"""What anyone can check of the key ceremony's files (DESIGN.md §3.5).

The server runs these on every upload, and a trustee's `ovote trustee`
runs them on what it downloads, so both refuse the same files for the same
reasons. They work on plain data: the roster is ``{index: {"signing_key",
"encryption_key"}}`` (hex, from the trustees' `init` files), commitments
are `threshold.TrusteeCommitment`s. Nothing here ever needs a share in
clear except the disputed ones a complaint makes public.

Bodies of the trustees' files:

* init: ``{"signing_key": Ed25519 hex, "encryption_key": X25519 hex}``
* deal: ``{"commitment": TrusteeCommitment dict, "shares": [EncryptedShare
  dict to each other trustee, by recipient]}``
* receive: ``{"accepted": bool, "verification_key": S_j hex | null,
  "complaints": [Complaint dict, ...]}`` (accepted iff no complaint)
* answer: ``{"answers": [ComplaintAnswer dict, ...]}``
* decryption: ``{"fingerprint": hex, "decryptions": [§8 decryption.jsonl line, ...]}``
"""

from typing import Mapping

from nacl.signing import SigningKey

from ovote.crypto.ceremony_files import (
    CeremonyFileError,
    check_signature,
    expect,
    key_from_hex,
    sign_document,
)
from ovote.crypto.complaints import ComplaintAnswer, Verdict, judge_complaint
from ovote.crypto.errors import DecodeError
from ovote.crypto.share_encryption import EncryptedShare
from ovote.crypto.threshold import Complaint, TrusteeCommitment, verification_key


def issue(kind: str, *, election: str, attempt: int, trustee: int, body: dict,
          server_key: SigningKey) -> dict:
    """A file the server hands to `trustee`, signed with the election's ceremony server key."""
    return sign_document(kind, election=election, attempt=attempt, trustee=trustee,
                         body=body, signing_key=server_key)


def _content(condition: bool, message: str, code: str = "bad_content") -> None:
    if not condition:
        raise CeremonyFileError(message, code=code)


def _exact_keys(body: dict, keys: set, what: str) -> None:
    _content(isinstance(body, dict) and set(body) == keys, f"The {what} file's content is malformed.")


def check_init(document: dict, *, election: str, attempt: int, trustee: int) -> dict:
    """Trustee `trustee`'s ceremony keys, checked: bound to this ceremony, and signed
    with the signing key it publishes (so its author holds that key)."""
    expect(document, kinds="init", election=election, attempt=attempt, trustee=trustee)
    body = document["body"]
    _exact_keys(body, {"signing_key", "encryption_key"}, "init")
    signing = key_from_hex(body["signing_key"], what="signing key")
    key_from_hex(body["encryption_key"], what="encryption key")
    check_signature(document, signing, who=f"trustee {trustee}")
    return {"signing_key": body["signing_key"], "encryption_key": body["encryption_key"]}


def check_trustee_file(document: dict, kind: str, *, election: str, attempt: int, trustee: int,
                       roster: Mapping[int, dict]) -> dict:
    """Bound to this ceremony and signed by `trustee`'s ceremony key; returns the body."""
    expect(document, kinds=kind, election=election, attempt=attempt, trustee=trustee)
    _content(trustee in roster, f"Trustee {trustee} is not a trustee of this ceremony.",
             "wrong_trustee")
    check_signature(document, bytes.fromhex(roster[trustee]["signing_key"]),
                    who=f"trustee {trustee}")
    return document["body"]


def check_deal(document: dict, *, election: str, attempt: int, trustee: int, threshold: int,
               roster: Mapping[int, dict]) -> tuple[TrusteeCommitment, list[EncryptedShare]]:
    """A dealer's file: every Schnorr proof of its commitments holds, and it holds
    exactly one encrypted share for every other trustee (relayed unopened)."""
    body = check_trustee_file(document, "deal", election=election, attempt=attempt,
                              trustee=trustee, roster=roster)
    _exact_keys(body, {"commitment", "shares"}, "deal")
    try:
        commitment = TrusteeCommitment.from_dict(body["commitment"])
        shares = [EncryptedShare.from_dict(s) for s in body["shares"]]
    except (DecodeError, TypeError) as exc:
        raise CeremonyFileError(f"The deal file's content is malformed: {exc}",
                                code="bad_content") from None
    _content(commitment.trustee == trustee and commitment.election_id == election,
             "The commitments in this deal file are another trustee's or another election's.")
    _content(commitment.verify(election, threshold),
             f"The commitments of trustee {trustee} do not come with valid proofs "
             f"(a Schnorr proof fails, or there are not exactly {threshold}).", "bad_commitment")
    others = sorted(j for j in roster if j != trustee)
    _content(sorted(s.recipient for s in shares) == others
             and all(s.sender == trustee and s.election_id == election for s in shares),
             "This deal file must hold exactly one share for each other trustee.")
    return commitment, sorted(shares, key=lambda s: s.recipient)


def check_receive(document: dict, *, election: str, attempt: int, trustee: int,
                  roster: Mapping[int, dict], commitments: Mapping[int, TrusteeCommitment]):
    """A trustee's verdict on the shares it received.

    Returns ``("accepted", S_j)`` after checking S_j is the verification key
    the public commitments give, or ``("complaints", [Complaint])`` after
    checking each is by this trustee against another trustee of the roster.
    """
    body = check_trustee_file(document, "receive", election=election, attempt=attempt,
                              trustee=trustee, roster=roster)
    _exact_keys(body, {"accepted", "verification_key", "complaints"}, "receive")
    if body["accepted"] is True:
        _content(body["complaints"] == [], "An acceptance cannot carry complaints.")
        expected = verification_key(commitments.values(), trustee)
        _content(body["verification_key"] == expected.hex(),
                 f"Trustee {trustee}'s verification key is not the one the published "
                 "commitments give: its share is wrong.", "bad_verification_key")
        return "accepted", expected
    _content(body["accepted"] is False and body["verification_key"] is None
             and isinstance(body["complaints"], list) and body["complaints"],
             "A file that does not accept must hold at least one complaint.")
    complaints = []
    for data in body["complaints"]:
        try:
            complaint = Complaint.from_dict(data)
        except DecodeError:
            raise CeremonyFileError("A complaint in this file is malformed (the accuser and "
                                    "accused must be trustee numbers).",
                                    code="bad_complaint") from None
        check_complaint(complaint, election=election, accuser=trustee, roster=roster)
        complaints.append(complaint)
    _content(len({c.accused for c in complaints}) == len(complaints),
             "A trustee may file only one complaint against each other trustee.", "bad_complaint")
    return "complaints", complaints


def check_complaint(complaint: Complaint, *, election: str, accuser: int, roster) -> None:
    """A complaint is by its file's author, for this election, against another trustee."""
    _content(complaint.election_id == election, "This complaint is about another election.",
             "bad_complaint")
    _content(complaint.accuser == accuser,
             f"A complaint in trustee {accuser}'s file must be by trustee {accuser}, "
             f"not by trustee {complaint.accuser}.", "bad_complaint")
    _content(complaint.accused != accuser, "A trustee cannot complain about itself.",
             "bad_complaint")
    _content(complaint.accused in roster,
             f"Trustee {complaint.accused} is not a trustee of this ceremony.", "bad_complaint")


def check_answer(document: dict, *, election: str, attempt: int, trustee: int,
                 roster: Mapping[int, dict], threshold: int, commitment: TrusteeCommitment,
                 complaints: list[Complaint]) -> list[Verdict]:
    """The accused `trustee`'s answer to `complaints` (those against it): one answer
    to each, judged from public data (`complaints.judge_complaint`)."""
    body = check_trustee_file(document, "answer", election=election, attempt=attempt,
                              trustee=trustee, roster=roster)
    _exact_keys(body, {"answers"}, "answer")
    try:
        answers = [ComplaintAnswer.from_dict(a) for a in body["answers"]]
    except (DecodeError, TypeError) as exc:
        raise CeremonyFileError(f"An answer in this file is malformed: {exc}",
                                code="bad_answer") from None
    by_accuser = {a.accuser: a for a in answers}
    _content(len(by_accuser) == len(answers)
             and sorted(by_accuser) == sorted(c.accuser for c in complaints)
             and all(a.accused == trustee and a.election_id == election for a in answers),
             "This answer file must answer exactly the complaints against this trustee.",
             "bad_answer")
    return [judge_complaint(c, commitment, by_accuser[c.accuser], election_id=election,
                            threshold=threshold) for c in complaints]


def public_outcome(commitments: Mapping[int, TrusteeCommitment]) -> dict:
    """What a finished ceremony publishes, as plain data for freeze:
    ``{"trustees": [{"index", "commitments"}], "ceremony": [{"trustee", "proofs"}],
    "joint_key"}``, sorted by trustee index (DESIGN.md §3.5, §3.9)."""
    ordered = [commitments[i] for i in sorted(commitments)]
    joint = ordered[0].commitments[0]
    for c in ordered[1:]:
        joint = joint + c.commitments[0]
    return {
        "trustees": [{"index": c.trustee, "commitments": [a.hex() for a in c.commitments]}
                     for c in ordered],
        "ceremony": [{"trustee": c.trustee, "proofs": [p.to_dict() for p in c.proofs]}
                     for c in ordered],
        "joint_key": joint.hex(),
    }
