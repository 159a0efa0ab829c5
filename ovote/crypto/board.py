"""The bulletin board's hash chain, signed receipts and the close statement
(DESIGN.md §3.8, §3.11).

Server, voter client and verifier share these functions, so that what one
signs the others check byte for byte.

* Chain: ``chain_0`` is the election fingerprint (32 raw bytes);
  ``chain_i = SHA-256(chain_{i-1} || tracking_code_i)`` over the raw
  32-byte values. On the wire both are lowercase hex.
* Receipt: ``{"election","tracking_code","seq","received_at","board_head",
  "signature"}``; the signature is the election's Ed25519 receipt key over
  ``"ovote/receipt/v1" || 0x00 || canonical JSON of the five other fields``.
* Close statement: ``{"seq","board_head","signature"}``, the signature over
  ``"ovote/close/v1" || 0x00 || canonical JSON of {"election","seq",
  "board_head"}``. An empty board closes with seq 0 and the fingerprint
  as its head.

`election` is the fingerprint in hex everywhere; `received_at` is UTC in
RFC 3339 to the second (``2026-12-01T07:00:00Z``).
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from ovote.crypto.canonical import canonical_json, hex_decode
from ovote.crypto.errors import CryptoError, DecodeError

RECEIPT_DOMAIN = b"ovote/receipt/v1"
CLOSE_DOMAIN = b"ovote/close/v1"
#: The signed fields of a receipt; the receipt adds "signature".
RECEIPT_FIELDS = ("election", "tracking_code", "seq", "received_at", "board_head")
CLOSE_FIELDS = ("seq", "board_head", "signature")
_RFC3339_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


class BoardError(CryptoError):
    """A chain, receipt or close statement does not check out."""

    code = "bad_board"


# --- chain ------------------------------------------------------------------

def chain_start(fingerprint: bytes) -> bytes:
    """``chain_0``: the fingerprint's 32 bytes."""
    if len(fingerprint) != 32:
        raise ValueError("a fingerprint is 32 bytes")
    return bytes(fingerprint)


def chain_step(previous: bytes, tracking_code: bytes | str) -> bytes:
    """``SHA-256(previous || tracking_code)``; the tracking code as its 32
    raw bytes or 64 lowercase hex digits."""
    if isinstance(tracking_code, str):
        tracking_code = hex_decode(tracking_code, 32, what="tracking_code")
    if len(previous) != 32 or len(tracking_code) != 32:
        raise ValueError("chain values and tracking codes are 32 bytes")
    return hashlib.sha256(previous + tracking_code).digest()


def verify_chain(fingerprint: bytes, entries: Iterable[Mapping]) -> tuple[int, bytes]:
    """Check board entries (each with "seq", "tracking_code", "chain" in
    hex) form the chain from the fingerprint with seq 1, 2, 3... and no
    gap. Returns ``(last seq, head)``; raises `BoardError` naming the
    first bad seq."""
    head, seq = chain_start(fingerprint), 0
    for entry in entries:
        seq += 1
        if entry.get("seq") != seq:
            raise BoardError(f"seq {seq}: board gives seq {entry.get('seq')!r}")
        try:
            head = chain_step(head, entry["tracking_code"])
            given = hex_decode(entry["chain"], 32, what="chain")
        except (KeyError, DecodeError, ValueError) as exc:
            raise BoardError(f"seq {seq}: {exc}") from None
        if given != head:
            raise BoardError(f"seq {seq}: chain value does not follow")
    return seq, head


# --- time -------------------------------------------------------------------

def format_received_at(moment: datetime) -> str:
    """RFC 3339 UTC to the second, e.g. ``2026-12-01T07:00:00Z``; a naive
    datetime is taken as UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- receipts ---------------------------------------------------------------

def receipt_message(fields: Mapping) -> bytes:
    """The bytes a receipt signature covers (the five signed fields)."""
    return RECEIPT_DOMAIN + b"\x00" + canonical_json({k: fields[k] for k in RECEIPT_FIELDS})


def sign_receipt(
    receipt_key: Ed25519PrivateKey, *, election: str, tracking_code: str,
    seq: int, received_at: str, board_head: str,
) -> dict:
    """The signed receipt of one accepted ballot (all hex lowercase)."""
    fields = {
        "election": election, "tracking_code": tracking_code, "seq": seq,
        "received_at": received_at, "board_head": board_head,
    }
    return {**fields, "signature": receipt_key.sign(receipt_message(fields)).hex()}


def _verify(public_key: bytes, signature: bytes, message: bytes, what: str) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        raise BoardError(f"{what}: signature does not verify") from None


def check_receipt(receipt, receipt_key: bytes, *, fingerprint: bytes | None = None) -> None:
    """Raise `BoardError` unless `receipt` has exactly the six fields, in
    their wire forms, and is signed by `receipt_key` (raw 32 bytes); with
    `fingerprint`, also that it is for that election."""
    if not isinstance(receipt, Mapping) or set(receipt) != {*RECEIPT_FIELDS, "signature"}:
        raise BoardError(f"receipt: fields must be {sorted({*RECEIPT_FIELDS, 'signature'})}")
    try:
        for field in ("election", "tracking_code", "board_head"):
            hex_decode(receipt[field], 32, what=field)
        signature = hex_decode(receipt["signature"], 64, what="signature")
    except DecodeError as exc:
        raise BoardError(f"receipt: {exc}") from None
    seq = receipt["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise BoardError("receipt: seq must be a positive integer")
    if not isinstance(receipt["received_at"], str) or not _RFC3339_SECOND.fullmatch(
        receipt["received_at"]
    ):
        raise BoardError("receipt: received_at must be RFC 3339 UTC to the second")
    if fingerprint is not None and receipt["election"] != fingerprint.hex():
        raise BoardError("receipt: for another election")
    _verify(receipt_key, signature, receipt_message(receipt), "receipt")


# --- close statement ----------------------------------------------------------

def close_message(election: str, seq: int, board_head: str) -> bytes:
    """The bytes a close statement's signature covers."""
    return CLOSE_DOMAIN + b"\x00" + canonical_json(
        {"election": election, "seq": seq, "board_head": board_head}
    )


def sign_close(receipt_key: Ed25519PrivateKey, fingerprint: bytes, seq: int, head: bytes) -> dict:
    """``{"seq","board_head","signature"}`` of the board's final state;
    for an empty board pass seq 0 and ``chain_start(fingerprint)``."""
    message = close_message(fingerprint.hex(), seq, head.hex())
    return {"seq": seq, "board_head": head.hex(), "signature": receipt_key.sign(message).hex()}


def check_close(close, receipt_key: bytes, fingerprint: bytes) -> None:
    """Raise `BoardError` unless `close` is exactly ``{"seq","board_head",
    "signature"}`` signed by `receipt_key` for this election."""
    if not isinstance(close, Mapping) or set(close) != set(CLOSE_FIELDS):
        raise BoardError('close: fields must be "seq","board_head","signature"')
    seq = close["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise BoardError("close: seq must be a non-negative integer")
    try:
        hex_decode(close["board_head"], 32, what="board_head")
        signature = hex_decode(close["signature"], 64, what="signature")
    except DecodeError as exc:
        raise BoardError(f"close: {exc}") from None
    message = close_message(fingerprint.hex(), seq, close["board_head"])
    _verify(receipt_key, signature, message, "close")


# --- publication statement ------------------------------------------------------

PUBLICATION_DOMAIN = b"ovote/publication/v1"
PUBLICATION_FIELDS = ("in_person_sha256", "results_sha256", "signature")


def document_sha256(document) -> str:
    """SHA-256 hex of a document's canonical JSON (what the publication binds: the
    record's bytes may be any JSON encoding of it)."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


def publication_message(election: str, in_person_sha256: str, results_sha256: str) -> bytes:
    """The bytes a publication statement's signature covers."""
    return PUBLICATION_DOMAIN + b"\x00" + canonical_json(
        {"election": election, "in_person_sha256": in_person_sha256,
         "results_sha256": results_sha256})


def sign_publication(receipt_key: Ed25519PrivateKey, fingerprint: bytes, in_person, results) -> dict:
    """``{"in_person_sha256","results_sha256","signature"}``: the receipt key vouches for
    the record's in-person returns and results, which no other signature covers."""
    in_person_sha256, results_sha256 = document_sha256(in_person), document_sha256(results)
    message = publication_message(fingerprint.hex(), in_person_sha256, results_sha256)
    return {"in_person_sha256": in_person_sha256, "results_sha256": results_sha256,
            "signature": receipt_key.sign(message).hex()}


def check_publication(publication, receipt_key: bytes, fingerprint: bytes, in_person,
                      results) -> None:
    """Raise `BoardError` unless `publication` is exactly the three fields, signed by
    `receipt_key` for this election, and its digests are those of `in_person` and
    `results` (the parsed documents)."""
    if not isinstance(publication, Mapping) or set(publication) != set(PUBLICATION_FIELDS):
        raise BoardError('publication: fields must be "in_person_sha256","results_sha256",'
                         '"signature"')
    try:
        hex_decode(publication["in_person_sha256"], 32, what="in_person_sha256")
        hex_decode(publication["results_sha256"], 32, what="results_sha256")
        signature = hex_decode(publication["signature"], 64, what="signature")
    except DecodeError as exc:
        raise BoardError(f"publication: {exc}") from None
    message = publication_message(fingerprint.hex(), publication["in_person_sha256"],
                                  publication["results_sha256"])
    _verify(receipt_key, signature, message, "publication")
    if publication["in_person_sha256"] != document_sha256(in_person):
        raise BoardError("publication: in_person.json is not the one the commission signed")
    if publication["results_sha256"] != document_sha256(results):
        raise BoardError("publication: results.json is not the one the commission signed")
