"""Ballot tokens: RFC 9474 blind signatures over a voting key (DESIGN.md §3.6).

The token message is ``"ovote/token/v1" || 0x00 || fingerprint (32 bytes)
|| voting_key (32 bytes)``; with the Randomized variant the unit key signs
``prefix || message``. The unit's signature on it says "a verified voter
of this unit may cast ballots under this voting key", while blinding keeps
the server from linking the issuance to the key.

Wire form of a token inside a ballot: ``{"prefix": <32-byte hex>,
"signature": <hex, modulus length>}``. The client's pending request
(`TokenRequest.to_dict`) is secret: its `inv` unblinds the answer.
"""

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from ovote.crypto import blindrsa
from ovote.crypto.canonical import hex_decode

TOKEN_DOMAIN = b"ovote/token/v1"
#: Modulus size of every unit signing key (§3.6).
UNIT_KEY_BITS = 3072


def check_unit_key(unit_key) -> None:
    """Raise ValueError unless `unit_key` is an RSA key of exactly
    `UNIT_KEY_BITS` bits (private or public)."""
    if not isinstance(unit_key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        raise ValueError("a unit key is an RSA key")
    if unit_key.key_size != UNIT_KEY_BITS:
        raise ValueError(f"a unit key has a {UNIT_KEY_BITS}-bit modulus, not {unit_key.key_size}")


def token_message(fingerprint: bytes, voting_key: bytes) -> bytes:
    """The message a ballot token signs (before the random prefix)."""
    if len(fingerprint) != 32 or len(voting_key) != 32:
        raise ValueError("fingerprint and voting key are 32 bytes each")
    return TOKEN_DOMAIN + b"\x00" + fingerprint + voting_key


@dataclass(frozen=True)
class TokenRequest:
    """Client state between sending `blinded_msg` and receiving the answer."""

    input_msg: bytes
    inv: int
    blinded_msg: bytes

    def to_dict(self) -> dict:
        return {
            "input_msg": self.input_msg.hex(),
            "inv": format(self.inv, "x"),
            "blinded_msg": self.blinded_msg.hex(),
        }

    @classmethod
    def from_dict(cls, data) -> "TokenRequest":
        return cls(
            hex_decode(data["input_msg"], what="input_msg"),
            int(data["inv"], 16),
            hex_decode(data["blinded_msg"], what="blinded_msg"),
        )


def request_token(
    unit_key: rsa.RSAPublicKey, fingerprint: bytes, voting_key: bytes
) -> TokenRequest:
    """Client: prepare and blind the token message for `voting_key`
    (raw 32-byte Ed25519 public key); send `.blinded_msg` to the server.
    Raises ValueError for a unit key that is not 3072-bit RSA."""
    check_unit_key(unit_key)
    input_msg = blindrsa.prepare(token_message(fingerprint, voting_key))
    blinded_msg, inv = blindrsa.blind(unit_key, input_msg)
    return TokenRequest(input_msg, inv, blinded_msg)


def issue_token(unit_private_key: rsa.RSAPrivateKey, blinded_msg: bytes) -> bytes:
    """Server: the blind signature (with the RFC's self-check)."""
    return blindrsa.blind_sign(unit_private_key, blinded_msg)


def finish_token(
    unit_key: rsa.RSAPublicKey, request: TokenRequest, blind_sig: bytes
) -> dict:
    """Client: unblind and check; returns the token ``{"prefix","signature"}``.

    Raises `BlindSignatureError` if the server's answer does not verify.
    """
    signature = blindrsa.finalize(unit_key, request.input_msg, blind_sig, request.inv)
    return {
        "prefix": request.input_msg[: blindrsa.PREFIX_LENGTH].hex(),
        "signature": signature.hex(),
    }


def verify_token(
    unit_key: rsa.RSAPublicKey, fingerprint: bytes, voting_key: bytes,
    prefix: bytes, signature: bytes,
) -> bool:
    """True iff `signature` is the unit key's RFC 9474 signature over
    ``prefix || token_message(fingerprint, voting_key)``; always False
    under a unit key that is not 3072-bit RSA."""
    if len(prefix) != blindrsa.PREFIX_LENGTH or unit_key.key_size != UNIT_KEY_BITS:
        return False
    message = prefix + token_message(fingerprint, voting_key)
    return blindrsa.verify(unit_key, message, signature, blindrsa.OVOTE_VARIANT)
