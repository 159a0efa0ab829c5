"""Account rules: sign-up, confirmation, password reset, the interface language.

Logging in (with the lock-out) is in `ovote.accounts.login`, staff management in
`ovote.accounts.staff`. Services take the session and their collaborators
explicitly (`settings`, `passwords`, `cipher`, `mailer`), flush, audit through
`ovote.audit.services.record` and raise the refusals of `ovote.accounts.errors`;
the request layer commits and maps them to messages (`ovote.refusals`).
"""
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from ovote.accounts import passwords as password_rules
from ovote.accounts.addresses import find_by_email, normalize_email
from ovote.accounts.errors import InvalidEmail, InvalidToken, WeakPassword
from ovote.accounts.login import adopt_failures
from ovote.accounts.models import Role, User
from ovote.audit.services import record
from ovote.clock import utcnow


def check_password_strength(password, email):
    if len(password or "") < password_rules.MIN_LENGTH:
        raise WeakPassword("account.password_too_short", n=password_rules.MIN_LENGTH)
    if password.strip().lower() == email.split("@")[0].lower() or password.lower() == email.lower():
        raise WeakPassword("account.password_is_email")


# -- signed links ---------------------------------------------------------------

def _serializer(settings, purpose):
    return URLSafeTimedSerializer(settings.secret_key, salt=f"ovote.{purpose}")


def make_token(user, purpose, *, settings):
    """A signed, expiring token for a link; a reset token dies with the password it replaces."""
    payload = {"u": user.id, "e": user.email}
    if purpose == "reset":
        payload["h"] = user.password_hash[-16:]
    return _serializer(settings, purpose).dumps(payload)


def read_token(session, token, purpose, *, settings):
    """The user a token was made for; raises InvalidToken when forged, expired or spent."""
    max_age = settings.token_max_age_hours * 3600
    try:
        payload = _serializer(settings, purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidToken("account.link_expired") from None
    except BadSignature:
        raise InvalidToken("account.link_invalid") from None
    user = session.get(User, payload.get("u"))
    # A deactivated account's links die with it: no password is set on it, no address confirmed.
    if user is None or not user.active or user.email != payload.get("e"):
        raise InvalidToken("account.link_invalid")
    if purpose == "reset" and user.password_hash[-16:] != payload.get("h"):
        raise InvalidToken("account.link_used")
    return user


def mail_link(user, purpose, endpoint, *, settings, mailer):
    """The absolute URL of `endpoint` carrying a fresh `purpose` token for `user`."""
    return mailer.link(endpoint, token=make_token(user, purpose, settings=settings))


# -- voters -----------------------------------------------------------------------

def register_voter(session, *, email, password, locale=None, settings, passwords, cipher, mailer):
    """Create an unconfirmed voter account and mail the confirmation link.

    An address that already has an account gets a notice instead, and the
    caller sees the same outcome, so sign-up does not reveal who is registered.
    Returns the new User, or None when the address was taken.
    """
    email = normalize_email(email)
    check_password_strength(password, email)
    user = User(email=email, password_hash=passwords.hash(password), role=Role.VOTER, locale=locale)
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # The address has an account (perhaps made a moment ago by a concurrent
        # request): the unique constraint decides, not a look-up before it.
        existing = find_by_email(session, email)
        if existing.email_confirmed_at is None:
            # Its owner may be signing up again for a lost or expired link: here is one.
            mailer.send(email, _("Confirm your ovote account"),
                        _("This address was used to sign up, but it is not confirmed yet. Open this "
                          "link to confirm it (valid for %(h)d hours):\n\n%(link)s\n\n"
                          "The password is the one chosen at the first sign-up; if you do not "
                          "remember it, choose a new one here: %(forgot)s",
                          h=settings.token_max_age_hours,
                          link=mail_link(existing, "confirm", "accounts.confirm", settings=settings,
                                         mailer=mailer),
                          forgot=mailer.link("accounts.forgot")),
                        session=session)
        else:
            mailer.send(email, _("Someone tried to create an ovote account with your address"),
                        _("An account already exists for this address. If you forgot your "
                          "password, reset it here: %(link)s", link=mailer.link("accounts.forgot")),
                        session=session)
        record(session, actor="anonymous", action="account.signup_existing", target=f"user:{existing.id}")
        return None
    record(session, actor="anonymous", action="account.signup", target=f"user:{user.id}")
    adopt_failures(session, user, cipher=cipher)
    send_confirmation(session, user, settings=settings, mailer=mailer)
    return user


def send_confirmation(session, user, *, settings, mailer):
    mailer.send(user.email, _("Confirm your ovote account"),
                _("Open this link to confirm your e-mail address (valid for %(h)d hours):\n\n%(link)s",
                  h=settings.token_max_age_hours,
                  link=mail_link(user, "confirm", "accounts.confirm", settings=settings, mailer=mailer)),
                session=session)


def confirm_email(session, token, *, settings):
    user = read_token(session, token, "confirm", settings=settings)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record(session, actor=f"user:{user.id}", action="account.confirm", target=f"user:{user.id}")
        session.flush()
    return user


# -- password reset ---------------------------------------------------------------------

def request_password_reset(session, email, *, settings, mailer):
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
        mailer.send(email, _("Your ovote password reset request"),
                    _("Someone, probably you, asked to reset the ovote password of this address, "
                      "but no active ovote account uses it. If you have an account, it may be under "
                      "another address of yours. To create one, go to %(link)s\n\n"
                      "If you did not ask for this, ignore this message.",
                      link=mailer.link("accounts.signup")),
                    session=session)
        return
    mailer.send(user.email, _("Reset your ovote password"),
                _("Open this link to choose a new password (valid for %(h)d hours):\n\n%(link)s",
                  h=settings.token_max_age_hours,
                  link=mail_link(user, "reset", "accounts.reset", settings=settings, mailer=mailer)),
                session=session)
    record(session, actor="anonymous", action="account.reset_requested", target=f"user:{user.id}")


def reset_password(session, token, new_password, *, settings, passwords):
    """Set a new password from a reset link; logs out every session of the account."""
    user = read_token(session, token, "reset", settings=settings)
    check_password_strength(new_password, user.email)
    user.password_hash = passwords.hash(new_password)
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


def set_locale(session, user, locale):
    """Save a user's interface language (an account change, so it is audited)."""
    if user.locale != locale:
        record(session, actor=user, action="account.locale", target=f"user:{user.id}",
               details={"from": user.locale, "to": locale})
        user.locale = locale
        session.flush()
