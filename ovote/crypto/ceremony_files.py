"""The signed files of the key ceremony (DESIGN.md §3.5) and how they are checked.

Every file a trustee downloads or uploads is one JSON document

    {"version": "ovote/ceremony/v1", "kind": <step>, "election": <slug>,
     "attempt": <int>, "trustee": <index>, "body": {...}, "signature": <hex>}

signed with Ed25519 over ``"ovote/ceremony/v1" || 0x00 || canonical JSON of
every field but "signature"``. A trustee signs what it uploads with its
ceremony signing key (published in its `init` file); the server signs what
it issues with the election's ceremony server key (in the `invitation`,
which the trustee's key file pins). "trustee" is the author of a trustee's
file and the addressee of a server's file. "attempt" counts the ceremony's
starts: when the commission restarts it without a dishonest trustee, every
file of the earlier attempt is refused.

Errors are `CeremonyFileError` with stable codes (see `CODES`), and a
message written for a trustee who is not a developer.
"""

import hashlib

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from ovote.crypto.canonical import canonical_json, hex_decode, parse_json
from ovote.crypto.errors import CryptoError, DecodeError

VERSION = "ovote/ceremony/v1"
_SIGNATURE_PREFIX = VERSION.encode("ascii") + b"\x00"
_FIELDS = {"version", "kind", "election", "attempt", "trustee", "body", "signature"}

#: Each kind of file, who signs it, and what it is for (in the order of the steps).
KINDS = {
    "invitation": ("server", "the invitation to the ceremony (for `ovote trustee init`)"),
    "init": ("trustee", "your ceremony keys (made by `ovote trustee init`)"),
    "deal-request": ("server", "everyone's ceremony keys (for `ovote trustee deal`)"),
    "deal": ("trustee", "your commitments and encrypted shares (made by `ovote trustee deal`)"),
    "receive-request": ("server", "everyone's shares (for `ovote trustee receive`)"),
    "receive": ("trustee", "your acceptance or complaint (made by `ovote trustee receive`)"),
    "answer-request": ("server", "the complaints against you (for `ovote trustee answer`)"),
    "answer": ("trustee", "your answer to complaints (made by `ovote trustee answer`)"),
    "settlement": ("server", "the answers to your complaints (for `ovote trustee receive`)"),
    "decrypt-request": ("server", "the tally to decrypt (for `ovote trustee decrypt`)"),
    "decryption": ("trustee", "your partial decryptions (made by `ovote trustee decrypt`)"),
}

#: Stable codes of `CeremonyFileError`, for services that map them to messages.
CODES = (
    "not_a_ceremony_file",   # not JSON, or not of the shape above
    "wrong_version",         # another format version
    "wrong_kind",            # a file of another step
    "wrong_election",        # bound to another election
    "wrong_trustee",         # bound to another trustee
    "wrong_attempt",         # from an earlier (or later) start of the ceremony
    "bad_file_signature",    # the signature does not hold
    "bad_commitment",        # a commitment's Schnorr proof fails
    "bad_share",             # a share does not match its dealer's commitments
    "bad_complaint",         # a complaint by/against someone it cannot be
    "bad_answer",            # an answer that is not to a pending complaint
    "bad_verification_key",  # an acceptance whose S_j is not the commitments'
    "bad_content",           # a well-signed file whose content is inconsistent
    "out_of_order",          # this step cannot be done now
)


class CeremonyFileError(CryptoError):
    """A ceremony file was refused; `code` is one of `CODES`."""

    code = "not_a_ceremony_file"


def signed_bytes(document: dict) -> bytes:
    """The bytes a ceremony file's signature covers."""
    unsigned = {key: value for key, value in document.items() if key != "signature"}
    return _SIGNATURE_PREFIX + canonical_json(unsigned)


def sign_document(
    kind: str, *, election: str, attempt: int, trustee: int, body: dict, signing_key: SigningKey
) -> dict:
    """Build and sign a ceremony file of `kind`."""
    if kind not in KINDS:
        raise ValueError(f"unknown ceremony file kind {kind!r}")
    document = {"version": VERSION, "kind": kind, "election": election,
                "attempt": attempt, "trustee": trustee, "body": body}
    document["signature"] = signing_key.sign(signed_bytes(document)).signature.hex()
    return document


def dump_document(document: dict) -> bytes:
    """The bytes of a file to save: canonical JSON and a final newline."""
    return canonical_json(document) + b"\n"


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def read_document(data) -> dict:
    """Parse a ceremony file (bytes, text or an already parsed value) and check its shape.

    Checks the fields and their types, the version and the kind; not the
    signature nor what the file is bound to (see `expect` and `check_signature`).
    """
    if isinstance(data, (bytes, str)):
        try:
            data = parse_json(data)
        except DecodeError:
            raise CeremonyFileError("This is not a ceremony file: it is not valid JSON.") from None
    if not isinstance(data, dict) or set(data) != _FIELDS:
        raise CeremonyFileError("This is not a ceremony file of ovote (its fields are wrong).")
    if data["version"] != VERSION:
        raise CeremonyFileError(
            f"This file is of format {data['version']!r}; this program reads {VERSION!r}.",
            code="wrong_version")
    if data["kind"] not in KINDS:
        raise CeremonyFileError(f"Unknown kind of ceremony file {data['kind']!r}.")
    if not (isinstance(data["election"], str) and _is_int(data["attempt"]) and _is_int(data["trustee"])
            and isinstance(data["body"], dict) and isinstance(data["signature"], str)):
        raise CeremonyFileError("This is not a ceremony file of ovote (a field has the wrong type).")
    return data


def describe(kind: str) -> str:
    """What a file of `kind` is, for messages."""
    return KINDS[kind][1]


def expect(document: dict, *, kinds, election: str, attempt: int, trustee: int | None = None) -> None:
    """Refuse a file of another step, election, ceremony attempt or trustee."""
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    if document["election"] != election:
        raise CeremonyFileError(
            f"This file is for election {document['election']!r}, not {election!r}.",
            code="wrong_election")
    if document["kind"] not in kinds:
        wanted = " or ".join(describe(k) for k in kinds)
        raise CeremonyFileError(
            f"This file is {describe(document['kind'])}; this step needs {wanted}.",
            code="wrong_kind")
    if document["attempt"] != attempt:
        when = "an earlier" if document["attempt"] < attempt else "a later"
        raise CeremonyFileError(
            f"This file belongs to {when} start of the ceremony (attempt {document['attempt']}, "
            f"not {attempt}); download the current file again.", code="wrong_attempt")
    if trustee is not None and document["trustee"] != trustee:
        raise CeremonyFileError(
            f"This file is for trustee {document['trustee']}, not for trustee {trustee}.",
            code="wrong_trustee")


def check_signature(document: dict, verify_key: bytes, *, who: str) -> None:
    """Refuse a file whose signature by `verify_key` (raw 32 bytes) does not hold."""
    try:
        signature = hex_decode(document["signature"], 64, what="signature")
        VerifyKey(verify_key).verify(signed_bytes(document), signature)
    except (DecodeError, BadSignatureError, ValueError, TypeError):
        raise CeremonyFileError(
            f"The signature of this file is not {who}'s: it was changed or made by someone else.",
            code="bad_file_signature") from None


def public_key_of(signing_key: SigningKey) -> str:
    """Hex of an Ed25519 signing key's public half."""
    return bytes(signing_key.verify_key).hex()


def key_from_hex(text, *, what: str) -> bytes:
    """32 raw bytes of a published key; `CeremonyFileError` (bad_content) otherwise."""
    try:
        return hex_decode(text, 32, what=what)
    except DecodeError as exc:
        raise CeremonyFileError(f"{what}: {exc}", code="bad_content") from None


def short_fingerprint(key_hex: str) -> str:
    """20 hex digits of SHA-256 of a key, in groups of four, to compare by eye or phone."""
    digest = hashlib.sha256(bytes.fromhex(key_hex)).hexdigest()[:20]
    return " ".join(digest[i:i + 4] for i in range(0, 20, 4))
