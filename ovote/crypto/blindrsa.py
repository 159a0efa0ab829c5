"""RSA blind signatures, RFC 9474 (DESIGN.md §3.6).

All four RFC variants are implemented; ovote issues ballot tokens with
`Variant.PSS_RANDOMIZED` (RSABSSA-SHA384-PSS-Randomized, 3072-bit keys).

Roles:

* client: `prepare(msg)` -> `input_msg`; `blind(pk, input_msg)` ->
  `(blinded_msg, inv)`; later `finalize(pk, input_msg, blind_sig, inv)`.
* server: `blind_sign(sk, blinded_msg)` -> `blind_sig`, after checking its
  own result (`s^e == m mod n`) as the RFC requires.
* anyone: `verify(pk, input_msg, sig)`.

Keys are `cryptography` RSA objects; key generation and the final PSS
verification are `cryptography`'s. Only what it does not expose is done
here: EMSA-PSS-ENCODE (RFC 8017 §9.1.1, over hashlib) for the client, and
the raw RSA operations of blinding and signing with Python integers. The
private operation uses CRT and multiplicative base blinding, so its timing
does not follow the (client-chosen) message.

Public key wire form: ``{"n": <hex>, "e": <hex>}``, minimal big-endian.
"""

import enum
import hashlib
import math
import os
import secrets

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ovote.crypto.canonical import int_from_hex, int_to_hex
from ovote.crypto.errors import BlindSignatureError, DecodeError

_HASH_LEN = 48  # SHA-384
PREFIX_LENGTH = 32


class Variant(enum.Enum):
    """The RFC 9474 variants: (name, salt length, randomized message)."""

    PSS_RANDOMIZED = ("RSABSSA-SHA384-PSS-Randomized", 48, True)
    PSSZERO_RANDOMIZED = ("RSABSSA-SHA384-PSSZERO-Randomized", 0, True)
    PSS_DETERMINISTIC = ("RSABSSA-SHA384-PSS-Deterministic", 48, False)
    PSSZERO_DETERMINISTIC = ("RSABSSA-SHA384-PSSZERO-Deterministic", 0, False)

    @property
    def rfc_name(self) -> str:
        return self.value[0]

    @property
    def salt_length(self) -> int:
        return self.value[1]

    @property
    def randomized(self) -> bool:
        return self.value[2]

    @classmethod
    def from_name(cls, name: str) -> "Variant":
        for variant in cls:
            if variant.rfc_name == name:
                return variant
        raise ValueError(f"unknown RFC 9474 variant {name!r}")


#: The variant ovote's ballot tokens use.
OVOTE_VARIANT = Variant.PSS_RANDOMIZED


def generate_key(bits: int = 3072) -> rsa.RSAPrivateKey:
    """A fresh RSA key (e = 65537) for one reporting unit."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def public_key_to_dict(public_key: rsa.RSAPublicKey) -> dict:
    """``{"n","e"}`` as minimal big-endian lowercase hex."""
    numbers = public_key.public_numbers()
    return {"n": int_to_hex(numbers.n), "e": int_to_hex(numbers.e)}


def public_key_from_dict(data) -> rsa.RSAPublicKey:
    """Inverse of `public_key_to_dict`; raises `DecodeError` on bad hex or
    numbers that are no RSA public key."""
    if not isinstance(data, dict) or not {"n", "e"} <= data.keys():
        raise DecodeError('RSA public key: expected {"n","e"}')
    n = int_from_hex(data["n"], what="n")
    e = int_from_hex(data["e"], what="e")
    try:
        return rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:
        raise DecodeError(f"not an RSA public key: {exc}") from None


def _modulus_length(n: int) -> int:
    return (n.bit_length() + 7) // 8


def _mgf1(seed: bytes, length: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < length:
        out += hashlib.sha384(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:length])


def emsa_pss_encode(message: bytes, em_bits: int, salt: bytes) -> bytes:
    """EMSA-PSS-ENCODE of RFC 8017 §9.1.1 with SHA-384 and MGF1-SHA-384."""
    em_len = (em_bits + 7) // 8
    if em_len < _HASH_LEN + len(salt) + 2:
        raise BlindSignatureError("encoding error: modulus too small")
    m_hash = hashlib.sha384(message).digest()
    h = hashlib.sha384(bytes(8) + m_hash + salt).digest()
    db = bytes(em_len - len(salt) - _HASH_LEN - 2) + b"\x01" + salt
    masked = bytearray(a ^ b for a, b in zip(db, _mgf1(h, em_len - _HASH_LEN - 1)))
    masked[0] &= 0xFF >> (8 * em_len - em_bits)
    return bytes(masked) + h + b"\xbc"


def prepare(msg: bytes, variant: Variant = OVOTE_VARIANT) -> bytes:
    """`input_msg`: a fresh 32-byte random prefix || msg (Randomized
    variants), or `msg` itself (Deterministic)."""
    if variant.randomized:
        return os.urandom(PREFIX_LENGTH) + msg
    return msg


def blind(
    public_key: rsa.RSAPublicKey,
    input_msg: bytes,
    variant: Variant = OVOTE_VARIANT,
    *,
    salt: bytes | None = None,
    r: int | None = None,
) -> tuple[bytes, int]:
    """Client: return `(blinded_msg, inv)`; keep `inv` secret for `finalize`.

    `salt` and `r` are drawn at random unless given; giving them is only
    for known-answer tests. Raises `BlindSignatureError` when the encoded
    message is not invertible modulo n ("invalid input").
    """
    numbers = public_key.public_numbers()
    n, e = numbers.n, numbers.e
    if salt is None:
        salt = os.urandom(variant.salt_length)
    if len(salt) != variant.salt_length:
        raise ValueError("salt length does not match the variant")
    encoded = emsa_pss_encode(input_msg, n.bit_length() - 1, salt)
    m = int.from_bytes(encoded, "big")
    if math.gcd(m, n) != 1:
        raise BlindSignatureError("invalid input: message not coprime to n")
    while True:
        if r is None:
            candidate = secrets.randbelow(n - 1) + 1
        else:
            candidate = r
        try:
            inv = pow(candidate, -1, n)
            break
        except ValueError:
            if r is not None:
                raise BlindSignatureError("blinding error: r not invertible") from None
    z = (m * pow(candidate, e, n)) % n
    return z.to_bytes(_modulus_length(n), "big"), inv


def _rsasp1(private_key: rsa.RSAPrivateKey, m: int) -> int:
    numbers = private_key.private_numbers()
    public = numbers.public_numbers
    n, e = public.n, public.e
    # Base blinding: the CRT exponentiations see m·b^e, unrelated to m.
    while True:
        b = secrets.randbelow(n - 2) + 2
        if math.gcd(b, n) == 1:
            break
    blinded = (m * pow(b, e, n)) % n
    s1 = pow(blinded, numbers.dmp1, numbers.p)
    s2 = pow(blinded, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (s1 - s2)) % numbers.p
    return ((s2 + numbers.q * h) * pow(b, -1, n)) % n


def blind_sign(private_key: rsa.RSAPrivateKey, blinded_msg: bytes) -> bytes:
    """Server: sign `blinded_msg`, checking `s^e == m mod n` before answering.

    Raises `BlindSignatureError` for a wrong length, a value not below n,
    or a failed self-check (a fault must never leak a signature).
    """
    public = private_key.public_key().public_numbers()
    n, e = public.n, public.e
    k = _modulus_length(n)
    if not isinstance(blinded_msg, bytes) or len(blinded_msg) != k:
        raise BlindSignatureError("blinded message has the wrong length")
    m = int.from_bytes(blinded_msg, "big")
    if m >= n:
        raise BlindSignatureError("blinded message out of range")
    s = _rsasp1(private_key, m)
    if pow(s, e, n) != m:
        raise BlindSignatureError("signing failure")
    return s.to_bytes(k, "big")


def _pss(variant: Variant) -> padding.PSS:
    return padding.PSS(
        mgf=padding.MGF1(hashes.SHA384()), salt_length=variant.salt_length
    )


def verify(
    public_key: rsa.RSAPublicKey,
    input_msg: bytes,
    signature: bytes,
    variant: Variant = OVOTE_VARIANT,
) -> bool:
    """RSASSA-PSS-VERIFY of `signature` over `input_msg` (SHA-384, MGF1)."""
    n = public_key.public_numbers().n
    if not isinstance(signature, bytes) or len(signature) != _modulus_length(n):
        return False
    try:
        public_key.verify(signature, input_msg, _pss(variant), hashes.SHA384())
    except InvalidSignature:
        return False
    return True


def finalize(
    public_key: rsa.RSAPublicKey,
    input_msg: bytes,
    blind_sig: bytes,
    inv: int,
    variant: Variant = OVOTE_VARIANT,
) -> bytes:
    """Client: unblind `blind_sig` into a signature over `input_msg`.

    Raises `BlindSignatureError` if the result does not verify (a wrong
    key, or a server answering with garbage).
    """
    n = public_key.public_numbers().n
    k = _modulus_length(n)
    if not isinstance(blind_sig, bytes) or len(blind_sig) != k:
        raise BlindSignatureError("blind signature has the wrong length")
    z = int.from_bytes(blind_sig, "big")
    signature = ((z * inv) % n).to_bytes(k, "big")
    if not verify(public_key, input_msg, signature, variant):
        raise BlindSignatureError("invalid signature")
    return signature
