"""Encrypted transport of ceremony shares (DESIGN.md §3.5 step 2).

Trustee i sends f_i(j) to trustee j through the server, which must learn
nothing and must not be able to forge a share in i's name (a forged share
would make j file a complaint against an honest trustee). Hence both an
ephemeral and the sender's static X25519 ceremony key take part:

    ikm  = X25519(ephemeral, R_j) || X25519(C_i, R_j)
    key  = HKDF-SHA256(ikm, salt=none, info=INFO || frame(election, i, j,
                       ephemeral_pub, C_i_pub, R_j_pub), 32 bytes)
    body = AES-256-GCM(key, nonce, f_i(j) as a 32-byte scalar,
                       aad=frame(INFO, election, i, j))

where C_i is the sender's and R_j the recipient's ceremony key. The info
and AAD bind the election, sender and recipient, so a ciphertext cannot be
replayed to another trustee, ceremony or election.

Wire form: ``{"election": str, "sender": int, "recipient": int,
"ephemeral": 32-byte hex, "nonce": 12-byte hex, "ciphertext": hex}``.
Ceremony public key: 32-byte raw X25519 key, hex.
"""

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ovote.crypto.canonical import hex_decode
from ovote.crypto.errors import CeremonyError, DecodeError
from ovote.crypto.group import Scalar
from ovote.crypto.proofs import frame
from ovote.crypto.threshold import Complaint, _check_index

INFO = b"ovote/v1/share"
_RAW = (serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def generate_ceremony_key() -> X25519PrivateKey:
    """A trustee's X25519 ceremony key pair (kept in its key file)."""
    return X25519PrivateKey.generate()


def ceremony_public_hex(key: X25519PrivateKey | X25519PublicKey) -> str:
    """Hex of the raw public key, for publication through the server."""
    public = key.public_key() if isinstance(key, X25519PrivateKey) else key
    return public.public_bytes(*_RAW).hex()


def ceremony_public_from_hex(text) -> X25519PublicKey:
    """Decode a published ceremony key; raises `DecodeError`."""
    return X25519PublicKey.from_public_bytes(hex_decode(text, 32, what="ceremony key"))


@dataclass(frozen=True)
class EncryptedShare:
    election_id: str
    sender: int
    recipient: int
    ephemeral: bytes
    nonce: bytes
    ciphertext: bytes

    def to_dict(self) -> dict:
        return {
            "election": self.election_id,
            "sender": self.sender,
            "recipient": self.recipient,
            "ephemeral": self.ephemeral.hex(),
            "nonce": self.nonce.hex(),
            "ciphertext": self.ciphertext.hex(),
        }

    @classmethod
    def from_dict(cls, data) -> "EncryptedShare":
        """Decode; raises `DecodeError` for anything malformed."""
        try:
            election, sender, recipient = data["election"], data["sender"], data["recipient"]
            fields = data["ephemeral"], data["nonce"], data["ciphertext"]
        except (KeyError, TypeError):
            raise DecodeError("encrypted share: malformed") from None
        if not isinstance(election, str):
            raise DecodeError("encrypted share: malformed")
        return cls(
            election,
            _check_index(sender, "sender"),
            _check_index(recipient, "recipient"),
            hex_decode(fields[0], 32, what="ephemeral"),
            hex_decode(fields[1], 12, what="nonce"),
            hex_decode(fields[2], what="ciphertext"),
        )


def _key(ikm: bytes, election_id, sender, recipient, ephemeral, sender_pub, recipient_pub):
    info = INFO + frame(election_id, sender, recipient, ephemeral, sender_pub, recipient_pub)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(ikm)


def encrypt_share(
    *,
    election_id: str,
    sender: int,
    sender_key: X25519PrivateKey,
    recipient: int,
    recipient_public: X25519PublicKey,
    share: Scalar,
) -> EncryptedShare:
    """Encrypt f_sender(recipient) to the recipient's ceremony key."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_pub = ephemeral.public_key().public_bytes(*_RAW)
    ikm = ephemeral.exchange(recipient_public) + sender_key.exchange(recipient_public)
    key = _key(
        ikm,
        election_id,
        sender,
        recipient,
        ephemeral_pub,
        sender_key.public_key().public_bytes(*_RAW),
        recipient_public.public_bytes(*_RAW),
    )
    nonce = os.urandom(12)
    body = AESGCM(key).encrypt(
        nonce, share.to_bytes(), frame(INFO, election_id, sender, recipient)
    )
    return EncryptedShare(election_id, sender, recipient, ephemeral_pub, nonce, body)


def decrypt_share(
    encrypted: EncryptedShare,
    *,
    election_id: str,
    recipient: int,
    recipient_key: X25519PrivateKey,
    sender_public: X25519PublicKey,
) -> Scalar:
    """Decrypt a share addressed to `recipient` in `election_id`.

    Raises `CeremonyError` (code ``undecryptable``, complaint naming the
    sender) when it is addressed elsewhere, fails authentication, or does
    not hold a canonical scalar.
    """
    def fail(why: str):
        complaint = Complaint(election_id, recipient, encrypted.sender, "undecryptable")
        return CeremonyError(
            f"share from trustee {encrypted.sender}: {why}",
            complaint=complaint,
            code="undecryptable",
        )

    if encrypted.election_id != election_id or encrypted.recipient != recipient:
        raise fail("addressed to another trustee or election")
    try:
        ephemeral = X25519PublicKey.from_public_bytes(encrypted.ephemeral)
        ikm = recipient_key.exchange(ephemeral) + recipient_key.exchange(sender_public)
    except ValueError:
        # cryptography refuses small-order keys (an all-zero shared secret).
        raise fail("invalid ephemeral key") from None
    key = _key(
        ikm,
        election_id,
        encrypted.sender,
        recipient,
        encrypted.ephemeral,
        sender_public.public_bytes(*_RAW),
        recipient_key.public_key().public_bytes(*_RAW),
    )
    try:
        plain = AESGCM(key).decrypt(
            encrypted.nonce,
            encrypted.ciphertext,
            frame(INFO, election_id, encrypted.sender, recipient),
        )
        return Scalar.from_bytes(plain)
    except (InvalidTag, DecodeError):
        raise fail("authentication failed") from None
