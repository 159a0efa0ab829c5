"""Argon2id password hashing with parameters from configuration."""
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10


class Passwords:
    """The password hasher services are given (`passwords=`), built once per app."""

    def __init__(self, *, time_cost, memory_cost):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
        self._for_timing = None

    @classmethod
    def from_config(cls, config):
        return cls(time_cost=config["ARGON2_TIME_COST"], memory_cost=config["ARGON2_MEMORY_KIB"])

    def hash(self, password):
        return self._hasher.hash(password)

    def check(self, password_hash, password):
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash):
        return self._hasher.check_needs_rehash(password_hash)

    def unusable_hash(self):
        """A hash no one knows the password of, for accounts whose password is still to be set."""
        return self.hash(secrets.token_urlsafe(32))

    def unusable_hash_for_timing(self):
        """A cached unusable hash: checking an unknown address costs what a real check costs."""
        if self._for_timing is None:
            self._for_timing = self.unusable_hash()
        return self._for_timing
