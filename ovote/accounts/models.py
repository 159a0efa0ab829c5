import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ovote.clock import utcnow
from ovote.enums import LabelledEnum, enum_column
from ovote.extensions import db


class Role(LabelledEnum):
    VOTER = "voter", _l("Voter")
    OFFICIAL = "official", _l("Consular official")
    COMMISSIONER = "commissioner", _l("Commissioner")
    AUDITOR = "auditor", _l("Auditor")
    TRUSTEE = "trustee", _l("Trustee")

    @property
    def is_staff(self):
        return self is not Role.VOTER


STAFF_ROLES = tuple(r for r in Role if r.is_staff)


def _new_session_token():
    return secrets.token_urlsafe(24)


class LockOut:
    """Consecutive failed logins and the lock they lead to (`login.count_failure`)."""

    #: consecutive failed password (or TOTP) attempts since the last success
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    #: no login is accepted before this time (lock-out after repeated failures)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: the last failure; a count older than FAILURES_FORGOTTEN_AFTER starts again
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or utcnow())


class User(LockOut, db.Model):
    """An account. Staff roles must use TOTP; an official belongs to one consulate."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "(role = 'official') = (consulate_id IS NOT NULL)",
            name="official_has_consulate",
        ),
        CheckConstraint("failed_logins >= 0", name="failed_logins_not_negative"),
    )
    SEALED_COLUMNS = {"totp_secret_enc": "user.totp"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: lower-cased, normalised e-mail address; the login name
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    #: Argon2id hash in PHC string form
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    #: what the account may do
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), nullable=False)
    #: the one consulate an official works for (NULL for every other role)
    consulate_id: Mapped[int | None] = mapped_column(
        ForeignKey("consulates.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    #: preferred interface language ("en", "fr"), NULL to follow the browser
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    #: when the e-mail address was confirmed; NULL blocks login for voters
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: deactivated accounts cannot log in
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    #: base32 TOTP secret, encrypted with the data key; NULL until enrolled
    totp_secret_enc: Mapped[str | None] = mapped_column(String(255), nullable=True)
    #: the last TOTP time step accepted, so that a code cannot be replayed
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: random id stored in the session cookie; rotating it logs out every session
    session_token: Mapped[str] = mapped_column(
        String(64), nullable=False, unique=True, default=_new_session_token
    )
    #: the voter wants the reminder mails before an election closes (account page)
    election_reminders: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True,
                                                     server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    consulate = relationship("Consulate", lazy="joined")

    # Flask-Login protocol
    @property
    def is_authenticated(self):
        return True

    @property
    def is_active(self):
        return self.active

    @property
    def is_anonymous(self):
        return False

    def get_id(self):
        return self.session_token

    def rotate_session_token(self):
        self.session_token = _new_session_token()

    @property
    def is_staff(self):
        return self.role.is_staff

    @property
    def totp_enrolled(self):
        return self.totp_secret_enc is not None

    @property
    def audit_target(self):
        return f"user:{self.id}"

    @property
    def address_proven(self):
        """Staff addresses are proven by their invitation link; a voter's by confirming."""
        return self.role is not Role.VOTER or self.email_confirmed_at is not None

    def __repr__(self):
        return f"<User {self.id} {self.role.value}>"


class LoginThrottle(LockOut, db.Model):
    """Failed logins with an address that has no active account, counted and locked
    exactly as an account's are, so that the lock-out does not tell who has one.
    Keyed by a blind index: the table holds no address."""

    __tablename__ = "login_throttles"

    __table_args__ = (Index("ix_login_throttles_last_failed_at", "last_failed_at"),)

    #: blind index (purpose "login.address") of the normalised address
    address_index: Mapped[str] = mapped_column(String(64), primary_key=True)

    @property
    def audit_target(self):
        return f"address:{self.address_index[:16]}"
