"""The keys an election holds: one RSA key per reporting unit, and the Ed25519 receipt key.

Private keys are sealed with the data key ring (`ovote.personal_data`), so that
`ovote keys rotate-data-key` re-seals them with the rest (their models list them in
`SEALED_COLUMNS`). RSA keys are slow to make (a 3072-bit key takes a fraction of a
second to seconds): `generate_unit_keys` spreads them over several processes.
"""
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from cryptography.hazmat.primitives import serialization
from nacl.signing import SigningKey

from ovote.crypto import blindrsa
from ovote.crypto.tokens import UNIT_KEY_BITS

UNIT_CONTEXT = "reporting_unit.private_key"
RECEIPT_CONTEXT = "election.receipt_key"


def _new_key_der(_=None):
    """One fresh unit key as PKCS#8 DER (picklable, for a worker process)."""
    key = blindrsa.generate_key(UNIT_KEY_BITS)
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def workers_for(setting):
    return setting if setting and setting > 0 else (os.cpu_count() or 1)


class UnitKeyMaker:
    """Makes fresh 3072-bit unit keys, in `workers` processes when more than one.

    The pool is started on first use and kept until `close`, so that a freeze in many
    batches starts its processes once. "spawn" processes: a forked copy of the app would
    share its database connections."""

    def __init__(self, workers=1):
        self.workers = workers
        self._pool = None

    def __call__(self, count):
        """`count` new private keys (`cryptography` RSA objects)."""
        if self.workers <= 1 or count <= 1:
            ders = [_new_key_der() for _ in range(count)]
        else:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
            ders = list(self._pool.map(_new_key_der, range(count)))
        return [serialization.load_der_private_key(der, password=None) for der in ders]

    def close(self):
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def seal_unit_key(private_key, *, cipher):
    der = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    return cipher.seal(der, context=UNIT_CONTEXT)


def unit_private_key(unit, *, cipher):
    """The unit's RSA private key (for signing ballot tokens)."""
    der = cipher.open(unit.private_key_enc, context=UNIT_CONTEXT)
    return serialization.load_der_private_key(der, password=None)


def new_receipt_key(*, cipher):
    """(signing key, sealed seed) of a fresh Ed25519 receipt key."""
    key = SigningKey.generate()
    return key, cipher.seal(bytes(key), context=RECEIPT_CONTEXT)


def receipt_signing_key(election, *, cipher):
    """The election's Ed25519 receipt key (signs receipts and the close statement, §3.8, §3.11)."""
    return SigningKey(cipher.open(election.receipt_key_enc, context=RECEIPT_CONTEXT))
