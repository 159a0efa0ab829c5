"""Opening a Benaloh audit ("check this encryption").

Before casting, a voter may ask the client to prove what a ballot
encrypts: the client reveals the ElGamal nonce of every selection, and that
ballot is never cast (the client encrypts afresh). The audit document the
browser client downloads is

    {"version": "ovote/audit/v1",
     "definition": <the election definition of DESIGN.md §3.9>,
     "ballot": <the §3.7 ballot, signed, with its token>,
     "nonces": {<contest id>: [<scalar hex, one per option in style order>]}}

`open_audit` checks it from these data alone: the definition hashes to the
ballot's `election`; the ballot passes every server check (token,
signature, structure, encodings, proofs); and each selection opens under
its nonce, `alpha = r·B` and `beta − r·K` ∈ {0·B, 1·B}. It returns the
options each contest's encryption holds.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from ovote.crypto import blindrsa
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.errors import CryptoError
from ovote.crypto.fingerprint import election_fingerprint, joint_key_of
from ovote.crypto.group import BASE, IDENTITY, Scalar, base_mul

AUDIT_VERSION = "ovote/audit/v1"


@dataclass(frozen=True)
class AuditedContest:
    id: str
    #: Option ids the encryption holds, in ballot style order.
    chosen: tuple[str, ...]


@dataclass(frozen=True)
class AuditResult:
    tracking_code: str
    unit: str
    contests: tuple[AuditedContest, ...]


def _fail(message: str):
    return CryptoError(message, code="bad_audit")


def open_audit(document, *, fingerprint: bytes | None = None) -> AuditResult:
    """Check an audit document and say what its ballot encrypts.

    `fingerprint`, when given, is the election the voter expects (from the
    board or the voting page); otherwise the document's own definition is
    trusted for what it hashes to. Raises `CryptoError` (`bad_audit`, or the
    ballot's own code such as `bad_proof`) at the first failure.
    """
    if not isinstance(document, Mapping) or document.get("version") != AUDIT_VERSION:
        raise _fail("not an ovote audit document")
    definition, ballot, nonces = (document.get(k) for k in ("definition", "ballot", "nonces"))
    if not isinstance(definition, Mapping) or not isinstance(ballot, Mapping) or not isinstance(nonces, Mapping):
        raise _fail('an audit holds "definition", "ballot" and "nonces"')
    digest = election_fingerprint(definition)
    if ballot.get("election") != digest.hex():
        raise _fail("the ballot is not for the election of this definition")
    if fingerprint is not None and digest != fingerprint:
        raise _fail("the definition is not the expected election's")
    try:
        joint_key = joint_key_of(definition)
    except ValueError as exc:
        raise _fail(f"definition: {exc}") from None
    unit = next((u for u in definition["units"] if u["id"] == ballot.get("unit")), None)
    if unit is None:
        raise _fail(f"unit {ballot.get('unit')!r} is not in this election")
    style = unit["ballot_style"]
    validated = validate_ballot(
        ballot, fingerprint=digest, unit_id=unit["id"], ballot_style=style,
        unit_key=blindrsa.public_key_from_dict(unit), joint_key=joint_key,
    )
    contests = []
    for contest in style["contests"]:
        revealed = nonces.get(contest["id"])
        if not isinstance(revealed, list) or len(revealed) != len(contest["options"]):
            raise _fail(f"contest {contest['id']}: needs one nonce per option")
        chosen = []
        for option, nonce_hex in zip(contest["options"], revealed):
            ciphertext = validated.ciphertexts[contest["id"]][option]
            nonce = Scalar.from_hex(nonce_hex)
            if base_mul(nonce) != ciphertext.alpha:
                raise _fail(f"contest {contest['id']} option {option}: the nonce does not open this encryption")
            message = ciphertext.beta - nonce * joint_key
            if message == BASE:
                chosen.append(option)
            elif message != IDENTITY:
                raise _fail(f"contest {contest['id']} option {option}: encrypts neither 0 nor 1")
        contests.append(AuditedContest(contest["id"], tuple(chosen)))
    return AuditResult(validated.tracking_code, unit["id"], tuple(contests))
