"""Builders of the record's JSON objects (DESIGN.md §8), field for field,
for the export and for tests; the writer is `ovote.record.files`."""

from collections.abc import Iterable, Mapping

from ovote.crypto.elgamal import Ciphertext
from ovote.crypto.threshold import PartialDecryption, TrusteeCommitment
from ovote.record.grouping import Group


def ceremony_document(commitments: Iterable[TrusteeCommitment]) -> list[dict]:
    """The trustees' Schnorr proofs (§3.5): sorted by trustee index,
    ``{"trustee": i, "proofs": [{"c","z"} for t = 0..k-1]}``."""
    return [
        {"trustee": c.trustee, "proofs": [p.to_dict() for p in c.proofs]}
        for c in sorted(commitments, key=lambda c: c.trustee)
    ]


def election_document(
    *, definition: Mapping, fingerprint: bytes, ceremony: list, close: Mapping
) -> dict:
    """`election.json`; the slug is the manifest's."""
    return {
        "slug": definition["manifest"]["slug"],
        "fingerprint": fingerprint.hex(),
        "definition": definition,
        "ceremony": ceremony,
        "close": dict(close),
    }


def board_row(
    *, seq: int, received_at: str, tracking_code: str, chain: bytes,
    superseded: bool, ballot: Mapping,
) -> dict:
    """One line of `ballots.jsonl`; `received_at` is RFC 3339 UTC to the
    second (``2026-12-01T07:00:00Z``), `chain` the raw chain value."""
    return {
        "seq": seq,
        "received_at": received_at,
        "tracking_code": tracking_code,
        "chain": chain.hex(),
        "superseded": superseded,
        "ballot": ballot,
    }


def tally_entry(group: Group, sums: Iterable[Ciphertext]) -> dict:
    """One group of `tally.json`: its units, counted ballots and the sum
    per option (the identity pair for an option nobody's ballot reached)."""
    return {
        "contest": group.contest,
        "group": group.name,
        "units": list(group.units),
        "counted": group.counted,
        "sums": [s.to_dict() for s in sums],
    }


def decryption_entry(
    contest: str, group: str, trustee: int, partials: Iterable[PartialDecryption]
) -> dict:
    """One line of `decryption.jsonl`: a trustee's shares of a group's
    sums, one per option in option order."""
    return {
        "contest": contest,
        "group": group,
        "trustee": trustee,
        "shares": [{"D": p.share.hex(), "proof": p.proof.to_dict()} for p in partials],
    }
