"""Validation of a received ballot (DESIGN.md §3.8, the cryptographic part).

Checks run in the order of §3.8 and the first failure raises
`InvalidBallot` with its code:

1. ``bad_token``: the token is not the unit key's RFC 9474 signature over
   ``prefix || "ovote/token/v1" || 0x00 || fingerprint || voting_key``
   (before it, ``bad_structure`` if a field it needs is missing or not a
   string, ``bad_encoding`` if the voting key or prefix is not 32 bytes of
   lowercase hex or the token signature not exactly the modulus length);
2. ``bad_signature``: the voting key's Ed25519 signature over the
   canonical JSON of every other field, and the voting key must be a
   valid point (anyone can sign for a small-order one); ``bad_encoding``
   for a signature that is not 64 bytes of lowercase hex;
3. ``bad_structure``: fields, version, election, unit, and contests,
   selections and proof lengths exactly as the ballot style says (an
   ``election`` that is not 64 lowercase hex digits is ``bad_encoding``);
5. ``bad_encoding`` / ``bad_point`` / ``bad_scalar``: every point and
   scalar canonical (each point validated once, here);
6. ``bad_proof``: every selection proof, then every contest sum proof.

Each stage checks the fields it uses, so a ballot fails where §3.8's
order first meets a problem. Election open and unit existence are the
server's checks, made before (`ballot_unit` reads the unit id for them).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from ovote.crypto.ballot import BALLOT_FIELDS, VERSION, tracking_code
from ovote.crypto.ballot_style import contest_values
from ovote.crypto.canonical import canonical_json, hex_decode
from ovote.crypto.elgamal import Ciphertext
from ovote.crypto.errors import DecodeError, InvalidBallot
from ovote.crypto.group import Point, Scalar
from ovote.crypto.proofs import (
    CONTEST_INDEX,
    CONTEST_TAG,
    SELECTION_TAG,
    SELECTION_VALUES,
    RangeProof,
    verify_range,
)
from ovote.crypto.tokens import verify_token


@dataclass(frozen=True)
class ValidatedBallot:
    """What the server keeps from a ballot that passed every check."""

    tracking_code: str
    voting_key: bytes
    #: {contest id: {option id: Ciphertext}}, in ballot style order.
    ciphertexts: dict[str, dict[str, Ciphertext]]


def _fail(code: str, message: str):
    return InvalidBallot(message, code=code)


def _hex(text, length, what):
    try:
        return hex_decode(text, length, what=what)
    except DecodeError as exc:
        raise _fail("bad_encoding", str(exc)) from None


def _token_fields(ballot, unit_key: RSAPublicKey):
    """What the token check needs: the voting key, prefix and signature."""
    if not isinstance(ballot, Mapping):
        raise _fail("bad_structure", "ballot: expected a JSON object")
    token = ballot.get("token")
    if not isinstance(token, Mapping) or not all(
        isinstance(token.get(k), str) for k in ("prefix", "signature")
    ):
        raise _fail("bad_structure", 'token: expected {"prefix","signature"} strings')
    if not isinstance(ballot.get("voting_key"), str):
        raise _fail("bad_structure", "voting_key: missing or not a string")
    voting_key = _hex(ballot["voting_key"], 32, "voting_key")
    prefix = _hex(token["prefix"], 32, "token.prefix")
    # A signature shorter or longer than the modulus is malformed, not a
    # signature that fails to verify (§3.8).
    modulus_length = (unit_key.key_size + 7) // 8
    token_signature = _hex(token["signature"], modulus_length, "token.signature")
    return voting_key, prefix, token_signature


def ballot_unit(ballot) -> str:
    """The unit id a ballot names, for the server to find the unit's key
    before validating; ``bad_structure`` if there is none."""
    if not isinstance(ballot, Mapping):
        raise _fail("bad_structure", "ballot: expected a JSON object")
    unit = ballot.get("unit")
    if not isinstance(unit, str):
        raise _fail("bad_structure", "unit: missing or not a string")
    return unit


def _check_signature(ballot, voting_key: bytes) -> None:
    if not isinstance(ballot.get("signature"), str):
        raise _fail("bad_structure", "signature: missing or not a string")
    signature = _hex(ballot["signature"], 64, "signature")
    try:
        # An honest voting key is a point of the prime-order subgroup; for
        # a small-order "key" anyone can make a signature that verifies.
        Point.from_bytes(voting_key)
    except DecodeError:
        raise _fail("bad_signature", "voting_key: not a valid Ed25519 key") from None
    try:
        body = canonical_json({k: v for k, v in ballot.items() if k != "signature"})
    except DecodeError as exc:
        raise _fail("bad_encoding", f"ballot: {exc}") from None
    try:
        Ed25519PublicKey.from_public_bytes(voting_key).verify(signature, body)
    except (InvalidSignature, ValueError):
        raise _fail("bad_signature", "ballot signature does not verify") from None


def _check_proof_shape(proof, length: int, where: str) -> None:
    if not isinstance(proof, Mapping) or set(proof) != {"c", "z"}:
        raise _fail("bad_structure", f'{where}: proof must be {{"c","z"}}')
    for key in ("c", "z"):
        values = proof[key]
        if not isinstance(values, list) or len(values) != length:
            raise _fail("bad_structure", f"{where}: proof.{key} needs {length} values")
        if not all(isinstance(v, str) for v in values):
            raise _fail("bad_structure", f"{where}: proof.{key} holds non-strings")


def _check_structure(ballot, *, fingerprint, unit_id, ballot_style) -> None:
    if set(ballot) != BALLOT_FIELDS:
        raise _fail("bad_structure", f"ballot: fields must be {sorted(BALLOT_FIELDS)}")
    if ballot["version"] != VERSION:
        raise _fail("bad_structure", "ballot: unsupported version")
    if not isinstance(ballot["election"], str):
        raise _fail("bad_structure", "election: not a string")
    if _hex(ballot["election"], 32, "election") != fingerprint:
        raise _fail("bad_structure", "ballot: for another election")
    if ballot["unit"] != unit_id:
        raise _fail("bad_structure", "ballot: for another unit")
    if set(ballot["token"]) != {"prefix", "signature"}:
        raise _fail("bad_structure", 'token: fields must be "prefix","signature"')
    contests, style = ballot["contests"], ballot_style["contests"]
    if not isinstance(contests, list) or len(contests) != len(style):
        raise _fail("bad_structure", f"ballot: needs {len(style)} contests")
    for entry, contest in zip(contests, style):
        cid = contest["id"]
        if not isinstance(entry, Mapping) or set(entry) != {"id", "selections", "proof"}:
            raise _fail("bad_structure", f'contest {cid}: fields must be "id","selections","proof"')
        if entry["id"] != cid:
            raise _fail("bad_structure", f"contest {cid}: expected here, got {entry['id']!r}")
        selections = entry["selections"]
        if not isinstance(selections, list) or len(selections) != len(contest["options"]):
            raise _fail("bad_structure", f"contest {cid}: needs {len(contest['options'])} selections")
        for index, selection in enumerate(selections):
            where = f"contest {cid} selection {index}"
            if not isinstance(selection, Mapping) or set(selection) != {"alpha", "beta", "proof"}:
                raise _fail("bad_structure", f'{where}: fields must be "alpha","beta","proof"')
            if not isinstance(selection["alpha"], str) or not isinstance(selection["beta"], str):
                raise _fail("bad_structure", f"{where}: alpha and beta must be strings")
            _check_proof_shape(selection["proof"], len(SELECTION_VALUES), where)
        _check_proof_shape(entry["proof"], len(contest_values(contest)), f"contest {cid}")


def _decode(decoder, text, where):
    try:
        return decoder(text)
    except DecodeError as exc:
        raise _fail(exc.code, f"{where}: {exc}") from None


def _decode_proof(proof, where) -> RangeProof:
    return RangeProof(
        tuple(_decode(Scalar.from_hex, c, f"{where} proof.c") for c in proof["c"]),
        tuple(_decode(Scalar.from_hex, z, f"{where} proof.z") for z in proof["z"]),
    )


def _decode_contests(ballot, ballot_style):
    decoded = []
    for entry, contest in zip(ballot["contests"], ballot_style["contests"]):
        cid = contest["id"]
        selections = []
        for index, selection in enumerate(entry["selections"]):
            where = f"contest {cid} selection {index}"
            ciphertext = Ciphertext(
                _decode(Point.from_hex, selection["alpha"], f"{where} alpha"),
                _decode(Point.from_hex, selection["beta"], f"{where} beta"),
            )
            selections.append((ciphertext, _decode_proof(selection["proof"], where)))
        decoded.append((contest, selections, _decode_proof(entry["proof"], f"contest {cid}")))
    return decoded


def _check_proofs(decoded, *, joint_key, fingerprint, voting_key) -> None:
    context = dict(fingerprint=fingerprint, voting_key=voting_key)
    for contest, selections, _ in decoded:
        for index, (ciphertext, proof) in enumerate(selections):
            if not verify_range(
                proof, ciphertext, SELECTION_VALUES, joint_key, tag=SELECTION_TAG,
                contest_id=contest["id"], index=index, **context,
            ):
                raise _fail("bad_proof", f"contest {contest['id']} selection {index}: proof fails")
    for contest, selections, proof in decoded:
        alpha = beta = Point.IDENTITY
        for ciphertext, _ in selections:
            alpha = alpha + ciphertext.alpha
            beta = beta + ciphertext.beta
        if not verify_range(
            proof, Ciphertext(alpha, beta), contest_values(contest), joint_key,
            tag=CONTEST_TAG, contest_id=contest["id"], index=CONTEST_INDEX, **context,
        ):
            raise _fail("bad_proof", f"contest {contest['id']}: sum proof fails")


def validate_ballot(
    ballot,
    *,
    fingerprint: bytes,
    unit_id: str,
    ballot_style: Mapping,
    unit_key: RSAPublicKey,
    joint_key: Point,
) -> ValidatedBallot:
    """Run every check of the module docstring on a parsed ballot.

    `ballot` is the parsed JSON (use `canonical.parse_json` on raw bytes:
    it rejects duplicate keys and floats); `ballot_style` must have passed
    `check_ballot_style`. Returns a `ValidatedBallot`; raises
    `InvalidBallot(code=...)` at the first failure.
    """
    voting_key, prefix, token_signature = _token_fields(ballot, unit_key)
    if not verify_token(unit_key, fingerprint, voting_key, prefix, token_signature):
        raise _fail("bad_token", "token is not signed by this unit's key")
    _check_signature(ballot, voting_key)
    _check_structure(ballot, fingerprint=fingerprint, unit_id=unit_id, ballot_style=ballot_style)
    decoded = _decode_contests(ballot, ballot_style)
    _check_proofs(decoded, joint_key=joint_key, fingerprint=fingerprint, voting_key=voting_key)
    ciphertexts = {
        contest["id"]: {
            option: ciphertext
            for option, (ciphertext, _) in zip(contest["options"], selections)
        }
        for contest, selections, _ in decoded
    }
    return ValidatedBallot(tracking_code(ballot), voting_key, ciphertexts)
