"""The board checks that need no cryptography beyond SHA-256: row shape,
tracking codes, seq order and chain, the close statement, duplicates,
the revote limit and the superseded flags (DESIGN.md §3.8, §3.11)."""

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass

from ovote.crypto.canonical import parse_json
from ovote.crypto.errors import DecodeError
from ovote.record.board import chain_step, counted_seqs, verify_close
from ovote.record.checks import CheckFailed
from ovote.record.files import BALLOTS

ROW_FIELDS = {"seq", "received_at", "tracking_code", "chain", "superseded", "ballot"}
RECEIVED_AT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


@dataclass
class Board:
    """What later checks need of the board, indexed by seq − 1."""

    voting_keys: list
    units: list
    counted: set
    head: bytes
    #: Raw tracking codes, to check that the second read sees the same ballots.
    tracking_codes: list


def _canonical(value) -> bytes:
    # canonical_json's own checks already ran in parse_json on this value:
    # the json.dumps call of §3.7 alone gives the same bytes, at half the cost.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _row(number, line):
    try:
        row = parse_json(line)
    except DecodeError as exc:
        raise CheckFailed("chain", f"{BALLOTS} line {number}: {exc}") from None
    if not isinstance(row, dict) or set(row) != ROW_FIELDS:
        raise CheckFailed("chain", f"{BALLOTS} line {number}: fields must be {sorted(ROW_FIELDS)}")
    return row


def board_pass(source, context, report) -> Board:
    """Stream ballots.jsonl once; raise `CheckFailed` at the first failure
    of tracking_code, chain, close, duplicate, revotes, superseded (in
    that order), adding each passed check to `report`."""
    head = context.fingerprint
    voting_keys, units, superseded, codes = [], [], [], []
    seen: dict[bytes, int] = {}
    duplicate = None
    for number, line in source.lines(BALLOTS):
        row = _row(number, line)
        seq, expected = row["seq"], len(voting_keys) + 1
        if isinstance(seq, bool) or seq != expected:
            raise CheckFailed("chain", f"line {number}: seq {seq!r} where {expected} is due")
        if not isinstance(row["received_at"], str) or not RECEIVED_AT.fullmatch(row["received_at"]):
            raise CheckFailed("chain", f"seq {seq}: received_at is not RFC 3339 UTC to the second")
        if not isinstance(row["superseded"], bool):
            raise CheckFailed("chain", f"seq {seq}: superseded must be true or false")
        ballot = row["ballot"]
        code = hashlib.sha256(_canonical(ballot)).digest()
        if row["tracking_code"] != code.hex():
            raise CheckFailed("tracking_code", f"seq {seq}: not SHA-256 of the ballot")
        head = chain_step(head, code)
        if row["chain"] != head.hex():
            raise CheckFailed("chain", f"seq {seq}: chain value does not follow")
        if code in seen and duplicate is None:
            duplicate = (seq, seen[code])
        seen.setdefault(code, seq)
        key = ballot.get("voting_key") if isinstance(ballot, dict) else None
        voting_keys.append(key if isinstance(key, str) else f"seq:{seq}")
        unit = ballot.get("unit") if isinstance(ballot, dict) else None
        units.append(unit)
        superseded.append(row["superseded"])
        codes.append(code)
    n = len(voting_keys)
    report.passes("tracking_code", f"{n} tracking codes")
    report.passes("chain", f"seq 1..{n}, head {head.hex()}")

    close = context.close
    if not verify_close(close, context.definition["receipt_key"], context.fingerprint):
        raise CheckFailed("close", "not a close statement signed by the receipt key")
    if close["seq"] != n or close["board_head"] != head.hex():
        raise CheckFailed(
            "close", f"signed for seq {close['seq']}, but the board ends at seq {n} "
            "or at another head"
        )
    report.passes("close", f"signed at seq {n}")

    if duplicate is not None:
        raise CheckFailed("duplicate", f"seq {duplicate[0]} repeats the ballot of seq {duplicate[1]}")
    report.passes("duplicate", "no ballot twice")

    limit = 1 + context.max_revotes
    rows_per_key = Counter(voting_keys)
    for seq, key in enumerate(voting_keys, start=1):
        if rows_per_key[key] > limit:
            raise CheckFailed("revotes", f"the voting key of seq {seq} has {rows_per_key[key]} "
                              f"rows, more than 1 + max_revotes = {limit}")
    report.passes("revotes", f"at most {limit} rows per voting key")

    counted = counted_seqs(enumerate(voting_keys, start=1))
    for seq, flag in enumerate(superseded, start=1):
        if flag != (seq not in counted):
            state = "superseded" if flag else "not superseded"
            raise CheckFailed("superseded", f"seq {seq} is marked {state}")
    report.passes("superseded", f"{len(counted)} counted, {n - len(counted)} superseded")
    return Board(voting_keys, units, counted, head, codes)
