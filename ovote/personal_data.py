"""Encryption of personal data at rest and blind indexes for look-ups.

Values are sealed with AES-256-GCM under the first key of the configured key
ring; older keys stay in the ring so that data written before a rotation can
still be read (and re-encrypted). A sealed value reads
`v1.<key id>.<base64url(nonce || ciphertext || tag)>`; the key id is the first
8 hex digits of SHA-256 of the key, so the ring can be reordered freely.
"""
import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class DataKeyError(RuntimeError):
    """A sealed value names a key that the ring does not hold, or fails to open."""


def _decode_key(text):
    raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    if len(raw) != 32:
        raise DataKeyError("data keys must be 32 bytes, base64url encoded")
    return raw


def key_id(key):
    return hashlib.sha256(key).hexdigest()[:8]


class DataCipher:
    """AES-256-GCM over a key ring; the first key seals, every key opens. With the index
    key it also makes the blind indexes. Services are given it (`cipher=`), built once
    per app."""

    def __init__(self, keys, *, index_key=None):
        if not keys:
            raise DataKeyError("the data key ring is empty")
        self._keys = [(key_id(k), AESGCM(k)) for k in keys]
        self._by_id = dict(self._keys)
        self._index_key = index_key

    @classmethod
    def from_config(cls, config):
        return cls([_decode_key(k) for k in config["DATA_KEYS"].split(",") if k.strip()],
                   index_key=_decode_key(config["INDEX_KEY"]))

    def blind_index(self, value, *, purpose):
        """The blind index of `value` under this app's index key (see `blind_index`)."""
        return blind_index(value, purpose=purpose, key=self._index_key)

    @property
    def current_key_id(self):
        return self._keys[0][0]

    def seal(self, plaintext, *, context):
        """Encrypt bytes or str; `context` (e.g. "user.totp") is bound as associated data."""
        if isinstance(plaintext, str):
            plaintext = plaintext.encode()
        kid, aead = self._keys[0]
        nonce = os.urandom(12)
        blob = nonce + aead.encrypt(nonce, plaintext, context.encode())
        return f"v1.{kid}.{base64.urlsafe_b64encode(blob).decode()}"

    def open(self, sealed, *, context):
        """Decrypt a value made by `seal` with the same context; returns bytes."""
        try:
            version, kid, b64 = sealed.split(".", 2)
        except ValueError:
            raise DataKeyError("not a sealed value") from None
        if version != "v1" or kid not in self._by_id:
            raise DataKeyError(f"no data key {kid!r} in the ring")
        blob = base64.urlsafe_b64decode(b64)
        try:
            return self._by_id[kid].decrypt(blob[:12], blob[12:], context.encode())
        except Exception:
            raise DataKeyError("sealed value failed authentication") from None

    def open_text(self, sealed, *, context):
        return self.open(sealed, context=context).decode()

    def needs_rotation(self, sealed):
        return not sealed.startswith(f"v1.{self.current_key_id}.")


def blind_index(value, *, purpose, key):
    """HMAC-SHA256 hex of a normalised value, for equality look-ups on encrypted data."""
    message = purpose.encode() + b"\x00" + value.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
