"""The bulletin board's chain, counted set and close statement
(DESIGN.md §3.8, §3.11), as plain functions shared by the voting and
tally services and the verifier.

* `chain_step(previous, tracking_code)`: ``SHA-256(chain_{i-1} || tracking_code_i)``
  over raw 32-byte values; `chain_0` is the fingerprint's 32 bytes.
* `counted_seqs(rows)`: the latest row (greatest `seq`) of each voting key.
* `close_statement` / `verify_close`: the receipt key's signature over
  ``"ovote/close/v1" || 0x00 || canonical JSON of {"election","seq","board_head"}``.
"""

import hashlib
from collections.abc import Iterable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from ovote.crypto.canonical import canonical_json, hex_decode
from ovote.crypto.errors import DecodeError

CLOSE_DOMAIN = b"ovote/close/v1"
RECEIPT_DOMAIN = b"ovote/receipt/v1"


def chain_step(previous: bytes, tracking_code: bytes) -> bytes:
    """The chain value after a ballot whose tracking code is `tracking_code`."""
    return hashlib.sha256(previous + tracking_code).digest()


def board_head(fingerprint: bytes, tracking_codes: Iterable[bytes]) -> bytes:
    """The chain value after every tracking code in seq order (the
    fingerprint for an empty board)."""
    head = fingerprint
    for code in tracking_codes:
        head = chain_step(head, code)
    return head


def counted_seqs(rows: Iterable[tuple[int, str]]) -> set[int]:
    """Seqs of the counted ballots among `(seq, voting_key)` rows: the
    latest (greatest seq) of each voting key, whatever its unit (§3.8)."""
    latest: dict[str, int] = {}
    for seq, voting_key in rows:
        if seq > latest.get(voting_key, 0):
            latest[voting_key] = seq
    return set(latest.values())


def close_message(fingerprint_hex: str, seq: int, head_hex: str) -> bytes:
    """The bytes the close statement signs."""
    body = {"election": fingerprint_hex, "seq": seq, "board_head": head_hex}
    return CLOSE_DOMAIN + b"\x00" + canonical_json(body)


def close_statement(
    receipt_key: Ed25519PrivateKey, fingerprint: bytes, seq: int, head: bytes
) -> dict:
    """`{"seq","board_head","signature"}` for a board closed at `seq`
    (0 and the fingerprint for an empty board)."""
    signature = receipt_key.sign(close_message(fingerprint.hex(), seq, head.hex()))
    return {"seq": seq, "board_head": head.hex(), "signature": signature.hex()}


def verify_close(close: Mapping, receipt_key_hex: str, fingerprint: bytes) -> bool:
    """True iff `close` is exactly ``{"seq","board_head","signature"}`` and
    its signature verifies under the definition's receipt key. Whether
    it matches the board is the caller's comparison."""
    if not isinstance(close, Mapping) or set(close) != {"seq", "board_head", "signature"}:
        return False
    seq, head = close["seq"], close["board_head"]
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        return False
    try:
        hex_decode(head, 32, what="board_head")
        signature = hex_decode(close["signature"], 64, what="signature")
        key = Ed25519PublicKey.from_public_bytes(hex_decode(receipt_key_hex, 32))
        key.verify(signature, close_message(fingerprint.hex(), seq, head))
    except (DecodeError, InvalidSignature, ValueError):
        return False
    return True


def receipt_message(receipt: Mapping) -> bytes:
    """The bytes a receipt's signature covers: the domain and the canonical
    JSON of its five other fields."""
    body = {k: v for k, v in receipt.items() if k != "signature"}
    return RECEIPT_DOMAIN + b"\x00" + canonical_json(body)
