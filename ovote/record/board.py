"""The bulletin board's chain, counted set and close statement
(DESIGN.md §3.8, §3.11), as plain functions shared by the voting and
tally services and the verifier.

The rules themselves (the chain step, the close and receipt messages, their
signatures) are written once, in `ovote.crypto.board`, which the voting service
uses to build the board; this module keeps the record's names for them and adds
what only a whole board needs:

* `board_head(fingerprint, tracking_codes)`: the chain after every ballot.
* `counted_seqs(rows)`: the latest row (greatest `seq`) of each voting key.
* `verify_close`: `ovote.crypto.board.check_close` as a yes or no.
"""

from collections.abc import Iterable, Mapping

from ovote.crypto.board import (  # noqa: F401  (the record's names for the board's rules)
    CLOSE_DOMAIN,
    RECEIPT_DOMAIN,
    BoardError,
    chain_step,
    check_close,
    close_message,
    receipt_message,
)
from ovote.crypto.board import sign_close as close_statement  # noqa: F401
from ovote.crypto.canonical import hex_decode
from ovote.crypto.errors import DecodeError


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


def verify_close(close: Mapping, receipt_key_hex: str, fingerprint: bytes) -> bool:
    """True iff `close` is exactly ``{"seq","board_head","signature"}`` and
    its signature verifies under the definition's receipt key. Whether
    it matches the board is the caller's comparison."""
    try:
        check_close(close, hex_decode(receipt_key_hex, 32, what="receipt_key"), fingerprint)
    except (BoardError, DecodeError, ValueError):
        return False
    return True
