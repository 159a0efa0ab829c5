"""Receipts, the board chain and the close statement (DESIGN.md §3.8, §3.11),
checked against byte layouts written out here by hand."""

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import board
from ovote.crypto.ballot import voting_key_bytes

FINGERPRINT = hashlib.sha256(b"board test").digest()
CODES = [hashlib.sha256(bytes([i])).hexdigest() for i in range(4)]


@pytest.fixture(scope="module")
def key():
    return Ed25519PrivateKey.generate()


def _entries():
    head, out = FINGERPRINT, []
    for seq, code in enumerate(CODES, start=1):
        head = hashlib.sha256(head + bytes.fromhex(code)).digest()
        out.append({"seq": seq, "tracking_code": code, "chain": head.hex()})
    return out


def test_chain_is_sha256_of_raw_values():
    entries = _entries()
    head = board.chain_start(FINGERPRINT)
    for entry in entries:
        head = board.chain_step(head, entry["tracking_code"])
        assert head.hex() == entry["chain"]
    assert board.chain_step(FINGERPRINT, bytes.fromhex(CODES[0])).hex() == entries[0]["chain"]
    assert board.verify_chain(FINGERPRINT, entries) == (4, head)
    assert board.verify_chain(FINGERPRINT, []) == (0, FINGERPRINT)


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e.pop(1),                                   # dropped
        lambda e: e.insert(1, dict(e[1])),                    # duplicated
        lambda e: e.__setitem__(slice(1, 3), [e[2], e[1]]),   # reordered
        lambda e: e[2].update(chain="00" * 32),               # broken
        lambda e: e[0].update(seq=2),                         # gap
        lambda e: e[3].update(tracking_code="AB" * 32),       # not lowercase hex
    ],
)
def test_chain_detects_any_change(change):
    entries = _entries()
    change(entries)
    with pytest.raises(board.BoardError):
        board.verify_chain(FINGERPRINT, entries)


def test_receipt_signs_the_documented_bytes(key):
    receipt = board.sign_receipt(
        key, election=FINGERPRINT.hex(), tracking_code=CODES[0], seq=1,
        received_at="2026-12-01T07:00:00Z", board_head=_entries()[0]["chain"],
    )
    assert set(receipt) == {"election", "tracking_code", "seq", "received_at", "board_head", "signature"}
    signed = {k: v for k, v in receipt.items() if k != "signature"}
    message = b"ovote/receipt/v1\x00" + json.dumps(
        signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    key.public_key().verify(bytes.fromhex(receipt["signature"]), message)
    board.check_receipt(receipt, voting_key_bytes(key), fingerprint=FINGERPRINT)


@pytest.mark.parametrize(
    "field,value",
    [
        ("seq", 2), ("seq", "1"), ("seq", True), ("seq", 0),
        ("received_at", "2026-12-01T07:00:01Z"), ("received_at", "2026-12-01 07:00:00"),
        ("tracking_code", CODES[1]), ("board_head", CODES[2]), ("election", "00" * 32),
        ("signature", "00" * 64), ("signature", "00" * 63), ("extra", 1),
    ],
)
def test_a_changed_receipt_is_refused(key, field, value):
    receipt = board.sign_receipt(
        key, election=FINGERPRINT.hex(), tracking_code=CODES[0], seq=1,
        received_at="2026-12-01T07:00:00Z", board_head=CODES[3],
    )
    receipt[field] = value
    with pytest.raises(board.BoardError):
        board.check_receipt(receipt, voting_key_bytes(key))


def test_receipt_of_another_election_or_key_is_refused(key):
    receipt = board.sign_receipt(
        key, election=FINGERPRINT.hex(), tracking_code=CODES[0], seq=1,
        received_at="2026-12-01T07:00:00Z", board_head=CODES[3],
    )
    with pytest.raises(board.BoardError, match="another election"):
        board.check_receipt(receipt, voting_key_bytes(key), fingerprint=bytes(32))
    with pytest.raises(board.BoardError):
        board.check_receipt(receipt, voting_key_bytes(Ed25519PrivateKey.generate()))


def test_close_statement_layout_and_empty_board(key):
    head = bytes.fromhex(_entries()[-1]["chain"])
    close = board.sign_close(key, FINGERPRINT, 4, head)
    assert set(close) == {"seq", "board_head", "signature"}
    message = b"ovote/close/v1\x00" + json.dumps(
        {"election": FINGERPRINT.hex(), "seq": 4, "board_head": head.hex()},
        sort_keys=True, separators=(",", ":")).encode()
    key.public_key().verify(bytes.fromhex(close["signature"]), message)
    board.check_close(close, voting_key_bytes(key), FINGERPRINT)
    empty = board.sign_close(key, FINGERPRINT, 0, board.chain_start(FINGERPRINT))
    assert empty["board_head"] == FINGERPRINT.hex() and empty["seq"] == 0
    board.check_close(empty, voting_key_bytes(key), FINGERPRINT)
    for changed in ({**close, "seq": 3}, {**close, "board_head": FINGERPRINT.hex()}):
        with pytest.raises(board.BoardError):
            board.check_close(changed, voting_key_bytes(key), FINGERPRINT)
    with pytest.raises(board.BoardError):
        board.check_close(close, voting_key_bytes(key), bytes(32))


def test_received_at_is_utc_to_the_second():
    moment = datetime(2026, 12, 1, 8, 0, 0, 999999, tzinfo=timezone(timedelta(hours=1)))
    assert board.format_received_at(moment) == "2026-12-01T07:00:00Z"
    assert board.format_received_at(datetime(2026, 12, 1, 7, 0, 5)) == "2026-12-01T07:00:05Z"
