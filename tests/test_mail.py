"""The mail backends: SMTP from configuration, files for development."""
import email
import smtplib
from email import policy

import pytest

from ovote.mail import send_mail


class FakeSMTP:
    sent = []

    def __init__(self, host, port, timeout):
        self.calls = [("connect", host, port)]
        FakeSMTP.sent.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, message):
        self.calls.append(("send", message["To"], message["Subject"]))


def test_smtp_backend_uses_the_configured_relay(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    with app.app_context():
        monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
        monkeypatch.setitem(app.config, "SMTP_HOST", "relay.example.org")
        monkeypatch.setitem(app.config, "SMTP_USER", "ovote")
        monkeypatch.setitem(app.config, "SMTP_PASSWORD", "relay secret")
        send_mail("voter@example.org", "Hello", "Body")
    assert FakeSMTP.sent[0].calls == [
        ("connect", "relay.example.org", 587), ("starttls",),
        ("login", "ovote", "relay secret"), ("send", "voter@example.org", "Hello"),
    ]


def test_file_backend_writes_one_message_per_file(app, monkeypatch, tmp_path):
    with app.app_context():
        monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
        monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
        send_mail("a@example.org", "Première", "Texte accentué")
        send_mail("b@example.org", "Second", "Body")
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    first = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert first["To"] == "a@example.org" and first["Subject"] == "Première"
    assert first.get_content().strip() == "Texte accentué"


def test_unknown_backend_is_an_error(app, monkeypatch):
    with app.app_context():
        monkeypatch.setitem(app.config, "MAIL_BACKEND", "pigeon")
        with pytest.raises(RuntimeError, match="unknown OVOTE_MAIL_BACKEND"):
            send_mail("a@example.org", "x", "y")


def test_mail_about_a_change_waits_for_its_commit(app, db_session, outbox):
    with app.test_request_context():
        send_mail("a@example.org", "Changed", "It happened", session=db_session)
        with db_session.begin_nested():  # a SAVEPOINT released is not the commit
            pass
        assert outbox == []
        db_session.commit()
    assert [m["To"] for m in outbox] == ["a@example.org"]


def test_mail_about_a_change_that_rolls_back_is_never_sent(app, db_session, outbox):
    with app.test_request_context():
        send_mail("a@example.org", "Changed", "It did not happen", session=db_session)
        db_session.rollback()
        db_session.commit()
    assert outbox == []
