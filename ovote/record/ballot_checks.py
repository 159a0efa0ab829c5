"""Validation of the board's ballots, chunk by chunk, in worker processes.

Each worker is initialised once with the election's public data; a task
is a chunk of raw `ballots.jsonl` lines with their seq and whether the
board pass found them counted. A worker validates every ballot with
`ovote.crypto.ballot_validation.validate_ballot` (token, signature,
structure, encodings, proofs) and sums the counted ones per unit and
contest; it returns the chunk's first failure (if any) and its partial
sums, which the parent merges in chunk order.
"""

import json
import time

from ovote.crypto import blindrsa
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.errors import InvalidBallot
from ovote.crypto.group import Point
from ovote.record.aggregate import SumAccumulator, flatten
from ovote.record.checks import BALLOT_CHECK

_context = None


class _Context:
    def __init__(self, fingerprint: bytes, joint_key_hex: str, units: dict):
        self.fingerprint = fingerprint
        self.joint_key = Point.from_hex(joint_key_hex)
        self.units = {
            uid: (unit["ballot_style"], blindrsa.public_key_from_dict({"n": unit["n"], "e": unit["e"]}))
            for uid, unit in units.items()
        }


def init_worker(fingerprint: bytes, joint_key_hex: str, units: dict) -> None:
    """Pool initializer: decode the unit keys once per process."""
    global _context
    _context = _Context(fingerprint, joint_key_hex, units)


def check_ballot(line: bytes):
    """Validate one raw row's ballot; return `(ballot's unit, ValidatedBallot)`.
    Raises `InvalidBallot` with the failing code."""
    try:
        # The board pass parsed these very bytes strictly (no duplicate
        # keys, floats or unsafe integers): plain json is enough here.
        ballot = json.loads(line)["ballot"]
    except (ValueError, KeyError, TypeError):
        raise InvalidBallot("row does not parse", code="bad_structure") from None
    unit_id = ballot.get("unit") if isinstance(ballot, dict) else None
    entry = _context.units.get(unit_id) if isinstance(unit_id, str) else None
    if entry is None:
        raise InvalidBallot(f"unknown unit {unit_id!r}", code="bad_structure")
    style, key = entry
    validated = validate_ballot(
        ballot, fingerprint=_context.fingerprint, unit_id=unit_id,
        ballot_style=style, unit_key=key, joint_key=_context.joint_key,
    )
    return unit_id, validated


def check_chunk(chunk):
    """Task: `chunk` is a list of `(seq, counted, tracking code from the
    board pass, raw line)`. Returns
    `(failure, partial sums, number checked, CPU seconds)` where failure
    is None or `(seq, check name, message)` for the chunk's first bad
    ballot, and the partial sums are keyed by `(unit id, contest id)`."""
    sums = SumAccumulator()
    checked = 0
    started = time.process_time()
    for seq, counted, code, line in chunk:
        try:
            unit_id, validated = check_ballot(line)
            if validated.tracking_code != code.hex():
                # The file changed between the board pass and this read.
                failure = (seq, "tracking_code", "the ballot changed while the record was read")
                return failure, sums, checked, time.process_time() - started
        except InvalidBallot as exc:
            failure = (seq, BALLOT_CHECK.get(exc.code, "ballot_structure"), str(exc))
            return failure, sums, checked, time.process_time() - started
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # Shapes validate_ballot does not expect (it assumes JSON types
            # it has checked): still the ballot's structure that is wrong.
            failure = (seq, "ballot_structure", f"malformed ballot: {exc}")
            return failure, sums, checked, time.process_time() - started
        checked += 1
        if counted:
            for contest_id, by_option in validated.ciphertexts.items():
                sums.add((unit_id, contest_id), flatten(by_option.values()))
    return None, sums, checked, time.process_time() - started
