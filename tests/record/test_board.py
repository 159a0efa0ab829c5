"""Chain, counted set and close statement (§3.8, §3.11)."""

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto.ballot import voting_key_bytes
from ovote.record.board import (
    board_head, chain_step, close_message, close_statement, counted_seqs, receipt_message,
    verify_close,
)

FINGERPRINT = hashlib.sha256(b"election").digest()
KEY = Ed25519PrivateKey.generate()
PUBLIC = voting_key_bytes(KEY).hex()


def test_chain_and_head():
    codes = [hashlib.sha256(bytes([i])).digest() for i in range(3)]
    head = FINGERPRINT
    for code in codes:
        head = hashlib.sha256(head + code).digest()
    assert board_head(FINGERPRINT, codes) == head == chain_step(board_head(FINGERPRINT, codes[:2]), codes[2])
    assert board_head(FINGERPRINT, []) == FINGERPRINT


def test_the_latest_row_of_each_voting_key_counts_whatever_the_order_given():
    rows = [(1, "a"), (2, "b"), (3, "a"), (5, "a"), (4, "c")]
    assert counted_seqs(rows) == {2, 4, 5}


def test_close_message_bytes():
    assert close_message("ab" * 32, 7, "cd" * 32) == (
        b'ovote/close/v1\x00{"board_head":"' + b"cd" * 32 + b'","election":"' + b"ab" * 32 + b'","seq":7}')


def test_receipt_message_bytes():
    receipt = {"election": "e", "tracking_code": "t", "seq": 1, "received_at": "r",
               "board_head": "h", "signature": "s"}
    assert receipt_message(receipt) == (
        b'ovote/receipt/v1\x00{"board_head":"h","election":"e","received_at":"r","seq":1,"tracking_code":"t"}')


def test_a_close_statement_verifies_and_an_empty_board_closes_at_0():
    close = close_statement(KEY, FINGERPRINT, 0, FINGERPRINT)
    assert close["seq"] == 0 and close["board_head"] == FINGERPRINT.hex()
    assert verify_close(close, PUBLIC, FINGERPRINT)
    assert not verify_close(close, PUBLIC, hashlib.sha256(b"other").digest())


@pytest.mark.parametrize("change", [
    lambda c: {**c, "seq": 4},
    lambda c: {**c, "seq": -1},
    lambda c: {**c, "seq": True},
    lambda c: {**c, "board_head": "00" * 32},
    lambda c: {**c, "board_head": "AB" * 32},
    lambda c: {**c, "signature": c["signature"][:-2]},
    lambda c: {**c, "extra": 1},
    lambda c: {k: v for k, v in c.items() if k != "seq"},
    lambda c: [c],
])
def test_bad_close_statements(change):
    close = close_statement(KEY, FINGERPRINT, 3, hashlib.sha256(b"head").digest())
    assert verify_close(close, PUBLIC, FINGERPRINT)
    assert not verify_close(change(close), PUBLIC, FINGERPRINT)
