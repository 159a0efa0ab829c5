"""Every kind of single change to a record makes `ovote verify` fail,
naming the check that catches it. Changes that a dishonest server could
cover up (re-signing a ballot with a voter's key it does not hold is
not one of them, but re-chaining and re-closing are) are covered up with
`reseal`, so each test reaches the check it is about."""

import pytest

from ovote.crypto.ballot import tracking_code
from ovote.record.board import close_statement
from ovote.record.checks import EXIT_CODES
from ovote.record.files import FILE_NAMES
from ovote.record.verify import verify_record
from tests.record.factory import reseal, resign


def flip_hex(text: str, position: int = 0) -> str:
    """Change one hex digit (staying a valid digit)."""
    digit = "1" if text[position] != "1" else "2"
    return text[:position] + digit + text[position + 1:]


def row(data, seq):
    return data.ballots[seq - 1]


def renumber(data):
    for seq, r in enumerate(data.ballots, start=1):
        r["seq"] = seq


def refingerprint(election, data):
    import hashlib

    from ovote.crypto.canonical import canonical_json

    data.election["fingerprint"] = hashlib.sha256(
        canonical_json(data.election["definition"])).hexdigest()


# --- the changes ------------------------------------------------------------

def proof_byte_resigned(election, data):
    ballot = row(data, 3)["ballot"]
    proof = ballot["contests"][0]["selections"][1]["proof"]
    proof["z"][0] = flip_hex(proof["z"][0])
    row(data, 3)["ballot"] = resign(data, ballot)
    reseal(election, data)


def proof_byte_raw(election, data):
    proof = row(data, 3)["ballot"]["contests"][0]["selections"][1]["proof"]
    proof["c"][1] = flip_hex(proof["c"][1], 5)


def contest_proof_resigned(election, data):
    ballot = row(data, 8)["ballot"]
    ballot["contests"][0]["proof"]["c"][0] = flip_hex(ballot["contests"][0]["proof"]["c"][0])
    row(data, 8)["ballot"] = resign(data, ballot)
    reseal(election, data)


def ciphertext_swapped_resigned(election, data):
    # Two selections' ciphertexts swapped: every proof now speaks of the
    # wrong option's index.
    ballot = row(data, 9)["ballot"]
    selections = ballot["contests"][0]["selections"]
    selections[0], selections[1] = selections[1], selections[0]
    row(data, 9)["ballot"] = resign(data, ballot)
    reseal(election, data)


def ballot_signature(election, data):
    row(data, 4)["ballot"]["signature"] = flip_hex(row(data, 4)["ballot"]["signature"], 3)
    reseal(election, data)


def ballot_dropped(election, data):
    del data.ballots[4]


def last_ballot_dropped(election, data):
    # The chain still holds, but the close statement pinned one more ballot.
    del data.ballots[-1]


def ballot_dropped_and_rechained(election, data):
    published = dict(data.election["close"])
    del data.ballots[4]
    renumber(data)
    reseal(election, data)
    data.election["close"] = published


def ballot_duplicated(election, data):
    data.ballots.insert(5, dict(row(data, 5)))


def ballot_duplicated_and_rechained(election, data):
    data.ballots.append(dict(row(data, 6), seq=16))
    reseal(election, data, reflag=True)


def ballots_reordered(election, data):
    data.ballots[1], data.ballots[2] = data.ballots[2], data.ballots[1]


def ballots_reordered_and_rechained(election, data):
    # The second revote moved before the first: now the wrong one counts
    # while the flags still say the other.
    data.ballots[12], data.ballots[14] = data.ballots[14], data.ballots[12]
    renumber(data)
    reseal(election, data)


def superseded_flipped(election, data):
    row(data, 1)["superseded"] = not row(data, 1)["superseded"]


def counted_flag_flipped(election, data):
    row(data, 15)["superseded"] = True


def chain_value(election, data):
    row(data, 7)["chain"] = flip_hex(row(data, 7)["chain"], 10)


def tracking_code_value(election, data):
    row(data, 2)["tracking_code"] = flip_hex(row(data, 2)["tracking_code"])


def seq_value(election, data):
    row(data, 6)["seq"] = 7


def received_at_not_rfc3339(election, data):
    row(data, 2)["received_at"] = "2026-12-01 07:00:02"


def results_count(election, data):
    data.results[0]["groups"][0]["counts"][0] += 1


def results_count_as_true(election, data):
    # true == 1 in Python, not in JSON.
    counts = next(g["counts"] for r in data.results for g in r["groups"] if g["counts"] and 1 in g["counts"])
    counts[counts.index(1)] = True


def results_national(election, data):
    data.results[1]["national"][1] += 1


def results_in_person_left_out(election, data):
    data.results[0]["in_person"] = []


def results_below_floor_published(election, data):
    data.results[2]["groups"][0]["counts"] = [1, 0]


def share_proof(election, data):
    share = data.decryption[0]["shares"][1]
    share["proof"]["z"] = flip_hex(share["proof"]["z"])


def share_from_another_trustee(election, data):
    data.decryption[0]["shares"] = data.decryption[1]["shares"]


def shares_below_threshold(election, data):
    data.decryption[:] = [d for d in data.decryption
                          if not (d["group"] == "PAR" and d["contest"] == "president" and d["trustee"] == 3)]


def group_below_floor_decrypted(election, data):
    entry = dict(data.decryption[0], contest="council", group="TYO")
    data.decryption.append(entry)


def group_merged_below_the_floor(election, data):
    # ROM, OSL and TYO (2 ballots) published as a group of their own.
    for entry in data.tally:
        if entry["group"] == "pool:LON,OSL,ROM,TYO":
            entry.update(group="pool:OSL,ROM,TYO", units=["OSL-full", "ROM-full", "TYO-local"], counted=2)


def group_counted(election, data):
    data.tally[0]["counted"] += 1


def group_left_out(election, data):
    del data.tally[1]


def sums_changed(election, data):
    data.tally[0]["sums"][0] = data.tally[1]["sums"][0]


def token_from_another_units_key(election, data):
    seq = 1
    ballot = row(data, seq)["ballot"]
    key = data.voting_keys[ballot["voting_key"]]
    token = election.token("PAR-full", key, signing_unit="LON-full")
    forged = election.ballot("PAR-full", key, token, {"president": ["bob"], "referendum": []})
    row(data, seq)["ballot"] = forged
    reseal(election, data)


def definition_changed(election, data):
    data.election["definition"]["manifest"]["contests"][0]["options"][0]["labels"]["en"] = "Mallory"


def fingerprint_changed(election, data):
    data.election["fingerprint"] = flip_hex(data.election["fingerprint"])


def floor_lowered(election, data):
    # Re-grouped under a floor of 1, with a fingerprint to match: the
    # board was chained from the real fingerprint.
    data.election["definition"]["manifest"]["min_unit_ballots"] = 1
    refingerprint(election, data)


def ceremony_proof(election, data):
    proof = data.election["ceremony"][1]["proofs"][0]
    proof["c"] = flip_hex(proof["c"])


def close_board_head(election, data):
    data.election["close"]["board_head"] = row(data, 14)["chain"]


def close_signed_for_an_earlier_board(election, data):
    data.election["close"] = close_statement(
        election.receipt_key, election.fingerprint, 14, bytes.fromhex(row(data, 14)["chain"]))


def in_person_same_person(election, data):
    data.in_person[0]["confirmed_by"] = data.in_person[0]["entered_by"]


def in_person_contest_not_carried(election, data):
    data.in_person.append({"consulate": "LON", "contest": "council", "counts": [1, 0],
                           "entered_by": 1, "confirmed_by": 2})


def in_person_twice(election, data):
    data.in_person.append(dict(data.in_person[0]))


def in_person_count_changed(election, data):
    data.in_person[0]["counts"][0] += 1


TAMPERS = [
    (proof_byte_resigned, "ballot_proof"),
    (contest_proof_resigned, "ballot_proof"),
    (ciphertext_swapped_resigned, "ballot_proof"),
    (proof_byte_raw, "tracking_code"),
    (ballot_signature, "ballot_signature"),
    (token_from_another_units_key, "ballot_token"),
    (ballot_dropped, "chain"),
    (ballot_dropped_and_rechained, "close"),
    (last_ballot_dropped, "close"),
    (ballot_duplicated, "chain"),
    (ballot_duplicated_and_rechained, "duplicate"),
    (ballots_reordered, "chain"),
    (ballots_reordered_and_rechained, "superseded"),
    (superseded_flipped, "superseded"),
    (counted_flag_flipped, "superseded"),
    (chain_value, "chain"),
    (tracking_code_value, "tracking_code"),
    (seq_value, "chain"),
    (received_at_not_rfc3339, "chain"),
    (results_count, "results"),
    (results_count_as_true, "results"),
    (results_national, "results"),
    (results_in_person_left_out, "results"),
    (results_below_floor_published, "results"),
    (share_proof, "decryption_share"),
    (share_from_another_trustee, "decryption_share"),
    (group_below_floor_decrypted, "decryption_share"),
    (shares_below_threshold, "combination"),
    (group_merged_below_the_floor, "grouping"),
    (group_counted, "grouping"),
    (group_left_out, "grouping"),
    (sums_changed, "sums"),
    (definition_changed, "fingerprint"),
    (fingerprint_changed, "fingerprint"),
    (floor_lowered, "chain"),
    (ceremony_proof, "ceremony"),
    (close_board_head, "close"),
    (close_signed_for_an_earlier_board, "close"),
    (in_person_same_person, "in_person"),
    (in_person_contest_not_carried, "in_person"),
    (in_person_twice, "in_person"),
    (in_person_count_changed, "results"),
]


@pytest.mark.parametrize("change, check", TAMPERS, ids=[t.__name__ for t, _ in TAMPERS])
def test_a_single_change_fails_naming_its_check(election, record, tmp_path, change, check):
    change(election, record)
    report = verify_record(record.write(tmp_path / "rec"), jobs=1)
    assert report.failed is not None, f"{change.__name__} went unnoticed"
    assert report.failed[0] == check, report.to_text()
    assert report.exit_code == EXIT_CODES[check]


@pytest.mark.parametrize("name", FILE_NAMES)
def test_a_missing_file_fails_files(base_record, tmp_path, name):
    path = base_record.write(tmp_path / "rec")
    (path / name).unlink()
    report = verify_record(path, jobs=1)
    assert report.failed[0] == "files" and name in report.failed[1]
    assert report.exit_code == EXIT_CODES["files"]


def test_a_file_that_is_not_json_fails_files(base_record, tmp_path):
    path = base_record.write(tmp_path / "rec")
    (path / "results.json").write_bytes(b'{"contest": 1.5}')
    assert verify_record(path, jobs=1).failed[0] == "files"


def test_a_changed_byte_in_the_file_itself_is_caught(base_record, tmp_path):
    path = base_record.write(tmp_path / "rec")
    raw = bytearray((path / "ballots.jsonl").read_bytes())
    position = raw.index(b'"alpha":"') + 20
    raw[position] = ord("0") if raw[position] != ord("0") else ord("1")
    (path / "ballots.jsonl").write_bytes(bytes(raw))
    assert verify_record(path, jobs=2).failed[0] == "tracking_code"


def test_the_first_bad_ballot_is_named_whatever_the_number_of_processes(election, record, tmp_path):
    for seq in (4, 11):
        ballot = row(record, seq)["ballot"]
        proof = ballot["contests"][0]["selections"][0]["proof"]
        proof["z"][1] = flip_hex(proof["z"][1])
        row(record, seq)["ballot"] = resign(record, ballot)
    reseal(election, record)
    path = record.write(tmp_path / "rec")
    for jobs in (1, 2):
        failed = verify_record(path, jobs=jobs).failed
        assert failed[0] == "ballot_proof" and "seq 4" in failed[1]
    assert tracking_code(row(record, 4)["ballot"]) == row(record, 4)["tracking_code"]


def _protected_positions(raw: bytes, name: str):
    # received_at and the staff ids of in-person returns are the only
    # values no hash or signature binds (receipts, kept by voters, sign
    # received_at); every other byte must matter.
    import re

    free = set()
    for match in re.finditer(rb'"received_at":"[^"]*"', raw):
        free.update(range(match.start(), match.end()))
    return [i for i in range(len(raw)) if i not in free and raw[i:i + 1] not in b"\n"]


@pytest.mark.parametrize("name", ["election.json", "ballots.jsonl", "tally.json", "decryption.jsonl"])
def test_any_changed_byte_fails_some_check(base_record, tmp_path, name):
    import random

    path = base_record.write(tmp_path / "rec")
    original = (path / name).read_bytes()
    rng = random.Random(name)
    positions = rng.sample(_protected_positions(original, name), 12)
    for position in positions:
        changed = bytearray(original)
        changed[position] = rng.choice([b for b in range(32, 127) if b != original[position]])
        (path / name).write_bytes(bytes(changed))
        report = verify_record(path, jobs=1)
        assert report.failed is not None, f"{name} byte {position} changed unnoticed"
        assert report.exit_code == EXIT_CODES[report.failed[0]]
    (path / name).write_bytes(original)


@pytest.mark.parametrize("second_read, message", [
    (lambda lines: lines[:3] + lines[4:5] + lines[4:], "changed while"),
    (lambda lines: lines[:-1], "shrank"),
    (lambda lines: lines + lines[-1:], "grew"),
])
def test_a_board_that_changes_between_the_two_reads_fails(record_dir, monkeypatch, second_read, message):
    from ovote.record.files import RecordSource

    reads = []
    original = RecordSource.lines

    def lines(self, name):
        found = list(original(self, name))
        if name == "ballots.jsonl":
            reads.append(name)
            if len(reads) == 2:
                return iter(second_read(found))
        return iter(found)

    monkeypatch.setattr(RecordSource, "lines", lines)
    report = verify_record(record_dir, jobs=1)
    assert report.failed[0] == "tracking_code" and message in report.failed[1]
