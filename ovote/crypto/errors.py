"""Typed errors raised by `ovote.crypto`.

Every error carries a stable machine-readable `code` so that services can
map it to an HTTP status or a message without parsing English text.
"""


class CryptoError(ValueError):
    """Base class: `code` is stable, `str(error)` is for humans."""

    code = "crypto_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, {str(self)!r})"


class DecodeError(CryptoError):
    """Bytes from outside are not an acceptable encoding.

    Codes: ``bad_encoding`` (not lowercase hex, wrong length, not JSON,
    floats...), ``bad_point`` (not a canonical point of the prime-order
    subgroup, or of small order), ``bad_scalar`` (not below the group
    order).
    """

    code = "bad_encoding"


class InvalidBallot(CryptoError):
    """A ballot failed validation.

    Codes: ``bad_encoding``, ``bad_structure``, ``bad_token``,
    ``bad_signature``, ``bad_point``, ``bad_scalar``, ``bad_proof``; the
    message names the contest and selection concerned.
    """

    code = "bad_structure"


class CeremonyError(CryptoError):
    """The key ceremony cannot go on; `complaint` names the culprit."""

    code = "bad_share"

    def __init__(self, message: str, *, complaint=None, code: str | None = None):
        super().__init__(message, code=code)
        self.complaint = complaint


class BlindSignatureError(CryptoError):
    """An RFC 9474 operation failed (bad input, or a signature check)."""

    code = "bad_blind_signature"
