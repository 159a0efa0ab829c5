"""A real, small election record built with nothing but `ovote.crypto`
and `ovote.record`: a 2-of-3 key ceremony, 3072-bit unit keys, tokens by
blind signing, encrypted ballots with revotes, the board with its chain
and close statement, homomorphic sums per privacy-floor group, partial
decryptions by k trustees, in-person returns and results.

`Election` holds the secrets (unit keys, trustee shares, receipt key,
voting keys) so that tamper tests can re-sign what they change;
`RecordData` is the record in memory, which `write` puts on disk with
the record writer.
"""

import copy
import functools
import random
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot import (
    ballot_ciphertexts, build_ballot, sign_ballot, tracking_code, voting_key_bytes,
)
from ovote.crypto.elgamal import decode_small
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.threshold import (
    combine, combine_received_shares, deal, joint_key, partial_decrypt, verification_key,
)
from ovote.record.aggregate import SumAccumulator, flatten
from ovote.record.board import chain_step, close_statement, counted_seqs
from ovote.record.documents import (
    board_row, ceremony_document, decryption_entry, election_document, tally_entry,
)
from ovote.record.files import write_record
from ovote.record.grouping import privacy_groups
from ovote.record.results import results_document


@functools.lru_cache(maxsize=None)
def rsa_key(number: int):
    """The `number`-th 3072-bit unit key of this process (generated once)."""
    return blindrsa.generate_key(3072)


def contest(cid, options, low=1, high=1):
    return {
        "id": cid,
        "labels": {"en": cid.title(), "fr": cid.title()},
        "options": [{"id": o, "labels": {"en": o.title()}} for o in options],
        "min": low,
        "max": high,
    }


def style(sid, manifest_contests):
    return {
        "id": sid,
        "contests": [
            {"id": c["id"], "options": [o["id"] for o in c["options"]], "min": c["min"], "max": c["max"]}
            for c in manifest_contests
        ],
    }


class Election:
    """A frozen election with every secret at hand."""

    def __init__(self, *, slug, contests, units, min_unit_ballots, max_revotes,
                 threshold=2, trustees=3):
        """`units`: `(unit id, consulate, [contest ids], rsa key number)`."""
        self.manifest = {
            "slug": slug, "title": {"en": f"Election {slug}"}, "contests": contests,
            "min_unit_ballots": min_unit_ballots, "max_revotes": max_revotes,
        }
        by_id = {c["id"]: c for c in contests}
        polynomials, commitments = {}, {}
        for i in range(1, trustees + 1):
            polynomials[i], commitments[i] = deal(slug, i, threshold)
        self.commitments = list(commitments.values())
        self.shares = {
            j: combine_received_shares(
                slug, j, threshold, commitments,
                {i: polynomials[i].evaluate(j) for i in commitments},
            )
            for j in commitments
        }
        self.unit_keys = {}
        unit_entries = []
        for uid, consulate, contest_ids, key_number in units:
            self.unit_keys[uid] = rsa_key(key_number)
            unit_entries.append({
                "id": uid, "consulate": consulate,
                "ballot_style": style(f"style-{'-'.join(contest_ids)}", [by_id[c] for c in contest_ids]),
                "public_key": self.unit_keys[uid].public_key(),
            })
        self.receipt_key = Ed25519PrivateKey.generate()
        self.joint_key = joint_key(self.commitments)
        self.threshold = threshold
        self.definition = election_definition(
            manifest=self.manifest, threshold=threshold, trustees=self.commitments,
            joint_key=self.joint_key, units=unit_entries,
            receipt_key=voting_key_bytes(self.receipt_key),
        )
        self.fingerprint = election_fingerprint(self.definition)
        self.styles = {u["id"]: u["ballot_style"] for u in self.definition["units"]}

    def token(self, unit_id, voting_key, *, signing_unit=None):
        """A token for `voting_key`, blind-signed by the key of `signing_unit`
        (default: the unit's own) and checked under that key."""
        key = self.unit_keys[signing_unit or unit_id]
        request = tokens.request_token(key.public_key(), self.fingerprint, voting_key_bytes(voting_key))
        blind_sig = tokens.issue_token(key, request.blinded_msg)
        return tokens.finish_token(key.public_key(), request, blind_sig)

    def ballot(self, unit_id, voting_key, token, choices):
        return build_ballot(
            fingerprint=self.fingerprint, unit_id=unit_id, ballot_style=self.styles[unit_id],
            joint_key=self.joint_key, voting_key=voting_key, token=token, choices=choices,
        )


@dataclass
class RecordData:
    """The six files in memory."""

    election: dict
    ballots: list
    tally: list
    decryption: list
    in_person: list
    results: list
    #: voting key hex -> private key, for re-signing a changed ballot.
    voting_keys: dict = field(default_factory=dict)
    #: (contest, group) -> counts from the voters' choices in clear.
    truth: dict = field(default_factory=dict)

    def copy(self) -> "RecordData":
        return RecordData(*(copy.deepcopy(getattr(self, n)) for n in
                            ("election", "ballots", "tally", "decryption", "in_person", "results")),
                          voting_keys=self.voting_keys, truth=self.truth)

    def write(self, path, *, as_zip=False):
        return write_record(
            path, election=self.election, ballots=self.ballots, tally=self.tally,
            decryption=self.decryption, in_person=self.in_person, results=self.results,
            as_zip=as_zip,
        )


def received_at(seq: int) -> str:
    return f"2026-12-01T{7 + seq // 3600:02d}:{seq // 60 % 60:02d}:{seq % 60:02d}Z"


def reseal(election: Election, data: RecordData, *, reflag=False) -> None:
    """After a change to ballots: recompute tracking codes, the chain and
    the close statement (what a dishonest server could do), and with
    `reflag` the superseded flags."""
    head = election.fingerprint
    if reflag:
        counted = counted_seqs((r["seq"], r["ballot"]["voting_key"]) for r in data.ballots)
    for row in data.ballots:
        code = tracking_code(row["ballot"])
        row["tracking_code"] = code
        head = chain_step(head, bytes.fromhex(code))
        row["chain"] = head.hex()
        if reflag:
            row["superseded"] = row["seq"] not in counted
    data.election["close"] = close_statement(
        election.receipt_key, election.fingerprint, len(data.ballots), head)


def resign(data: RecordData, ballot: dict) -> dict:
    return sign_ballot(ballot, data.voting_keys[ballot["voting_key"]])


def build_record(election: Election, casts, in_person, *, decrypting=(1, 3), extra_trustees=None):
    """`casts`: `(unit id, voter number, choices)` in board order (a voter
    number seen again is a revote with the same voting key; a choices of
    None re-sends that voter's previous ballot, which the board ignores).
    `in_person`: the in_person.json list. `extra_trustees` maps
    `(contest, group)` to more trustees decrypting that group."""
    voters, rows, seen, last, plain = {}, [], {}, {}, {}
    head = election.fingerprint
    for unit_id, number, choices in casts:
        if number not in voters:
            key = Ed25519PrivateKey.generate()
            voters[number] = (key, election.token(unit_id, key))
        key, token = voters[number]
        ballot = last[number] if choices is None else election.ballot(unit_id, key, token, choices)
        last[number] = ballot
        if choices is not None:
            plain[tracking_code(ballot)] = choices
        code = tracking_code(ballot)
        if code in seen:  # identical ballot: the board answers its receipt again
            continue
        head = chain_step(head, bytes.fromhex(code))
        seen[code] = len(rows) + 1
        rows.append(board_row(seq=len(rows) + 1, received_at=received_at(len(rows) + 1),
                              tracking_code=code, chain=head, superseded=False, ballot=ballot))
    counted = counted_seqs((r["seq"], r["ballot"]["voting_key"]) for r in rows)
    unit_sums, per_unit = SumAccumulator(), {}
    for row in rows:
        row["superseded"] = row["seq"] not in counted
        if row["superseded"]:
            continue
        ballot = row["ballot"]
        per_unit[ballot["unit"]] = per_unit.get(ballot["unit"], 0) + 1
        # Decoded from the wire, as the tally service reads the board.
        for cid, by_option in ballot_ciphertexts(ballot, election.styles[ballot["unit"]]).items():
            unit_sums.add((ballot["unit"], cid), flatten(by_option.values()))
    groups = privacy_groups(election.definition, per_unit)
    options = {c["id"]: len(c["options"]) for c in election.manifest["contests"]}
    tally, decryption, counts = [], [], {}
    vkeys = {j: verification_key(election.commitments, j) for j in election.shares}
    for group in groups:
        sums = unit_sums.combined([(u, group.contest) for u in group.units], options[group.contest])
        tally.append(tally_entry(group, sums))
        if not group.decryptable:
            continue
        trustees = list(decrypting) + list((extra_trustees or {}).get((group.contest, group.name), ()))
        partials = {
            j: [partial_decrypt(election.fingerprint, j, election.shares[j], s.alpha, vkeys[j]) for s in sums]
            for j in sorted(trustees)
        }
        for j, shares in partials.items():
            decryption.append(decryption_entry(group.contest, group.name, j, shares))
        counts[(group.contest, group.name)] = [
            decode_small(combine(s, [partials[j][o] for j in partials]), group.counted)
            for o, s in enumerate(sums)
        ]
    results = results_document(election.definition, groups, counts, in_person)
    truth = {}
    for group in groups:
        options_of = [c for c in election.manifest["contests"] if c["id"] == group.contest][0]["options"]
        truth[(group.contest, group.name)] = [
            sum(1 for r in rows if not r["superseded"] and r["ballot"]["unit"] in group.units
                and o["id"] in plain[r["tracking_code"]][group.contest])
            for o in options_of
        ]
    election_json = election_document(
        definition=election.definition, fingerprint=election.fingerprint,
        ceremony=ceremony_document(election.commitments),
        close=close_statement(election.receipt_key, election.fingerprint, len(rows), head),
    )
    return RecordData(
        election_json, rows, tally, decryption, list(in_person), results,
        voting_keys={voting_key_bytes(k).hex(): k for k, _ in voters.values()},
        truth=truth,
    )


# --- The election the record tests use -------------------------------------

CONTESTS = [
    contest("president", ["alice", "bob", "carol"]),
    contest("referendum", ["yes", "no"], 0, 1),
    contest("council", ["north", "south"]),
]
UNITS = [
    ("LON-full", "LON", ["president", "referendum"], 0),
    ("NYC-full", "NYC", ["president", "referendum"], 1),
    ("NYC-pres", "NYC", ["president"], 2),
    ("OSL-full", "OSL", ["president", "referendum"], 0),
    ("PAR-full", "PAR", ["president", "referendum"], 1),
    ("ROM-full", "ROM", ["president", "referendum"], 2),
    ("TYO-local", "TYO", ["president", "council"], 0),
]
IN_PERSON = [
    {"consulate": "PAR", "contest": "president", "counts": [2, 1, 0], "entered_by": 11, "confirmed_by": 12},
    {"consulate": "ROM", "contest": "referendum", "counts": [1, 1], "entered_by": 13, "confirmed_by": 14},
    {"consulate": "TYO", "contest": "council", "counts": [1, 0], "entered_by": 15, "confirmed_by": 16},
]


def test_election() -> Election:
    return Election(slug="overseas-2026", contests=CONTESTS, units=UNITS,
                    min_unit_ballots=3, max_revotes=2)


def test_casts(seed=12):
    """15 board rows: PAR 4 voters (one revoting twice), LON 3, NYC 3 + 1,
    ROM 1, TYO 1, OSL none; and one identical ballot sent again."""
    rng = random.Random(seed)
    styles = {u[0]: u[2] for u in UNITS}
    options = {c["id"]: [o["id"] for o in c["options"]] for c in CONTESTS}

    def choices(unit):
        out = {}
        for cid in styles[unit]:
            low = 0 if cid == "referendum" else 1
            out[cid] = rng.sample(options[cid], rng.randint(low, 1))
        return out

    casts, number = [], 0
    plan = [("PAR-full", 4), ("LON-full", 3), ("NYC-full", 3), ("NYC-pres", 1),
            ("ROM-full", 1), ("TYO-local", 1)]
    for unit, voters in plan:
        for _ in range(voters):
            number += 1
            casts.append((unit, number, choices(unit)))
    casts.append(("PAR-full", 1, choices("PAR-full")))   # revote
    casts.append(("LON-full", 5, None))                   # identical ballot again
    casts.append(("PAR-full", 1, choices("PAR-full")))   # second revote
    return casts


def test_record(election: Election) -> RecordData:
    return build_record(election, test_casts(), IN_PERSON,
                        extra_trustees={("president", "NYC"): (2,)})
