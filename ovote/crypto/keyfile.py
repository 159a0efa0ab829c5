"""A trustee's key file: the ceremony secrets, sealed with a passphrase.

The file is JSON:

    {"version": "ovote/trustee-key/v1", "election": <slug>, "trustee": <index>,
     "attempt": <int>, "kdf": {"name": "argon2id", "opslimit": int,
     "memlimit": int, "salt": <16-byte hex>}, "nonce": <12-byte hex>,
     "sealed": <hex>}

`sealed` is AES-256-GCM, under the 32-byte key Argon2id (libsodium's
`crypto_pwhash`) derives from the passphrase, of the canonical JSON of the
secrets (ceremony private keys, polynomial, received shares, final share);
the associated data is the canonical JSON of every other field, so the
clear header (which says whose file it is) cannot be swapped either. Each
save draws a fresh nonce under the same derived key, is written to a
temporary file with mode 0600, flushed and renamed over the old one, so a
crash leaves either the old or the new file, never half of one.
"""

import os
import tempfile

import nacl.pwhash
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ovote.crypto.canonical import canonical_json, hex_decode, parse_json
from ovote.crypto.errors import CryptoError, DecodeError

VERSION = "ovote/trustee-key/v1"
_argon = nacl.pwhash.argon2id
#: Argon2id costs: "moderate" is the default (libsodium's, about a second);
#: "interactive" is libsodium's lighter level; "minimal" is for test suites only.
COSTS = {
    "moderate": (_argon.OPSLIMIT_MODERATE, _argon.MEMLIMIT_MODERATE),
    "interactive": (_argon.OPSLIMIT_INTERACTIVE, _argon.MEMLIMIT_INTERACTIVE),
    "minimal": (_argon.OPSLIMIT_MIN, _argon.MEMLIMIT_MIN),
}
#: A file asking for more than this would only make opening it hang.
_MAX_MEMLIMIT = _argon.MEMLIMIT_SENSITIVE
MIN_PASSPHRASE = 10


class KeyFileError(CryptoError):
    """Codes: ``key_file_exists``, ``no_key_file``, ``not_a_key_file``,
    ``wrong_passphrase``, ``weak_passphrase``."""

    code = "not_a_key_file"


def _derive(passphrase: str, kdf: dict) -> bytes:
    return _argon.kdf(32, passphrase.encode("utf-8"), hex_decode(kdf["salt"], 16, what="salt"),
                      opslimit=kdf["opslimit"], memlimit=kdf["memlimit"])


def _atomic_write(path: str, data: bytes) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".ovote-key-", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class KeyFile:
    """An opened key file: `secrets` is the plain dict, `save()` seals it again."""

    def __init__(self, path: str, header: dict, key: bytes, secrets: dict):
        self.path, self.header, self._key, self.secrets = path, header, key, secrets

    @property
    def election(self) -> str:
        return self.header["election"]

    @property
    def trustee(self) -> int:
        return self.header["trustee"]

    @property
    def attempt(self) -> int:
        return self.header["attempt"]

    def save(self) -> None:
        """Seal `secrets` with a fresh nonce and replace the file atomically."""
        nonce = os.urandom(12)
        document = {**self.header, "nonce": nonce.hex()}
        sealed = AESGCM(self._key).encrypt(nonce, canonical_json(self.secrets),
                                           canonical_json(document))
        document["sealed"] = sealed.hex()
        _atomic_write(self.path, canonical_json(document) + b"\n")

    @classmethod
    def create(cls, path: str, passphrase: str, secrets: dict, *, election: str,
               trustee: int, attempt: int, cost: str = "moderate") -> "KeyFile":
        """Make a new key file; refuses to overwrite one (it may hold a share)."""
        if len(passphrase) < MIN_PASSPHRASE:
            raise KeyFileError(f"The passphrase must have at least {MIN_PASSPHRASE} characters.",
                               code="weak_passphrase")
        cls.check_free(path)
        opslimit, memlimit = COSTS[cost]
        kdf = {"name": "argon2id", "opslimit": opslimit, "memlimit": memlimit,
               "salt": os.urandom(16).hex()}
        header = {"version": VERSION, "election": election, "trustee": trustee,
                  "attempt": attempt, "kdf": kdf}
        key_file = cls(path, header, _derive(passphrase, kdf), secrets)
        key_file.save()
        return key_file

    @staticmethod
    def check_free(path: str) -> None:
        """Refuse a path where a file exists already (it may hold a share)."""
        if os.path.exists(path):
            raise KeyFileError(
                f"There is already a key file at {path}. It may hold your share of an election "
                "key, so it is never overwritten: move it away or choose another --key-file.",
                code="key_file_exists")

    @classmethod
    def open(cls, path: str, passphrase: str) -> "KeyFile":
        """Open and decrypt a key file; `KeyFileError` says what is wrong."""
        try:
            with open(path, "rb") as source:
                raw = source.read(1 << 20)
        except FileNotFoundError:
            raise KeyFileError(f"There is no key file at {path}. Give the one `ovote trustee init` "
                               "made with --key-file.", code="no_key_file") from None
        document = _parse(raw, path)
        header = {k: v for k, v in document.items() if k not in ("nonce", "sealed")}
        try:
            nonce = hex_decode(document["nonce"], 12, what="nonce")
            sealed = hex_decode(document["sealed"], what="sealed")
            key = _derive(passphrase, document["kdf"])
            plain = AESGCM(key).decrypt(nonce, sealed, canonical_json(
                {k: v for k, v in document.items() if k != "sealed"}))
        except InvalidTag:
            raise KeyFileError("The passphrase is wrong (or the key file was changed).",
                               code="wrong_passphrase") from None
        except (DecodeError, ValueError, TypeError, KeyError):
            raise KeyFileError(f"{path} is not a readable ovote key file.") from None
        return cls(path, header, key, parse_json(plain))


def _parse(raw: bytes, path: str) -> dict:
    try:
        document = parse_json(raw)
    except DecodeError:
        document = None
    fields = {"version", "election", "trustee", "attempt", "kdf", "nonce", "sealed"}
    if not isinstance(document, dict) or set(document) != fields or document["version"] != VERSION:
        raise KeyFileError(f"{path} is not an ovote trustee key file.")
    kdf = document["kdf"]
    if (not isinstance(kdf, dict) or set(kdf) != {"name", "opslimit", "memlimit", "salt"}
            or kdf["name"] != "argon2id"
            or not all(isinstance(kdf[k], int) and not isinstance(kdf[k], bool)
                       for k in ("opslimit", "memlimit"))
            or not _argon.OPSLIMIT_MIN <= kdf["opslimit"] <= _argon.OPSLIMIT_SENSITIVE
            or not _argon.MEMLIMIT_MIN <= kdf["memlimit"] <= _MAX_MEMLIMIT):
        raise KeyFileError(f"{path} asks for key derivation settings this program does not use.")
    return document
