"""Outgoing mail through one function, with a backend chosen by configuration.

Backends: `smtp` (production), `file` (one .eml per message in OVOTE_MAIL_DIR,
for development and the browser tests), `console` (logged), `memory` (kept in
`app.extensions["ovote_outbox"]`, for unit tests).
"""
import logging
import smtplib
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


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
            _deliver(msg)


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
