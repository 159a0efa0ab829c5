"""Checks of `election.json` (DESIGN.md §3.5, §3.9, §8) and the election
context every later check needs, recomputed from the definition alone."""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ovote.crypto import blindrsa
from ovote.crypto.ballot_style import check_ballot_style
from ovote.crypto.canonical import canonical_json, hex_decode
from ovote.crypto.errors import DecodeError
from ovote.crypto.fingerprint import VERSION, joint_key_of
from ovote.crypto.group import Point
from ovote.crypto.proofs import SimpleProof
from ovote.crypto.threshold import TrusteeCommitment, verification_key
from ovote.crypto.tokens import UNIT_KEY_BITS
from ovote.record.checks import CheckFailed

ELECTION_FIELDS = {"slug", "fingerprint", "definition", "ceremony", "close"}
DEFINITION_FIELDS = {
    "version", "manifest", "threshold", "trustees", "joint_key", "units", "receipt_key",
}
MANIFEST_FIELDS = {"slug", "title", "contests", "min_unit_ballots", "max_revotes"}
UNIT_FIELDS = {"id", "consulate", "ballot_style", "n", "e"}
_CONSULATE = re.compile(r"[A-Z0-9]+")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class ElectionContext:
    """What the ballot, tally and decryption checks take from election.json."""

    slug: str
    definition: dict
    fingerprint: bytes
    joint_key: Point
    threshold: int
    #: Trustee index -> verification key S_j (from the commitments).
    verification_keys: dict
    #: Unit id -> the definition's unit object.
    units: dict
    #: Contest id -> option ids, in manifest order.
    options: dict
    min_unit_ballots: int
    max_revotes: int
    close: dict


def _fail(message):
    return CheckFailed("definition", message)


def _check_manifest(manifest) -> dict:
    if not isinstance(manifest, Mapping) or set(manifest) != MANIFEST_FIELDS:
        raise _fail(f"manifest: fields must be {sorted(MANIFEST_FIELDS)}")
    floor, revotes = manifest["min_unit_ballots"], manifest["max_revotes"]
    if not (_is_int(floor) and floor >= 1 and _is_int(revotes) and revotes >= 0):
        raise _fail("manifest: min_unit_ballots >= 1 and max_revotes >= 0 are required")
    contests = manifest["contests"]
    if not isinstance(contests, list) or not contests:
        raise _fail("manifest: needs a list of contests")
    options = {}
    for contest in contests:
        if not isinstance(contest, Mapping) or set(contest) != {"id", "labels", "options", "min", "max"}:
            raise _fail('manifest contest: fields must be "id","labels","options","min","max"')
        cid = contest["id"]
        if not isinstance(cid, str) or cid in options:
            raise _fail(f"manifest contest {cid!r}: id must be a unique string")
        listed = contest["options"] if isinstance(contest["options"], list) else []
        if not all(isinstance(o, Mapping) and set(o) == {"id", "labels"} for o in listed):
            raise _fail(f'manifest contest {cid}: each option is {{"id","labels"}}')
        ids = [o["id"] for o in listed]
        if not ids or not all(isinstance(i, str) for i in ids) or len(set(ids)) != len(ids):
            raise _fail(f"manifest contest {cid}: options need unique ids")
        low, high = contest["min"], contest["max"]
        if not (_is_int(low) and _is_int(high) and 0 <= low <= high <= len(ids)):
            raise _fail(f"manifest contest {cid}: need 0 <= min <= max <= options")
        options[cid] = ids
    return options


def _check_units(definition, manifest_contests) -> dict:
    units, previous = {}, None
    order = [c["id"] for c in manifest_contests]
    by_id = {c["id"]: c for c in manifest_contests}
    if not isinstance(definition["units"], list) or not definition["units"]:
        raise _fail("units: expected a non-empty list")
    for unit in definition["units"]:
        if not isinstance(unit, Mapping) or set(unit) != UNIT_FIELDS:
            raise _fail(f"unit: fields must be {sorted(UNIT_FIELDS)}")
        uid = unit["id"]
        if not isinstance(uid, str) or (previous is not None and uid <= previous):
            raise _fail(f"unit {uid!r}: units must be sorted by id, each once")
        previous = uid
        if not isinstance(unit["consulate"], str) or not _CONSULATE.fullmatch(unit["consulate"]):
            raise _fail(f"unit {uid}: consulate codes are upper-case letters and digits")
        try:
            check_ballot_style(unit["ballot_style"])
            key = blindrsa.public_key_from_dict({"n": unit["n"], "e": unit["e"]})
        except (ValueError, DecodeError) as exc:
            raise _fail(f"unit {uid}: {exc}") from None
        if key.key_size != UNIT_KEY_BITS:
            raise _fail(f"unit {uid}: the key is not {UNIT_KEY_BITS}-bit RSA")
        positions = []
        for contest in unit["ballot_style"]["contests"]:
            source = by_id.get(contest["id"])
            expected = source and {
                "id": source["id"], "options": [o["id"] for o in source["options"]],
                "min": source["min"], "max": source["max"],
            }
            if contest != expected:
                raise _fail(f"unit {uid}: contest {contest['id']!r} differs from the manifest's")
            positions.append(order.index(contest["id"]))
        if positions != sorted(positions):
            raise _fail(f"unit {uid}: contests are not in manifest order")
        units[uid] = unit
    carried = {c["id"] for u in units.values() for c in u["ballot_style"]["contests"]}
    missing = [cid for cid in order if cid not in carried]
    if missing:
        raise _fail(f"contest {missing[0]} is carried by no unit")
    return units


def check_election(election) -> ElectionContext:
    """Run the `definition`, `fingerprint` and `ceremony` checks on the
    parsed election.json, in that order; raise `CheckFailed` at the first
    failure, else return the context."""
    if not isinstance(election, Mapping) or set(election) != ELECTION_FIELDS:
        raise _fail(f"election.json: fields must be {sorted(ELECTION_FIELDS)}")
    definition = election["definition"]
    if not isinstance(definition, Mapping) or set(definition) != DEFINITION_FIELDS:
        raise _fail(f"definition: fields must be {sorted(DEFINITION_FIELDS)}")
    if definition["version"] != VERSION:
        raise _fail(f"definition: version must be {VERSION}")
    options = _check_manifest(definition["manifest"])
    slug = election["slug"]
    if not isinstance(slug, str) or slug != definition["manifest"]["slug"]:
        raise _fail("slug: not the manifest's slug")
    threshold, trustees = definition["threshold"], definition["trustees"]
    if not isinstance(trustees, list) or not _is_int(threshold) or not 1 <= threshold <= len(trustees):
        raise _fail("threshold: need 1 <= k <= number of trustees")
    for index, trustee in enumerate(trustees, start=1):
        if not isinstance(trustee, Mapping) or set(trustee) != {"index", "commitments"}:
            raise _fail('trustees: each is {"index","commitments"}')
        if trustee["index"] != index or not _is_int(trustee["index"]):
            raise _fail("trustees: indexed 1..n in order")
    try:
        hex_decode(definition["receipt_key"], 32, what="receipt_key")
    except DecodeError as exc:
        raise _fail(str(exc)) from None
    units = _check_units(definition, definition["manifest"]["contests"])
    close = election["close"]
    if not isinstance(close, Mapping):
        raise _fail("election.json: close is required")

    fingerprint = hashlib.sha256(canonical_json(definition)).digest()
    if election["fingerprint"] != fingerprint.hex():
        raise CheckFailed("fingerprint", "does not match SHA-256 of the definition")

    commitments = _check_ceremony(slug, definition, election["ceremony"])
    try:
        joint_key = joint_key_of(definition)
    except (ValueError, DecodeError) as exc:
        raise CheckFailed("ceremony", str(exc)) from None
    keys = {
        c.trustee: verification_key(commitments, c.trustee) for c in commitments
    }
    manifest = definition["manifest"]
    return ElectionContext(
        slug=slug, definition=definition, fingerprint=fingerprint, joint_key=joint_key,
        threshold=threshold, verification_keys=keys, units=units, options=options,
        min_unit_ballots=manifest["min_unit_ballots"], max_revotes=manifest["max_revotes"],
        close=dict(close),
    )


def _check_ceremony(slug, definition, ceremony) -> list[TrusteeCommitment]:
    trustees = definition["trustees"]
    if not isinstance(ceremony, list) or len(ceremony) != len(trustees):
        raise CheckFailed("ceremony", "expected one entry per trustee")
    commitments = []
    for trustee, entry in zip(trustees, ceremony):
        index = trustee["index"]
        if not isinstance(entry, Mapping) or set(entry) != {"trustee", "proofs"} or entry["trustee"] != index:
            raise CheckFailed("ceremony", f'entry {index}: expected {{"trustee": {index}, "proofs"}}')
        try:
            commitment = TrusteeCommitment(
                slug, index,
                tuple(Point.from_hex(a) for a in trustee["commitments"]),
                tuple(SimpleProof.from_dict(p) for p in entry["proofs"]),
            )
        except (DecodeError, TypeError) as exc:
            raise CheckFailed("ceremony", f"trustee {index}: {exc}") from None
        if not commitment.verify(slug, definition["threshold"]):
            raise CheckFailed("ceremony", f"trustee {index}: a Schnorr proof does not verify")
        commitments.append(commitment)
    return commitments
