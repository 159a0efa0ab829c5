"""Encrypted ballots on the wire (DESIGN.md §3.7).

A ballot is the JSON object

    {"version": "ovote/v1",
     "election": <fingerprint hex>,
     "unit": <unit id>,
     "voting_key": <Ed25519 public key hex>,
     "token": {"prefix": <32-byte hex>, "signature": <hex>},
     "contests": [{"id": <contest id>,
                   "selections": [{"alpha", "beta", "proof": {"c":[2],"z":[2]}}],
                   "proof": {"c": [max-min+1], "z": [max-min+1]}}],
     "signature": <Ed25519 signature hex>}

with contests and selections in the order of the unit's ballot style
(`ovote.crypto.ballot_style`). Each selection encrypts 0 or 1 with a
selection proof (index = option position); each contest carries a proof
that the sum of its selections is in [min..max]. The signature is by the
voting key over the canonical JSON of every other field. Validation is in
`ovote.crypto.ballot_validation`.
"""

import hashlib
from collections.abc import Iterable, Mapping

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto.ballot_style import check_ballot_style, contest_values
from ovote.crypto.canonical import canonical_json
from ovote.crypto.elgamal import Ciphertext, encrypt
from ovote.crypto.group import Point, Scalar
from ovote.crypto.proofs import (
    CONTEST_INDEX,
    CONTEST_TAG,
    SELECTION_TAG,
    SELECTION_VALUES,
    prove_range,
)

VERSION = "ovote/v1"
BALLOT_FIELDS = frozenset(
    {"version", "election", "unit", "voting_key", "token", "contests", "signature"}
)


def voting_key_bytes(voting_key: Ed25519PrivateKey) -> bytes:
    """Raw 32-byte public key of a voting key."""
    return voting_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def encrypt_contest(contest, chosen, *, joint_key, fingerprint, voting_key) -> dict:
    """One contest's wire form: a 0/1 selection with proof per option, and
    the sum proof over [min..max]. `chosen` is the set of selected option
    ids; raises ValueError for unknown options or a count out of range."""
    unknown = set(chosen) - set(contest["options"])
    if unknown:
        raise ValueError(f"contest {contest['id']}: unknown options {sorted(unknown)}")
    count = len(chosen)
    if not contest["min"] <= count <= contest["max"]:
        raise ValueError(
            f"contest {contest['id']}: choose between {contest['min']} and {contest['max']}"
        )
    context = dict(fingerprint=fingerprint, voting_key=voting_key, contest_id=contest["id"])
    selections = []
    total_alpha = total_beta = Point.IDENTITY
    total_nonce = Scalar.from_int(0)
    for index, option in enumerate(contest["options"]):
        value = 1 if option in chosen else 0
        ciphertext, nonce = encrypt(joint_key, value)
        proof = prove_range(
            ciphertext, nonce, value, SELECTION_VALUES, joint_key,
            tag=SELECTION_TAG, index=index, **context,
        )
        selections.append({**ciphertext.to_dict(), "proof": proof.to_dict()})
        total_alpha = total_alpha + ciphertext.alpha
        total_beta = total_beta + ciphertext.beta
        total_nonce = total_nonce + nonce
    proof = prove_range(
        Ciphertext(total_alpha, total_beta), total_nonce, count, contest_values(contest),
        joint_key, tag=CONTEST_TAG, index=CONTEST_INDEX, **context,
    )
    return {"id": contest["id"], "selections": selections, "proof": proof.to_dict()}


def build_ballot(
    *,
    fingerprint: bytes,
    unit_id: str,
    ballot_style: Mapping,
    joint_key: Point,
    voting_key: Ed25519PrivateKey,
    token: Mapping,
    choices: Mapping[str, Iterable[str]],
) -> dict:
    """Encrypt `choices` (contest id -> selected option ids) into a signed ballot.

    Every contest of the style must appear in `choices` (an empty
    selection where the contest allows it); raises ValueError for an
    unknown contest or option, or a count outside [min..max]. `token` is
    ``{"prefix","signature"}`` from `ovote.crypto.tokens.finish_token`.
    Fresh randomness each call: a revote gives different ciphertexts.
    """
    check_ballot_style(ballot_style)
    contest_ids = [c["id"] for c in ballot_style["contests"]]
    if set(choices) != set(contest_ids):
        raise ValueError("choices must name exactly the ballot style's contests")
    public = voting_key_bytes(voting_key)
    contests = []
    for contest in ballot_style["contests"]:
        chosen = set(choices[contest["id"]])
        contests.append(
            encrypt_contest(
                contest, chosen, joint_key=joint_key,
                fingerprint=fingerprint, voting_key=public,
            )
        )
    body = {
        "version": VERSION,
        "election": fingerprint.hex(),
        "unit": unit_id,
        "voting_key": public.hex(),
        "token": {"prefix": token["prefix"], "signature": token["signature"]},
        "contests": contests,
    }
    return sign_ballot(body, voting_key)


def sign_ballot(body: Mapping, voting_key: Ed25519PrivateKey) -> dict:
    """Return `body` plus the Ed25519 signature over its canonical JSON
    (any existing "signature" field is replaced)."""
    unsigned = {k: v for k, v in body.items() if k != "signature"}
    signature = voting_key.sign(canonical_json(unsigned))
    return {**unsigned, "signature": signature.hex()}


def tracking_code(ballot: Mapping) -> str:
    """SHA-256 hex of the canonical JSON of the whole ballot, signature included."""
    return hashlib.sha256(canonical_json(ballot)).hexdigest()


def short_tracking_code(code: str, groups: int = 4) -> str:
    """A grouped prefix for display, e.g. ``3f2a-9c01-77be-0d42``."""
    return "-".join(code[4 * i : 4 * i + 4] for i in range(groups))


def ballot_ciphertexts(
    ballot: Mapping, ballot_style: Mapping, *, validate_points: bool = True
) -> dict[str, dict[str, Ciphertext]]:
    """Per-option ciphertexts of a ballot that passed `validate_ballot`:
    ``{contest id: {option id: Ciphertext}}`` for homomorphic tallying.

    Points are re-validated unless `validate_points` is False, which is
    only for ballots read back from storage that this system validated
    when they were cast (a record verifier must leave it on).
    """
    if validate_points:
        decode = Point.from_hex
    else:
        def decode(text):
            return Point(bytes.fromhex(text))
    result = {}
    for contest, entry in zip(ballot_style["contests"], ballot["contests"]):
        if entry["id"] != contest["id"]:
            raise ValueError("ballot does not follow its ballot style")
        result[contest["id"]] = {
            option: Ciphertext(decode(sel["alpha"]), decode(sel["beta"]))
            for option, sel in zip(contest["options"], entry["selections"], strict=True)
        }
    return result
