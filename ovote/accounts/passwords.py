"""Argon2id password hashing with parameters from configuration."""
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10


def _hasher():
    ext = current_app.extensions
    if "ovote_hasher" not in ext:
        ext["ovote_hasher"] = PasswordHasher(
            time_cost=current_app.config["ARGON2_TIME_COST"],
            memory_cost=current_app.config["ARGON2_MEMORY_KIB"],
        )
    return ext["ovote_hasher"]


def hash_password(password):
    return _hasher().hash(password)


def check_password(password_hash, password):
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    return _hasher().check_needs_rehash(password_hash)


def unusable_hash():
    """A hash no one knows the password of, for accounts whose password is still to be set."""
    return hash_password(secrets.token_urlsafe(32))


def unusable_hash_for_timing():
    """A cached unusable hash: checking an unknown address costs what a real check costs."""
    ext = current_app.extensions
    if "ovote_dummy_hash" not in ext:
        ext["ovote_dummy_hash"] = unusable_hash()
    return ext["ovote_dummy_hash"]
