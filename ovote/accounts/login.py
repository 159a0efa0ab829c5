"""Logging in: the password check, the lock-out after repeated failures, the full login.

Failures are counted on the account's row, or for an address without an account
on a `LoginThrottle`, the same way, so that neither the answers, their timing nor
the lock-out tell who has an account.
"""
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.addresses import normalize_email
from ovote.accounts.errors import AccountLocked, InvalidCredentials, InvalidEmail
from ovote.accounts.models import LoginThrottle, User
from ovote.audit.services import record
from ovote.clock import utcnow

#: a failure count (of an account or of an address without one) this old starts again
FAILURES_FORGOTTEN_AFTER = timedelta(days=30)
_ADDRESS_PURPOSE = "login.address"


def for_update(query):
    """`query` on users, holding the rows it reads until commit and reading them afresh.

    Concurrent logins of one account then take turns, so that no failure count or
    last TOTP step is overwritten by a request that read it before another wrote it.
    """
    return query.with_for_update(of=User).execution_options(populate_existing=True)


def lock_account(session, user):
    """Reload `user` and hold its row until commit (see `for_update`)."""
    session.scalar(for_update(select(User).where(User.id == user.id)))


def authenticate(session, *, email, password, settings, passwords, cipher):
    """The user whose password this is; counts failures and locks after too many.

    Raises InvalidCredentials (same message for unknown address and wrong
    password, unconfirmed sign-up), or AccountLocked. The failure counters are
    flushed before raising, so the caller must commit even on failure.
    """
    try:
        email = normalize_email(email)
    except InvalidEmail:
        email = None
    user = session.scalar(for_update(select(User).where(User.email == email))) if email else None
    now = utcnow()
    if user is None:
        if not email:  # not an address: no account can have it
            passwords.check(passwords.unusable_hash_for_timing(), password or "")
            raise InvalidCredentials()
        # An address without an account is counted, locked and audited like one, with
        # the same work, so that neither the answers nor their timing tell them apart.
        holder = _throttle_for(session, email, now, cipher=cipher)
    else:
        holder = user  # a deactivated account too: its count goes on, on its own row
    # An unconfirmed sign-up is not usable either, and says so no differently: whoever
    # signs up an address and tries its password would otherwise learn whether the
    # address already had an account (theirs would be "unconfirmed", the other "wrong").
    usable = holder is user and user.active and user.address_proven
    if holder.is_locked(now):
        raise AccountLocked(holder.locked_until)
    password_hash = user.password_hash if usable else passwords.unusable_hash_for_timing()
    if not passwords.check(password_hash, password or "") or not usable:
        record(session, actor="anonymous", action="account.login_failed", target=holder.audit_target)
        count_failure(session, holder, now, settings=settings)
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    session.flush()
    return user


def count_failure(session, holder, now=None, *, settings):
    """One more failed password or TOTP code in a row for a user (or a LoginThrottle);
    at the threshold it locks and AccountLocked is raised. Flushes, so the caller must
    commit."""
    now = now or utcnow()
    if holder.last_failed_at is not None and holder.last_failed_at < now - FAILURES_FORGOTTEN_AFTER:
        holder.failed_logins = 0
    holder.failed_logins += 1
    holder.last_failed_at = now
    if holder.failed_logins >= settings.lockout_threshold:
        holder.locked_until = now + timedelta(minutes=settings.lockout_minutes)
        holder.failed_logins = 0
        record(session, actor="anonymous", action="account.locked", target=holder.audit_target)
        session.flush()
        raise AccountLocked(holder.locked_until)
    session.flush()


def adopt_failures(session, user, *, cipher):
    """Carry the failed logins counted for `user`'s address before it had an account
    over to the account: a guesser must not see the count start again (and so learn
    that the address has just got an account)."""
    key = cipher.blind_index(user.email, purpose=_ADDRESS_PURPOSE)
    throttle = session.scalar(select(LoginThrottle).where(LoginThrottle.address_index == key)
                              .with_for_update())
    if throttle is None:
        return
    user.failed_logins, user.locked_until = throttle.failed_logins, throttle.locked_until
    user.last_failed_at = throttle.last_failed_at
    session.delete(throttle)
    session.flush()


def _throttle_for(session, email, now, *, cipher):
    """The LoginThrottle of `email`, created if need be, held until commit (two failures
    at once are both counted, as on a user's row). Throttles whose count is forgotten
    anyway are deleted on the way."""
    key = cipher.blind_index(email, purpose=_ADDRESS_PURPOSE)
    query = (select(LoginThrottle).where(LoginThrottle.address_index == key)
             .with_for_update().execution_options(populate_existing=True))
    throttle = session.scalar(query)
    if throttle is not None:
        return throttle
    session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failed_at < now - FAILURES_FORGOTTEN_AFTER))
    try:
        with session.begin_nested():
            throttle = LoginThrottle(address_index=key, failed_logins=0)
            session.add(throttle)
    except IntegrityError:  # created a moment ago by a concurrent failure
        throttle = session.scalar(query)
    return throttle


def complete_login(session, user):
    """Record a full login (after TOTP for staff) and clear the failure count.

    The count is cleared here, not at the password step, so that a staff member's
    right password does not wipe the wrong TOTP codes tried before it.
    """
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    record(session, actor=user, action="account.login", target=f"user:{user.id}")
    session.flush()
