"""What casting and issuing need of a frozen election, as plain data, kept per process.

A frozen definition never changes (the fingerprint binds it and the database
refuses changes), nor do its unit keys and receipt key; parsing the definition,
loading RSA keys and unsealing private keys once per process and fingerprint
keeps them off every ballot's path. Entries are keyed by fingerprint, so a
re-frozen or other election never meets a stale entry.
"""
import json
import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import blindrsa
from ovote.crypto.group import Point
from ovote.elections.keys import receipt_signing_key, unit_private_key


@dataclass(frozen=True)
class UnitMaterial:
    code: str
    ballot_style: dict
    public_key: object  # cryptography RSAPublicKey


@dataclass(frozen=True)
class ElectionMaterial:
    fingerprint: bytes
    joint_key: Point
    units: dict  # unit code -> UnitMaterial
    max_revotes: int


_lock = threading.Lock()
_material: dict = {}
_unit_keys: dict = {}
_receipt_keys: dict = {}


def material_of(election) -> ElectionMaterial:
    """The parsed definition of a frozen `election` (cached by fingerprint)."""
    found = _material.get(election.fingerprint)
    if found is not None:
        return found
    definition = json.loads(election.definition)
    units = {
        unit["id"]: UnitMaterial(unit["id"], unit["ballot_style"],
                                 blindrsa.public_key_from_dict({"n": unit["n"], "e": unit["e"]}))
        for unit in definition["units"]
    }
    # The server's own definition: its points were validated at the freeze.
    material = ElectionMaterial(
        bytes.fromhex(election.fingerprint), Point(bytes.fromhex(definition["joint_key"])),
        units, definition["manifest"]["max_revotes"],
    )
    with _lock:
        _material[election.fingerprint] = material
    return material


def unit_signing_key(election, unit_row, *, cipher):
    """The unit's RSA private key, unsealed with `cipher` (a DataCipher) once per process."""
    key = (election.fingerprint, unit_row.code)
    found = _unit_keys.get(key)
    if found is None:
        found = unit_private_key(unit_row, cipher=cipher)
        with _lock:
            _unit_keys[key] = found
    return found


def receipt_key(election, *, cipher) -> Ed25519PrivateKey:
    """The election's Ed25519 receipt key, unsealed with `cipher` once per process."""
    found = _receipt_keys.get(election.fingerprint)
    if found is None:
        # The elections domain keeps it as a PyNaCl key; ovote.crypto.board signs with
        # `cryptography`'s (same Ed25519 seed, same deterministic signatures).
        found = Ed25519PrivateKey.from_private_bytes(bytes(receipt_signing_key(election, cipher=cipher)))
        with _lock:
            _receipt_keys[election.fingerprint] = found
    return found
