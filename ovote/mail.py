"""Outgoing mail through one function, with a backend chosen by configuration.

Backends: `smtp` (production), `file` (one .eml per message in OVOTE_MAIL_DIR,
for development and the browser tests), `console` (logged), `memory` (kept in
`app.extensions["ovote_outbox"]`, for unit tests).

A message the backend refuses (mail server down, say) is not lost and does not
fail the request whose change already committed: it is kept, sealed, in
`undelivered_mail`, and `ovote mail retry` sends it again.
"""
import logging
import smtplib
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import DateTime, Integer, String, Text, event, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ovote.extensions import db
from ovote.personal_data import cipher

log = logging.getLogger(__name__)
_SEALED = "mail.message"
#: longest wait between two attempts at one message
MAX_RETRY_DELAY = timedelta(hours=6)


def _utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


class UndeliveredMail(db.Model):
    """A message the mail backend did not take; `ovote mail retry` sends it again.

    The whole message is sealed: it may hold a password-reset or confirmation link."""

    __tablename__ = "undelivered_mail"
    SEALED_COLUMNS = {"message_enc": _SEALED}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    #: why the last attempt failed (the backend's error, never the message)
    last_error: Mapped[str] = mapped_column(String(300), nullable=False)
    message_enc: Mapped[str] = mapped_column(Text, nullable=False)


def retry_delay(attempts):
    """Wait after `attempts` failed attempts: 1, 2, 4 ... minutes, at most MAX_RETRY_DELAY."""
    return min(timedelta(minutes=2 ** min(attempts - 1, 20)), MAX_RETRY_DELAY)


def external_url(endpoint, **values):
    """The absolute URL of `endpoint` for a message: on the configured host
    (SERVER_NAME) and scheme (PREFERRED_URL_SCHEME), never the request's, whose
    Host header the sender chooses and whose scheme is http behind a TLS proxy."""
    return url_for(endpoint, _external=True, _scheme=current_app.config["PREFERRED_URL_SCHEME"],
                   **values)


def build_message(to, subject, body):
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="ovote.invalid")
    msg["Date"] = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
    msg.set_content(body)
    return msg


def send_mail(to, subject, body, *, session=None):
    """Send a plain-text message with the configured backend.

    With `session`, the message is written now (in the current language) but
    sent only when that session's transaction commits, and dropped if it
    rolls back: nobody is told of a change that did not happen.
    """
    msg = build_message(to, subject, body)
    if session is None:
        _deliver(msg)
    else:
        # Join the transaction now, so that its rollback is a real one and drops the message.
        session.connection()
        session.info.setdefault(_PENDING, []).append(msg)


_PENDING = "ovote.mail.pending"


@event.listens_for(Session, "after_commit")
def _send_pending(session):
    if not session.in_nested_transaction():
        for msg in session.info.pop(_PENDING, []):
            try:
                _deliver(msg)
            except OSError as exc:  # smtplib's errors, refused connections, timeouts, full disks
                _keep_undelivered(msg, exc)


def _keep_undelivered(msg, exc):
    """Store a message the backend refused. The change it reports has committed, so
    the request goes on; the store uses its own connection (the session that
    committed cannot run SQL inside this hook)."""
    log.error("mail to %s not delivered (%s); kept for `ovote mail retry`", msg["To"], exc)
    now = _utcnow()
    with db.engine.begin() as connection:
        connection.execute(insert(UndeliveredMail).values(
            created_at=now, attempts=1, next_attempt_at=now + retry_delay(1),
            last_error=_describe(exc), message_enc=cipher().seal(bytes(msg), context=_SEALED)))


def _describe(exc):
    return f"{type(exc).__name__}: {exc}"[:300]


def retry_undelivered(session, *, now=None, everything=False):
    """Send again each kept message whose next attempt is due (or all of them, with
    `everything`); returns (sent, still undelivered). One message per transaction,
    each row held while it is sent, so two runs at once never send a message twice."""
    now = now or _utcnow()
    sent = failed = 0
    last = 0
    while True:
        query = select(UndeliveredMail).where(UndeliveredMail.id > last).order_by(UndeliveredMail.id)
        if not everything:
            query = query.where(UndeliveredMail.next_attempt_at <= now)
        row = session.scalar(query.limit(1).with_for_update(skip_locked=True))
        if row is None:
            return sent, failed
        last = row.id
        msg = message_from_bytes(cipher().open(row.message_enc, context=_SEALED), policy=policy.default)
        try:
            _deliver(msg)
        except OSError as exc:
            row.attempts += 1
            row.last_error = _describe(exc)
            row.next_attempt_at = now + retry_delay(row.attempts)
            failed += 1
        else:
            session.delete(row)
            sent += 1
        session.commit()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


def _deliver(msg):
    config = current_app.config
    to, subject = msg["To"], msg["Subject"]
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("ovote_outbox", []).append(msg)
    elif backend == "file":
        folder = Path(config["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}.eml").write_bytes(bytes(msg))
    elif backend == "console":
        log.warning("mail to %s: %s\n%s", to, subject, msg.get_content())
    elif backend == "smtp":
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(msg)
    else:
        raise RuntimeError(f"unknown OVOTE_MAIL_BACKEND {backend!r}")
    log.info("mail sent to %s via %s: %s", to, backend, subject)
