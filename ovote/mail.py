"""Outgoing mail through one function, with a backend chosen by configuration.

Backends: `smtp` (production), `file` (one .eml per message in OVOTE_MAIL_DIR,
for development and the browser tests), `console` (logged), `memory` (kept in
`app.extensions["ovote_outbox"]`, for unit tests).

A message the backend refuses (mail server down, say) is not lost and does not
fail the request whose change already committed: it is kept, sealed, in
`undelivered_mail`, and `ovote mail retry` sends it again.
"""
import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import DateTime, Integer, String, Text, delete, event, insert, or_, select, update
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
    #: a run of `ovote mail retry` is sending it until then (NULL: nobody is)
    leased_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: why the last attempt failed: the error's kind and SMTP code, never its text
    #: (which may quote the address)
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


_LINK = re.compile(r"https?://[^\s<>\"]+")


def _html_of(text):
    """The plain text as simple HTML: paragraphs, line breaks and links, all escaped."""
    paragraphs = []
    for block in text.split("\n\n"):
        parts, last = [], 0
        for link in _LINK.finditer(block):
            parts.append(escape(block[last:link.start()]))
            url = escape(link.group(0))
            parts.append(Markup('<a href="{0}">{0}</a>').format(url))
            last = link.end()
        parts.append(escape(block[last:]))
        paragraphs.append(Markup("<p>{}</p>").format(Markup("").join(parts).replace("\n", Markup("<br>\n"))))
    locale = str(get_locale() or "en")
    return str(Markup('<!doctype html>\n<html lang="{}"><body>\n{}\n</body></html>\n').format(
        locale, Markup("\n").join(paragraphs)))


def compose(body):
    """Every message: a greeting, the text, and who sends it, in the current language."""
    return "\n\n".join([_("Hello,"), body.strip(),
                         _("— %(commission)s, ovote (please do not reply to this address)",
                           commission=current_app.config["COMMISSION_NAME"])])


def build_message(to, subject, body):
    """A message with a plain-text part and the same text as HTML."""
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="ovote.invalid")
    msg["Date"] = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
    text = compose(body)
    msg.set_content(text)
    msg.add_alternative(_html_of(text), subtype="html")
    msg["Content-Language"] = str(get_locale() or "en")  # after the parts: set_content drops it
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
    """Store a message the backend refused for a while (not for good: a mailbox that
    does not exist is not tried again). The change it reports has committed, so the
    request goes on whatever happens here; the store uses its own connection (the
    session that committed cannot run SQL inside this hook)."""
    if _permanent(exc):
        log.error("mail %s refused for good (%s); not kept", msg["Message-ID"], _describe(exc))
        return
    log.error("mail %s not delivered (%s); kept for `ovote mail retry`", msg["Message-ID"], _describe(exc))
    now = _utcnow()
    try:
        with db.engine.begin() as connection:
            connection.execute(insert(UndeliveredMail).values(
                created_at=now, attempts=1, next_attempt_at=now + retry_delay(1),
                last_error=_describe(exc), message_enc=cipher().seal(bytes(msg), context=_SEALED)))
    except Exception:  # noqa: BLE001 - the change stands; say loudly that its mail is lost
        log.exception("mail %s lost: it could not be kept for a later attempt", msg["Message-ID"])


def _permanent(exc):
    """Whether the server refused the message for good (a 5xx reply), not for now."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _describe(exc):
    """The failure without its text, which may quote the recipient's address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return f"SMTPRecipientsRefused {' '.join(map(str, codes))}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} {exc.smtp_code}"
    errno = getattr(exc, "errno", None)
    return type(exc).__name__ + (f" errno {errno}" if errno else "")


@dataclass
class RetryReport:
    sent: int = 0
    failed: int = 0  # refused again, kept for a later attempt
    dropped: int = 0  # refused for good, or kept longer than GIVE_UP_AFTER


#: a kept message not delivered after this long is dropped (its links have expired)
GIVE_UP_AFTER = timedelta(days=3)
#: a message being sent is not offered to another run for this long
_LEASE = timedelta(minutes=10)


def retry_undelivered(session, *, now=None, everything=False):
    """Send again each kept message whose next attempt is due (every one, with
    `everything`); returns a RetryReport.

    A message is claimed first (leased, if no other run holds it) in a short
    transaction, and sent with no transaction open: the database is never held
    while the mail server answers, and two runs at once never send one message
    twice. A run that dies while sending frees its messages when the lease ends."""
    now = now or _utcnow()
    report = RetryReport()
    free = or_(UndeliveredMail.leased_until.is_(None), UndeliveredMail.leased_until < now)
    last = 0
    while True:
        # Plain values, not an ORM object: nothing may reload it (and open a
        # transaction) while the mail server is talked to.
        query = (select(UndeliveredMail.id, UndeliveredMail.created_at, UndeliveredMail.attempts,
                        UndeliveredMail.message_enc)
                 .where(UndeliveredMail.id > last, free).order_by(UndeliveredMail.id).limit(1))
        if not everything:
            query = query.where(UndeliveredMail.next_attempt_at <= now)
        row = session.execute(query).first()
        if row is None:
            session.commit()
            return report
        last = row.id
        this = UndeliveredMail.id == row.id
        claimed = session.execute(update(UndeliveredMail).where(this, free)
                                  .values(leased_until=now + _LEASE)).rowcount == 1
        session.commit()
        if not claimed:
            continue  # another run has it
        if row.created_at < now - GIVE_UP_AFTER:
            log.error("undelivered mail %s dropped after %s", row.id, GIVE_UP_AFTER)
            session.execute(delete(UndeliveredMail).where(this))
            report.dropped += 1
        else:
            _send_kept(session, row, now, report)
        session.commit()


def _send_kept(session, row, now, report):
    msg = message_from_bytes(cipher().open(row.message_enc, context=_SEALED), policy=policy.default)
    this = UndeliveredMail.id == row.id
    try:
        _deliver(msg)
    except OSError as exc:
        if _permanent(exc):
            log.error("undelivered mail %s refused for good (%s); dropped", row.id, _describe(exc))
            session.execute(delete(UndeliveredMail).where(this))
            report.dropped += 1
        else:
            session.execute(update(UndeliveredMail).where(this).values(
                attempts=row.attempts + 1, last_error=_describe(exc), leased_until=None,
                next_attempt_at=now + retry_delay(row.attempts + 1)))
            report.failed += 1
    else:
        session.execute(delete(UndeliveredMail).where(this))
        report.sent += 1


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


def _deliver(msg):
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions.setdefault("ovote_outbox", []).append(msg)
    elif backend == "file":
        folder = Path(config["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}.eml").write_bytes(bytes(msg))
    elif backend == "console":  # development only: production refuses every backend but smtp
        log.warning("mail to %s: %s\n%s", msg["To"], msg["Subject"], msg.get_body(("plain",)).get_content())
    elif backend == "smtp":
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=20) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(msg)
    else:
        raise RuntimeError(f"unknown OVOTE_MAIL_BACKEND {backend!r}")
    # The Message-ID only: the address and the subject ("... rejected") are personal data.
    log.info("mail %s sent via %s", msg["Message-ID"], backend)
