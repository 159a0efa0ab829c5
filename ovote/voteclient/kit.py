"""The voting kit: what a voter keeps to revote and to prove their votes.

A JSON file, readable by its owner only (0600), written atomically:

    {"kit": "ovote/kit/v1", "server", "election" (slug), "fingerprint",
     "unit", "voting_key" (Ed25519 private key, 32-byte seed hex),
     "token" ({"prefix","signature"} or null),
     "token_request" (the blinding state while a token is being fetched),
     "pending_ballot" (a ballot sent but not yet receipted), "receipts": [...]}

The token request and the pending ballot are saved before they are sent,
so that after a dropped connection the very same request is repeated: the
server answers an identical token request or ballot with its first
answer, and nothing is wasted or counted twice. Whoever holds the kit can
vote in the voter's name: it is as secret as a password.
"""

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto.canonical import hex_decode

KIT_VERSION = "ovote/kit/v1"


class KitError(ValueError):
    """The kit file is missing, unreadable or not a voting kit."""


@dataclass
class Kit:
    server: str
    election: str
    fingerprint: str
    voting_key: Ed25519PrivateKey
    unit: str | None = None
    token: dict | None = None
    token_request: dict | None = None
    pending_ballot: dict | None = None
    receipts: list = field(default_factory=list)

    @classmethod
    def new(cls, server: str, election: str, fingerprint: str) -> "Kit":
        return cls(server, election, fingerprint, Ed25519PrivateKey.generate())

    def to_dict(self) -> dict:
        seed = self.voting_key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        return {
            "kit": KIT_VERSION, "server": self.server, "election": self.election,
            "fingerprint": self.fingerprint, "unit": self.unit, "voting_key": seed.hex(),
            "token": self.token, "token_request": self.token_request,
            "pending_ballot": self.pending_ballot, "receipts": self.receipts,
        }

    @classmethod
    def from_dict(cls, data) -> "Kit":
        if not isinstance(data, dict) or data.get("kit") != KIT_VERSION:
            raise KitError("not an ovote voting kit")
        try:
            key = Ed25519PrivateKey.from_private_bytes(
                hex_decode(data["voting_key"], 32, what="voting_key")
            )
            return cls(
                data["server"], data["election"], data["fingerprint"], key,
                data.get("unit"), data.get("token"), data.get("token_request"),
                data.get("pending_ballot"), list(data.get("receipts") or []),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise KitError(f"voting kit: {exc}") from None


def load_kit(path: Path) -> Kit:
    try:
        return Kit.from_dict(json.loads(Path(path).read_text("utf-8")))
    except (OSError, json.JSONDecodeError) as exc:
        raise KitError(f"cannot read the voting kit {path}: {exc}") from None


def save_kit(kit: Kit, path: Path) -> None:
    """Write `kit` to `path` with mode 0600, replacing it atomically (a
    crash mid-write leaves the previous kit, never half of one)."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=".kit-", dir=path.parent or ".")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(kit.to_dict(), out, indent=1, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
