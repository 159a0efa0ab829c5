"""Fixtures shared by the crypto tests.

Keys are session-scoped: RSA key generation is slow, and nothing in these
tests mutates a key.
"""

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import blindrsa
from ovote.crypto.group import Scalar, base_mul


@pytest.fixture(scope="session")
def unit_rsa_key():
    """A fresh 3072-bit unit signing key, one per test session."""
    return blindrsa.generate_key(3072)


@pytest.fixture(scope="session")
def election_secret():
    return Scalar.random()


@pytest.fixture(scope="session")
def joint_key(election_secret):
    return base_mul(election_secret)


@pytest.fixture(scope="session")
def fingerprint():
    return hashlib.sha256(b"test election").digest()


@pytest.fixture
def voting_key():
    return Ed25519PrivateKey.generate()
