"""Outgoing mail through one collaborator, `Mailer`, with a backend chosen by configuration.

Backends: `smtp` (production), `file` (one .eml per message in OVOTE_MAIL_DIR,
for development and the browser tests), `console` (logged), `memory` (kept in
`Mailer.outbox`, also `app.extensions["ovote_outbox"]`, for unit tests).

A message the backend refuses (mail server down, say) is not lost and does not
fail the request whose change already committed: it is kept, sealed, in
`undelivered_mail`, and `ovote mail retry` sends it again.
"""
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import DateTime, Integer, String, Text, delete, insert, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from ovote.after_commit import on_commit
from ovote.clock import utcnow
from ovote.extensions import db

log = logging.getLogger(__name__)
_SEALED = "mail.message"
#: longest wait between two attempts at one message
MAX_RETRY_DELAY = timedelta(hours=6)


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


class Mailer:
    """Sends the app's messages; services are given it (`mailer=`), built once per app.

    `links(endpoint, **values)` makes the absolute URLs messages carry: on the
    configured host (SERVER_NAME) and scheme (PREFERRED_URL_SCHEME), never the
    request's, whose Host header the sender chooses and whose scheme is http behind
    a TLS proxy. `engine` stores the messages the backend refuses, sealed by `cipher`.
    """

    def __init__(self, *, backend, sender, links, cipher, engine, mail_dir=None, smtp=None,
                 outbox=None):
        self.backend, self.sender, self.links = backend, sender, links
        self.cipher, self.engine = cipher, engine
        self.mail_dir, self.smtp = mail_dir, smtp or {}
        #: the messages the `memory` backend has sent
        self.outbox = [] if outbox is None else outbox

    @classmethod
    def from_config(cls, config, *, links, cipher, engine, outbox=None):
        smtp = {key: config[f"SMTP_{key.upper()}"]
                for key in ("host", "port", "starttls", "user", "password")}
        return cls(backend=config["MAIL_BACKEND"], sender=config["MAIL_FROM"], links=links,
                   cipher=cipher, engine=engine, mail_dir=config["MAIL_DIR"], smtp=smtp,
                   outbox=outbox)

    def link(self, endpoint, **values):
        """The absolute URL of `endpoint` for a message."""
        return self.links(endpoint, **values)

    def build_message(self, to, subject, body):
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Message-ID"] = make_msgid(domain="ovote.invalid")
        msg["Date"] = datetime.now(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
        msg.set_content(body)
        return msg

    def send(self, to, subject, body, *, session=None):
        """Send a plain-text message with the configured backend.

        With `session`, the message is written now (in the current language) but
        sent only when that session's transaction commits, and dropped if it
        rolls back: nobody is told of a change that did not happen.
        """
        msg = self.build_message(to, subject, body)
        if session is None:
            self.deliver(msg)
        else:
            on_commit(session, lambda: self._deliver_or_keep(msg))

    def _deliver_or_keep(self, msg):
        try:
            self.deliver(msg)
        except OSError as exc:  # smtplib's errors, refused connections, timeouts, full disks
            self._keep_undelivered(msg, exc)

    def _keep_undelivered(self, msg, exc):
        """Store a message the backend refused for a while (not for good: a mailbox that
        does not exist is not tried again). The change it reports has committed, so the
        request goes on whatever happens here; the store uses its own connection (the
        session that committed cannot run SQL inside this hook)."""
        if _permanent(exc):
            log.error("mail %s refused for good (%s); not kept", msg["Message-ID"], _describe(exc))
            return
        log.error("mail %s not delivered (%s); kept for `ovote mail retry`", msg["Message-ID"],
                  _describe(exc))
        now = utcnow()
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(UndeliveredMail).values(
                    created_at=now, attempts=1, next_attempt_at=now + retry_delay(1),
                    last_error=_describe(exc),
                    message_enc=self.cipher.seal(bytes(msg), context=_SEALED)))
        except Exception:  # noqa: BLE001 - the change stands; say loudly that its mail is lost
            log.exception("mail %s lost: it could not be kept for a later attempt", msg["Message-ID"])

    def open_kept(self, message_enc):
        return message_from_bytes(self.cipher.open(message_enc, context=_SEALED), policy=policy.default)

    def deliver(self, msg):
        backend = self.backend
        if backend == "memory":
            self.outbox.append(msg)
        elif backend == "file":
            folder = Path(self.mail_dir)
            folder.mkdir(parents=True, exist_ok=True)
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
            (folder / f"{stamp}.eml").write_bytes(bytes(msg))
        elif backend == "console":  # development only: production refuses every backend but smtp
            log.warning("mail to %s: %s\n%s", msg["To"], msg["Subject"], msg.get_content())
        elif backend == "smtp":
            smtp = self.smtp
            with smtplib.SMTP(smtp["host"], smtp["port"], timeout=20) as server:
                if smtp["starttls"]:
                    server.starttls()
                if smtp["user"]:
                    server.login(smtp["user"], smtp["password"])
                server.send_message(msg)
        else:
            raise RuntimeError(f"unknown OVOTE_MAIL_BACKEND {backend!r}")
        # The Message-ID only: the address and the subject ("... rejected") are personal data.
        log.info("mail %s sent via %s", msg["Message-ID"], backend)


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


def retry_undelivered(session, *, mailer, now=None, everything=False):
    """Send again each kept message whose next attempt is due (every one, with
    `everything`); returns a RetryReport.

    A message is claimed first (leased, if no other run holds it) in a short
    transaction, and sent with no transaction open: the database is never held
    while the mail server answers, and two runs at once never send one message
    twice. A run that dies while sending frees its messages when the lease ends."""
    now = now or utcnow()
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
            _send_kept(session, mailer, row, now, report)
        session.commit()


def _send_kept(session, mailer, row, now, report):
    msg = mailer.open_kept(row.message_enc)
    this = UndeliveredMail.id == row.id
    try:
        mailer.deliver(msg)
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

