"""Election definition and fingerprint (DESIGN.md §3.9).

The definition is the plain JSON document

    {"version": "ovote/v1",
     "manifest": <the election manifest, any canonical-JSON value>,
     "threshold": k,
     "trustees": [{"index": i, "commitments": [point hex, k of them]}, ...],
     "joint_key": <point hex>,
     "units": [{"id", "consulate", "ballot_style", "n": hex, "e": hex}, ...],
     "receipt_key": <Ed25519 public key hex>}

with trustees sorted by index and units by id, so that the same election
always yields the same bytes. The fingerprint is SHA-256 of its canonical
JSON; ballots, tokens and proofs bind it, so nothing in it can change once
the election is frozen.

Where §3.9 leaves a choice open, ovote has made it as follows; an
independent client or verifier must do the same to get the same bytes:

* Exactly the seven top-level keys above, no others (no ceremony keys,
  Schnorr proofs or privacy floor).
* "trustees": one object per trustee, exactly ``{"index", "commitments"}``,
  sorted by index ascending; "commitments" lists A_i,0..A_i,k-1 in order
  of t, each a point in lowercase hex. "threshold" is the JSON integer k.
* "units": one flat object per unit, exactly ``{"id", "consulate",
  "ballot_style", "n", "e"}`` (the RSA key is not nested). "ballot_style"
  is the whole ballot style document of `ovote.crypto.ballot_style`, not
  its id. Units are sorted by "id" in Unicode code point order (Python's
  string order).
* "n" and "e": big-endian, lowercase hex of the minimal number of whole
  bytes, so always an even number of digits and no leading zero byte:
  e = 65537 is ``"010001"`` (not ``"10001"``, which JavaScript's
  ``toString(16)`` gives); a 3072-bit n is exactly 768 digits.
* "joint_key": the point K in lowercase hex; "receipt_key": the raw
  32-byte Ed25519 public key in lowercase hex; "version": ``"ovote/v1"``;
  "manifest": the manifest value as given, any canonical-JSON value.
* The fingerprint enters hashes and the token message as its 32 raw
  bytes, and a ballot's "election" field as 64 lowercase hex digits.
"""

import hashlib
from typing import Iterable, Mapping

from ovote.crypto import blindrsa
from ovote.crypto.ballot_style import check_ballot_style
from ovote.crypto.canonical import canonical_json
from ovote.crypto.group import Point, sum_points
from ovote.crypto.threshold import TrusteeCommitment
from ovote.crypto.tokens import check_unit_key

VERSION = "ovote/v1"


def election_definition(
    *,
    manifest,
    threshold: int,
    trustees: Iterable[TrusteeCommitment],
    joint_key: Point,
    units: Iterable[Mapping],
    receipt_key: bytes,
) -> dict:
    """Build the definition document.

    `units` items are ``{"id", "consulate", "ballot_style", "public_key"}``
    with the unit's `cryptography` RSA public key; `receipt_key` is the raw
    32-byte Ed25519 public key. Checks that every ballot style is well
    formed, that every unit key is 3072-bit RSA, that trustee indices and
    unit ids are unique, that 1 <= k <= n, that every trustee
    published k commitments, and that `joint_key` is their sum (ValueError
    otherwise).
    """
    trustees = sorted(trustees, key=lambda c: c.trustee)
    units = sorted(units, key=lambda u: u["id"])
    indices, unit_ids = [c.trustee for c in trustees], [u["id"] for u in units]
    if len(set(indices)) != len(indices) or len(set(unit_ids)) != len(unit_ids):
        raise ValueError("trustee indices and unit ids must be unique")
    if not 1 <= threshold <= len(trustees):
        raise ValueError("the threshold must be between 1 and the number of trustees")
    if any(len(c.commitments) != threshold for c in trustees):
        raise ValueError("every trustee must publish exactly k commitments")
    if sum_points(c.commitments[0] for c in trustees) != joint_key:
        raise ValueError("joint key is not the sum of the trustees' commitments")
    unit_entries = []
    for unit in units:
        check_ballot_style(unit["ballot_style"])
        check_unit_key(unit["public_key"])
        unit_entries.append(
            {
                "id": unit["id"],
                "consulate": unit["consulate"],
                "ballot_style": unit["ballot_style"],
                **blindrsa.public_key_to_dict(unit["public_key"]),
            }
        )
    return {
        "version": VERSION,
        "manifest": manifest,
        "threshold": threshold,
        "trustees": [
            {"index": c.trustee, "commitments": [a.hex() for a in c.commitments]}
            for c in trustees
        ],
        "joint_key": joint_key.hex(),
        "units": unit_entries,
        "receipt_key": bytes(receipt_key).hex(),
    }


def election_fingerprint(definition: Mapping) -> bytes:
    """SHA-256 of the canonical JSON of the definition (32 bytes)."""
    return hashlib.sha256(canonical_json(definition)).digest()


def joint_key_of(definition: Mapping) -> Point:
    """Recompute K from the definition's commitments, and check it equals
    the published `joint_key` (for the verifier). Raises ValueError or
    `DecodeError` otherwise."""
    commitments = [
        [Point.from_hex(a) for a in trustee["commitments"]]
        for trustee in definition["trustees"]
    ]
    if any(len(c) != definition["threshold"] for c in commitments):
        raise ValueError("a trustee does not have exactly k commitments")
    key = sum_points(c[0] for c in commitments)
    if key != Point.from_hex(definition["joint_key"]):
        raise ValueError("joint key does not match the commitments")
    return key
