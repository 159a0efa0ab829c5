"""Checking a downloaded election definition (DESIGN.md §3.9).

A client must not trust the server's copy of the definition: it
recomputes the fingerprint, validates every point, and recomputes the
joint key from the trustees' commitments before encrypting anything under
it. `check_definition` does all of that and hands back the parts a voter
client (or a verifier) needs as Python objects.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from ovote.crypto import blindrsa
from ovote.crypto.ballot_style import check_ballot_style
from ovote.crypto.canonical import hex_decode
from ovote.crypto.errors import DecodeError
from ovote.crypto.fingerprint import VERSION, election_fingerprint, joint_key_of
from ovote.crypto.group import Point
from ovote.crypto.tokens import check_unit_key

DEFINITION_FIELDS = frozenset(
    {"version", "manifest", "threshold", "trustees", "joint_key", "units", "receipt_key"}
)
UNIT_FIELDS = frozenset({"id", "consulate", "ballot_style", "n", "e"})
MANIFEST_FIELDS = frozenset({"slug", "title", "contests", "min_unit_ballots", "max_revotes"})


class DefinitionError(ValueError):
    """The definition is malformed or inconsistent; the message says where."""


@dataclass(frozen=True)
class Unit:
    id: str
    consulate: str
    ballot_style: dict
    public_key: RSAPublicKey


@dataclass(frozen=True)
class CheckedDefinition:
    definition: dict
    fingerprint: bytes
    joint_key: Point
    receipt_key: bytes
    units: dict  # unit id -> Unit
    manifest: dict


def check_definition(definition, *, fingerprint: str | None = None) -> CheckedDefinition:
    """Check `definition` (parsed JSON) and return its parts.

    With `fingerprint` (hex, as published next to it), also check that the
    recomputed fingerprint equals it. Raises `DefinitionError`.
    """
    if not isinstance(definition, Mapping) or set(definition) != DEFINITION_FIELDS:
        raise DefinitionError(f"definition: fields must be {sorted(DEFINITION_FIELDS)}")
    if definition["version"] != VERSION:
        raise DefinitionError("definition: unsupported version")
    computed = election_fingerprint(definition)
    if fingerprint is not None and computed.hex() != fingerprint:
        raise DefinitionError("definition: fingerprint does not match its content")
    manifest = definition["manifest"]
    if not isinstance(manifest, Mapping) or set(manifest) != MANIFEST_FIELDS:
        raise DefinitionError(f"manifest: fields must be {sorted(MANIFEST_FIELDS)}")
    try:
        trustees = definition["trustees"]
        if [t.get("index") for t in trustees] != sorted(t.get("index") for t in trustees):
            raise DefinitionError("trustees: not sorted by index")
        joint_key = joint_key_of(definition)  # validates every commitment
        receipt_key = hex_decode(definition["receipt_key"], 32, what="receipt_key")
        Point.from_bytes(receipt_key)
        units = {}
        for entry in definition["units"]:
            if not isinstance(entry, Mapping) or set(entry) != UNIT_FIELDS:
                raise DefinitionError(f"unit: fields must be {sorted(UNIT_FIELDS)}")
            check_ballot_style(entry["ballot_style"])
            key = blindrsa.public_key_from_dict({"n": entry["n"], "e": entry["e"]})
            check_unit_key(key)
            units[entry["id"]] = Unit(entry["id"], entry["consulate"], entry["ballot_style"], key)
    except (DecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        if isinstance(exc, DefinitionError):
            raise
        raise DefinitionError(f"definition: {exc}") from None
    ids = [u["id"] for u in definition["units"]]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        raise DefinitionError("units: not sorted by id, or ids repeat")
    return CheckedDefinition(
        dict(definition), computed, joint_key, receipt_key, units, dict(manifest)
    )
