"""Account rules: sign-up, confirmation, login with lock-out, password reset, staff.

Services take the session explicitly, flush, audit through `ovote.audit.services.record`
and raise the domain exceptions below; the request layer commits and maps them
to messages.
"""
import logging
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts import passwords
from ovote.accounts.models import STAFF_ROLES, LoginThrottle, Role, User, utcnow
from ovote.audit.services import record
from ovote.mail import external_url, send_mail
from ovote.personal_data import blind_index

log = logging.getLogger(__name__)


class AccountError(Exception):
    """Base of the account rules' refusals; `message` is safe to show."""

    status = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class InvalidEmail(AccountError):
    pass


class WeakPassword(AccountError):
    pass


class InvalidCredentials(AccountError):
    status = 401


class AccountLocked(AccountError):
    status = 429

    def __init__(self, until):
        super().__init__(_("Too many failed attempts. Try again after %(time)s UTC.",
                           time=until.strftime("%H:%M")))
        self.until = until



class InvalidToken(AccountError):
    pass


class StaffError(AccountError):
    pass


def normalize_email(email):
    """Lower-cased, syntax-checked address; raises InvalidEmail."""
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidEmail(_("This is not a valid e-mail address: %(why)s", why=str(exc))) from None


def check_password_strength(password, email):
    if len(password or "") < passwords.MIN_LENGTH:
        raise WeakPassword(_("Choose a password of at least %(n)d characters.", n=passwords.MIN_LENGTH))
    if password.strip().lower() == email.split("@")[0].lower() or password.lower() == email.lower():
        raise WeakPassword(_("Your password must not be your e-mail address."))


def find_by_email(session, email):
    return session.scalar(select(User).where(User.email == email))


def _for_update(query):
    """`query` on users, holding the rows it reads until commit and reading them afresh.

    Concurrent logins of one account then take turns, so that no failure count or
    last TOTP step is overwritten by a request that read it before another wrote it.
    """
    return query.with_for_update(of=User).execution_options(populate_existing=True)


def lock_account(session, user):
    """Reload `user` and hold its row until commit (see `_for_update`)."""
    session.scalar(_for_update(select(User).where(User.id == user.id)))


# -- signed links ---------------------------------------------------------------

def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"ovote.{purpose}")


def make_token(user, purpose):
    """A signed, expiring token for a link; a reset token dies with the password it replaces."""
    payload = {"u": user.id, "e": user.email}
    if purpose == "reset":
        payload["h"] = user.password_hash[-16:]
    return _serializer(purpose).dumps(payload)


def read_token(session, token, purpose):
    """The user a token was made for; raises InvalidToken when forged, expired or spent."""
    max_age = current_app.config["TOKEN_MAX_AGE_HOURS"] * 3600
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken(_("This link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvalidToken(_("This link is not valid. Check that you copied all of it.")) from None
    user = session.get(User, payload.get("u"))
    # A deactivated account's links die with it: no password is set on it, no address confirmed.
    if user is None or not user.active or user.email != payload.get("e"):
        raise InvalidToken(_("This link is not valid. Check that you copied all of it."))
    if purpose == "reset" and user.password_hash[-16:] != payload.get("h"):
        raise InvalidToken(_("This link has already been used."))
    return user


def _link(endpoint, token):
    return external_url(endpoint, token=token)


# -- voters -----------------------------------------------------------------------

def register_voter(session, *, email, password, locale=None):
    """Create an unconfirmed voter account and mail the confirmation link.

    An address that already has an account gets a notice instead, and the
    caller sees the same outcome, so sign-up does not reveal who is registered.
    Returns the new User, or None when the address was taken.
    """
    email = normalize_email(email)
    check_password_strength(password, email)
    user = User(email=email, password_hash=passwords.hash_password(password), role=Role.VOTER,
                locale=locale)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # The address has an account (perhaps made a moment ago by a concurrent
        # request): the unique constraint decides, not a look-up before it.
        existing = find_by_email(session, email)
        if existing.email_confirmed_at is None:
            # Its owner may be signing up again for a lost or expired link: here is one.
            send_mail(email, _("Confirm your ovote account"),
                      _("This address was used to sign up, but it is not confirmed yet. Open this "
                        "link to confirm it (valid for %(h)d hours):\n\n%(link)s\n\n"
                        "The password is the one chosen at the first sign-up; if you do not "
                        "remember it, choose a new one here: %(forgot)s",
                        h=current_app.config["TOKEN_MAX_AGE_HOURS"],
                        link=_link("accounts.confirm", make_token(existing, "confirm")),
                        forgot=external_url("accounts.forgot")),
                      session=session)
        else:
            send_mail(email, _("Someone tried to create an ovote account with your address"),
                      _("An account already exists for this address. If you forgot your "
                        "password, reset it here: %(link)s", link=external_url("accounts.forgot")),
                      session=session)
        record(session, actor="anonymous", action="account.signup_existing", target=f"user:{existing.id}")
        return None
    record(session, actor="anonymous", action="account.signup", target=f"user:{user.id}")
    adopt_failures(session, user)
    send_confirmation(session, user)
    return user


def send_confirmation(session, user):
    send_mail(user.email, _("Confirm your ovote account"),
              _("Open this link to confirm your e-mail address (valid for %(h)d hours):\n\n%(link)s",
                h=current_app.config["TOKEN_MAX_AGE_HOURS"],
                link=_link("accounts.confirm", make_token(user, "confirm"))),
              session=session)


def resend_confirmation(session, email):
    """Mail the confirmation link again to an unconfirmed account; an address with a
    confirmed account, or with none, gets a note instead. One message either way and
    the same page, so that asking again does not tell who has an account."""
    try:
        email = normalize_email(email)
    except InvalidEmail:
        return
    user = find_by_email(session, email)
    if user is not None and user.email_confirmed_at is None:
        send_confirmation(session, user)
        record(session, actor="anonymous", action="account.confirmation_resent", target=f"user:{user.id}")
        return
    send_mail(email, _("Your ovote confirmation link"),
              _("Someone, probably you, asked for a new link to confirm this address, but no "
                "ovote account is waiting for it: it is confirmed already, or there is none. Log in "
                "here: %(login)s\n\nTo create an account, go to %(link)s",
                login=external_url("accounts.login"), link=external_url("accounts.signup")),
              session=session)


def confirm_email(session, token):
    user = read_token(session, token, "confirm")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record(session, actor=f"user:{user.id}", action="account.confirm", target=f"user:{user.id}")
        session.flush()
    return user


# -- login ---------------------------------------------------------------------------

def authenticate(session, *, email, password):
    """The user whose password this is; counts failures and locks after too many.

    Raises InvalidCredentials (same message for unknown address and wrong
    password, unconfirmed sign-up), or AccountLocked. The failure counters are
    flushed before raising, so the caller must commit even on failure.
    """
    config = current_app.config
    try:
        email = normalize_email(email)
    except InvalidEmail:
        email = None
    user = session.scalar(_for_update(select(User).where(User.email == email))) if email else None
    wrong = InvalidCredentials(_("The e-mail address or password is not correct. If you have just "
                                 "signed up, open the confirmation link we e-mailed you first."))
    now = utcnow()
    if user is None:
        if not email:  # not an address: no account can have it
            passwords.check_password(passwords.unusable_hash_for_timing(), password or "")
            raise wrong
        # An address without an account is counted, locked and audited like one, with
        # the same work, so that neither the answers nor their timing tell them apart.
        holder = _throttle_for(session, email, now)
    else:
        holder = user  # a deactivated account too: its count goes on, on its own row
    # An unconfirmed sign-up is not usable either, and says so no differently: whoever
    # signs up an address and tries its password would otherwise learn whether the
    # address already had an account (theirs would be "unconfirmed", the other "wrong").
    usable = holder is user and user.active and user.address_proven
    if holder.is_locked(now):
        raise AccountLocked(holder.locked_until)
    password_hash = user.password_hash if usable else passwords.unusable_hash_for_timing()
    if not passwords.check_password(password_hash, password or "") or not usable:
        record(session, actor="anonymous", action="account.login_failed", target=holder.audit_target)
        count_failure(session, holder, now)
        raise wrong
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    session.flush()
    return user


#: a failure count (of an account or of an address without one) this old starts again
FAILURES_FORGOTTEN_AFTER = timedelta(days=30)


def count_failure(session, holder, now=None):
    """One more failed password or TOTP code in a row for a user (or a LoginThrottle);
    at the threshold it locks and AccountLocked is raised. Flushes, so the caller must
    commit."""
    config = current_app.config
    now = now or utcnow()
    if holder.last_failed_at is not None and holder.last_failed_at < now - FAILURES_FORGOTTEN_AFTER:
        holder.failed_logins = 0
    holder.failed_logins += 1
    holder.last_failed_at = now
    if holder.failed_logins >= config["LOCKOUT_THRESHOLD"]:
        holder.locked_until = now + timedelta(minutes=config["LOCKOUT_MINUTES"])
        holder.failed_logins = 0
        record(session, actor="anonymous", action="account.locked", target=holder.audit_target)
        session.flush()
        raise AccountLocked(holder.locked_until)
    session.flush()


def adopt_failures(session, user):
    """Carry the failed logins counted for `user`'s address before it had an account
    over to the account: a guesser must not see the count start again (and so learn
    that the address has just got an account)."""
    key = blind_index(user.email, purpose="login.address")
    throttle = session.scalar(select(LoginThrottle).where(LoginThrottle.address_index == key)
                              .with_for_update())
    if throttle is None:
        return
    user.failed_logins, user.locked_until = throttle.failed_logins, throttle.locked_until
    user.last_failed_at = throttle.last_failed_at
    session.delete(throttle)
    session.flush()


def _throttle_for(session, email, now):
    """The LoginThrottle of `email`, created if need be, held until commit (two failures
    at once are both counted, as on a user's row). Throttles whose count is forgotten
    anyway are deleted on the way."""
    key = blind_index(email, purpose="login.address")
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


# -- password reset ---------------------------------------------------------------------

def request_password_reset(session, email):
    """Mail a reset link if the address has an account, and otherwise a note that it
    has none (the owner may have registered with another address). The page says
    the same either way, and both cases send one message, so that neither the page
    nor its timing tells who has an account."""
    try:
        email = normalize_email(email)
    except InvalidEmail:
        return
    user = find_by_email(session, email)
    if user is None or not user.active:
        send_mail(email, _("Your ovote password reset request"),
                  _("Someone, probably you, asked to reset the ovote password of this address, "
                    "but no active ovote account uses it. If you have an account, it may be under "
                    "another address of yours. To create one, go to %(link)s\n\n"
                    "If you did not ask for this, ignore this message.",
                    link=external_url("accounts.signup")),
                  session=session)
        return
    send_mail(user.email, _("Reset your ovote password"),
              _("Open this link to choose a new password (valid for %(h)d hours):\n\n%(link)s",
                h=current_app.config["TOKEN_MAX_AGE_HOURS"],
                link=_link("accounts.reset", make_token(user, "reset"))),
              session=session)
    record(session, actor="anonymous", action="account.reset_requested", target=f"user:{user.id}")


def reset_password(session, token, new_password):
    """Set a new password from a reset link; logs out every session of the account."""
    user = read_token(session, token, "reset")
    check_password_strength(new_password, user.email)
    user.password_hash = passwords.hash_password(new_password)
    if not user.is_staff:
        # A voter's lock-out guards only the password, which is now replaced. A staff
        # member's also counts wrong TOTP codes, which a new password does not answer:
        # a reset must not let whoever holds the mailbox try five more codes at once.
        user.failed_logins = 0
        user.locked_until = None
    user.rotate_session_token()
    if user.email_confirmed_at is None:
        # The link reached the mailbox, which proves the address.
        user.email_confirmed_at = utcnow()
    record(session, actor=f"user:{user.id}", action="account.password_reset", target=f"user:{user.id}")
    session.flush()
    return user


# -- staff -------------------------------------------------------------------------------

def create_staff(session, *, actor, email, role, consulate=None, password=None):
    """Create a staff account; without a password, mail a link to set one.

    An official must have a consulate and no other role may have one.
    """
    email = normalize_email(email)
    if role not in STAFF_ROLES:
        raise StaffError(_("Choose a staff role."))
    if (role is Role.OFFICIAL) != (consulate is not None):
        raise StaffError(_("A consular official needs a consulate, and only an official has one."))
    if find_by_email(session, email) is not None:
        raise StaffError(_("An account with this e-mail address already exists."))
    if password is not None:
        check_password_strength(password, email)
        password_hash = passwords.hash_password(password)
    else:
        password_hash = passwords.unusable_hash()
    user = User(email=email, role=role, consulate=consulate, password_hash=password_hash,
                email_confirmed_at=utcnow())
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Made a moment ago by a concurrent request: the unique constraint decides.
        raise StaffError(_("An account with this e-mail address already exists.")) from None
    adopt_failures(session, user)
    record(session, actor=actor, action="staff.create", target=f"user:{user.id}",
           details={"role": role.value, "consulate": consulate.code if consulate else None})
    if password is None:
        send_mail(user.email, _("Your ovote staff account"),
                  _("An account has been created for you. Set your password here (valid for "
                    "%(h)d hours), then enrol an authenticator app at your first login:\n\n%(link)s",
                    h=current_app.config["TOKEN_MAX_AGE_HOURS"],
                    link=_link("accounts.reset", make_token(user, "reset"))),
                  session=session)
    return user


def change_staff_role(session, *, actor, user, role, consulate=None):
    """Give a staff member another role or post (an official moving to another consulate).

    Their sessions end, so that pages opened under the old role or post close.
    """
    if role not in STAFF_ROLES or not user.is_staff:
        raise StaffError(_("Choose a staff role."))
    if (role is Role.OFFICIAL) != (consulate is not None):
        raise StaffError(_("A consular official needs a consulate, and only an official has one."))
    if actor.id == user.id and role is not user.role:
        raise StaffError(_("You cannot change your own role."))
    _hold_commissioners(session, actor)
    before = {"role": user.role.value, "consulate": user.consulate.code if user.consulate else None}
    user.role, user.consulate = role, consulate
    user.rotate_session_token()
    session.flush()
    record(session, actor=actor, action="staff.change_role", target=f"user:{user.id}",
           details={"before": before,
                    "after": {"role": role.value, "consulate": consulate.code if consulate else None}})


def set_locale(session, user, locale):
    """Save a user's interface language (an account change, so it is audited)."""
    if user.locale != locale:
        record(session, actor=user, action="account.locale", target=f"user:{user.id}",
               details={"from": user.locale, "to": locale})
        user.locale = locale
        session.flush()


def set_active(session, *, actor, user, active):
    if actor.id == user.id and not active:
        raise StaffError(_("You cannot deactivate your own account."))
    _hold_commissioners(session, actor)
    user.active = active
    user.rotate_session_token()
    record(session, actor=actor, action="staff.activate" if active else "staff.deactivate",
           target=f"user:{user.id}")
    session.flush()


def _hold_commissioners(session, actor):
    """Hold the rows of the acting and of every active commissioner until commit, read
    afresh, and check the actor still is one. Two commissioners deactivating or
    demoting each other at once then take turns, and the second is refused, instead
    of both succeeding and leaving no commissioner to manage staff."""
    session.scalars(_for_update(select(User).where(
        or_(User.id == actor.id, and_(User.role == Role.COMMISSIONER, User.active.is_(True))))
        .order_by(User.id))).all()
    if not (actor.active and actor.role is Role.COMMISSIONER):
        raise StaffError(_("Your account is no longer an active commissioner: nothing was changed."))


def reset_totp(session, *, actor, user):
    """Forget a staff member's authenticator; they enrol again at next login."""
    _hold_commissioners(session, actor)
    user.totp_secret_enc = None
    user.totp_last_step = None
    user.rotate_session_token()
    record(session, actor=actor, action="staff.totp_reset", target=f"user:{user.id}")
    session.flush()


def list_staff(session):
    return session.scalars(
        select(User).where(User.role != Role.VOTER).order_by(User.role, User.email)
    ).all()
