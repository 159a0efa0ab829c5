"""TOTP second factor for staff (RFC 6238 through pyotp).

A code is accepted for the current 30-second step or one step either side
(clock drift), and only for a step later than the last one accepted, so a
code seen over a shoulder cannot be used again.
"""
import hmac
import re
import time

import pyotp
import segno

from ovote.accounts.errors import (AccountError, AccountLocked, TotpAlreadyEnrolled, TotpInvalid,
                                   TotpReplayed)
from ovote.accounts.login import count_failure, lock_account
from ovote.accounts.models import User
from ovote.audit.services import record

ISSUER = "ovote"
_CONTEXT = User.SEALED_COLUMNS["totp_secret_enc"]


def new_secret():
    return pyotp.random_base32()


def provisioning_uri(secret, email):
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg_data_uri(uri):
    """The enrolment QR code as an SVG data URI (allowed by the CSP as an image)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret, code, now):
    code = (code or "").strip().replace(" ", "")
    if not re.fullmatch(r"[0-9]{6}", code):  # not str.isdigit(): it takes "١٢٣٤٥٦" and "²²²²²²"
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check(secret, code, last_step, now):
    step = _matching_step(secret, code, now)
    if step is None:
        raise TotpInvalid()
    if last_step is not None and step <= last_step:
        raise TotpReplayed()
    return step


def sealed_secret(secret, *, cipher):
    """`secret` as stored in `User.totp_secret_enc`."""
    return cipher.seal(secret, context=_CONTEXT)


def enrol(session, user, secret, code, now=None, *, cipher):
    """Store `secret` for `user` once they prove their app produces its codes.

    The row is held until commit: of two enrolments at once (two windows, each with
    its own secret), one wins and the other is told, instead of silently replacing
    the secret the first one's app already holds."""
    step = _check(secret, code, None, now or time.time())
    lock_account(session, user)
    if user.totp_enrolled:
        raise TotpAlreadyEnrolled()
    user.totp_secret_enc = sealed_secret(secret, cipher=cipher)
    user.totp_last_step = step
    record(session, actor=user, action="account.totp_enrolled", target=f"user:{user.id}")
    session.flush()


def verify(session, user, code, now=None, *, settings, cipher):
    """Accept a fresh code for an enrolled user; raises TotpInvalid or TotpReplayed,
    or AccountLocked when the account is locked or this failure locks it (wrong
    codes count towards the password lock-out)."""
    lock_account(session, user)
    if user.is_locked():
        raise AccountLocked(user.locked_until)
    secret = secret_of(user, cipher=cipher)
    try:
        step = _check(secret, code, user.totp_last_step, now or time.time())
    except AccountError:
        record(session, actor="anonymous", action="account.totp_failed", target=f"user:{user.id}")
        count_failure(session, user, settings=settings)
        raise
    user.totp_last_step = step
    session.flush()


def secret_of(user, *, cipher):
    return cipher.open_text(user.totp_secret_enc, context=_CONTEXT)
