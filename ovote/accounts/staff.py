"""Commissioners manage staff accounts: create them, change their role or post,
deactivate them, reset their authenticator."""
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.addresses import find_by_email, normalize_email
from ovote.accounts.errors import StaffError
from ovote.accounts.login import adopt_failures, for_update
from ovote.accounts.models import STAFF_ROLES, Role, User
from ovote.accounts.services import check_password_strength, mail_link
from ovote.audit.services import record
from ovote.clock import utcnow


def create_staff(session, *, actor, email, role, consulate=None, password=None, settings, passwords,
                 cipher, mailer):
    """Create a staff account; without a password, mail a link to set one.

    An official must have a consulate and no other role may have one.
    """
    email = normalize_email(email)
    if role not in STAFF_ROLES:
        raise StaffError("staff.role")
    if (role is Role.OFFICIAL) != (consulate is not None):
        raise StaffError("staff.consulate")
    if find_by_email(session, email) is not None:
        raise StaffError("staff.email_taken")
    if password is not None:
        check_password_strength(password, email)
        password_hash = passwords.hash(password)
    else:
        password_hash = passwords.unusable_hash()
    user = User(email=email, role=role, consulate=consulate, password_hash=password_hash,
                email_confirmed_at=utcnow())
    try:
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        # Made a moment ago by a concurrent request: the unique constraint decides.
        raise StaffError("staff.email_taken") from None
    adopt_failures(session, user, cipher=cipher)
    record(session, actor=actor, action="staff.create", target=f"user:{user.id}",
           details={"role": role.value, "consulate": consulate.code if consulate else None})
    if password is None:
        mailer.send(user.email, _("Your ovote staff account"),
                    _("An account has been created for you. Set your password here (valid for "
                      "%(h)d hours), then enrol an authenticator app at your first login:\n\n%(link)s",
                      h=settings.token_max_age_hours,
                      link=mail_link(user, "reset", "accounts.reset", settings=settings,
                                     mailer=mailer)),
                    session=session)
    return user


def change_staff_role(session, *, actor, user, role, consulate=None):
    """Give a staff member another role or post (an official moving to another consulate).

    Their sessions end, so that pages opened under the old role or post close.
    """
    if role not in STAFF_ROLES or not user.is_staff:
        raise StaffError("staff.role")
    if (role is Role.OFFICIAL) != (consulate is not None):
        raise StaffError("staff.consulate")
    if actor.id == user.id and role is not user.role:
        raise StaffError("staff.own_role")
    _hold_commissioners(session, actor)
    before = {"role": user.role.value, "consulate": user.consulate.code if user.consulate else None}
    user.role, user.consulate = role, consulate
    user.rotate_session_token()
    session.flush()
    record(session, actor=actor, action="staff.change_role", target=f"user:{user.id}",
           details={"before": before,
                    "after": {"role": role.value, "consulate": consulate.code if consulate else None}})


def set_active(session, *, actor, user, active):
    if actor.id == user.id and not active:
        raise StaffError("staff.own_account")
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
    session.scalars(for_update(select(User).where(
        or_(User.id == actor.id, and_(User.role == Role.COMMISSIONER, User.active.is_(True))))
        .order_by(User.id))).all()
    if not (actor.active and actor.role is Role.COMMISSIONER):
        raise StaffError("staff.not_commissioner")


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
