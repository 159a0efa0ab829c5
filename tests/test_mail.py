"""The mail backends: SMTP from configuration, files for development."""
import email
import smtplib
from datetime import timedelta
from email import policy

import pytest

from ovote.mail import Mailer
from ovote.runtime import runtime


def mailer_with(app, **config):
    """The app's Mailer, but with other mail settings (`MAIL_BACKEND="smtp"`, ...)."""
    current = runtime(app).mailer
    return Mailer.from_config({**app.config, **config}, links=current.links, cipher=current.cipher,
                              engine=current.engine, outbox=current.outbox)


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
    mailer = mailer_with(app, MAIL_BACKEND="smtp", SMTP_HOST="relay.example.org", SMTP_USER="ovote",
                         SMTP_PASSWORD="relay secret")
    mailer.send("voter@example.org", "Hello", "Body")
    assert FakeSMTP.sent[0].calls == [
        ("connect", "relay.example.org", 587), ("starttls",),
        ("login", "ovote", "relay secret"), ("send", "voter@example.org", "Hello"),
    ]


def test_file_backend_writes_one_message_per_file(app, tmp_path):
    mailer = mailer_with(app, MAIL_BACKEND="file", MAIL_DIR=str(tmp_path))
    mailer.send("a@example.org", "Première", "Texte accentué")
    mailer.send("b@example.org", "Second", "Body")
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    first = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert first["To"] == "a@example.org" and first["Subject"] == "Première"
    assert first.get_content().strip() == "Texte accentué"


def test_unknown_backend_is_an_error(app):
    with pytest.raises(RuntimeError, match="unknown OVOTE_MAIL_BACKEND"):
        mailer_with(app, MAIL_BACKEND="pigeon").send("a@example.org", "x", "y")


def test_mail_about_a_change_waits_for_its_commit(runtime, db_session, outbox):
    runtime.mailer.send("a@example.org", "Changed", "It happened", session=db_session)
    with db_session.begin_nested():  # a SAVEPOINT released is not the commit
        pass
    assert outbox == []
    db_session.commit()
    assert [m["To"] for m in outbox] == ["a@example.org"]


def test_mail_about_a_change_that_rolls_back_is_never_sent(runtime, db_session, outbox):
    runtime.mailer.send("a@example.org", "Changed", "It did not happen", session=db_session)
    db_session.rollback()
    db_session.commit()
    assert outbox == []


def test_links_in_mail_need_no_request(runtime):
    """A command (`ovote demo`, a retry) mails links without a web request."""
    assert runtime.mailer.link("registration.status") == "http://ovote.test/register/"


# -- a mail server that is down ----------------------------------------------------

@pytest.fixture(scope="module")
def committing_app(tmp_path_factory):
    """Undelivered mail is kept through a connection of its own, after the commit: this
    needs a database whose transactions really commit (not the test's SAVEPOINTs)."""
    from ovote.extensions import db
    from tests.conftest import make_app
    from tests.databases import fresh_database, upgrade_to_head

    app = make_app(fresh_database("mail", tmp_path_factory.mktemp("mail")), MAIL_BACKEND="smtp")
    upgrade_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


class DownSMTP:
    def __init__(self, host, port, timeout):
        raise ConnectionRefusedError(111, "Connection refused")


class RefusingSMTP(FakeSMTP):
    """A server that answers 550 (no such mailbox, for good) or 451 (try later)."""
    code = 550

    def send_message(self, message):
        raise smtplib.SMTPRecipientsRefused({message["To"]: (self.code, f"<{message['To']}> refused".encode())})


def kept(app):
    from ovote.extensions import db
    from ovote.mail import UndeliveredMail

    with app.app_context():
        rows = db.session.query(UndeliveredMail).order_by(UndeliveredMail.id).all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def nothing_kept(committing_app):
    from ovote.extensions import db
    from ovote.mail import UndeliveredMail

    with committing_app.app_context():
        db.session.query(UndeliveredMail).delete()
        db.session.commit()


def sign_up(app, email):
    from tests.conftest import csrf_token

    client = app.test_client()
    return client.post("/auth/signup", data={
        "email": email, "password": "correct horse battery", "confirm": "correct horse battery",
        "csrf_token": csrf_token(client, "/auth/signup")})


def test_a_refused_message_is_kept_and_the_committed_change_stands(committing_app, nothing_kept, monkeypatch):
    from ovote.accounts.models import User
    from ovote.extensions import db

    monkeypatch.setattr(smtplib, "SMTP", DownSMTP)
    response = sign_up(committing_app, "down@example.org")
    assert response.status_code == 200  # the sign-up committed; the visitor is not shown an error
    assert "Check your e-mail" in response.get_data(as_text=True)
    with committing_app.app_context():
        assert db.session.query(User).filter_by(email="down@example.org").count() == 1
    [row] = kept(committing_app)
    assert row.attempts == 1 and row.last_error == "ConnectionRefusedError errno 111"
    assert (row.next_attempt_at - row.created_at).total_seconds() == 60
    # Sealed: neither the address nor the confirmation link can be read in the database.
    assert "down@example.org" not in row.message_enc and "/auth/confirm/" not in row.message_enc


@pytest.mark.parametrize("code, kept_rows", [(550, 0), (451, 1)])
def test_a_mailbox_refused_for_good_is_not_kept(committing_app, nothing_kept, monkeypatch, code, kept_rows):
    """A 5xx answer is final: keeping it would only retry it for days. A 4xx is kept,
    and what is kept of the error is its kind and code, never the quoted address."""
    monkeypatch.setattr(smtplib, "SMTP", RefusingSMTP)
    monkeypatch.setattr(RefusingSMTP, "code", code)
    assert sign_up(committing_app, f"refused{code}@example.org").status_code == 200
    rows = kept(committing_app)
    assert len(rows) == kept_rows
    for row in rows:
        assert row.last_error == f"SMTPRecipientsRefused {code}"


def test_mail_retry_sends_kept_messages_once_the_server_is_back(committing_app, nothing_kept, monkeypatch):
    from ovote.extensions import db
    from ovote.mail import UndeliveredMail

    runner = committing_app.test_cli_runner()
    monkeypatch.setattr(smtplib, "SMTP", DownSMTP)
    sign_up(committing_app, "back@example.org")
    [before] = kept(committing_app)
    result = runner.invoke(args=["mail", "retry"])  # not due yet: nothing tried
    assert result.exit_code == 1 and "sent 0, failed again 0, dropped 0, 1 kept" in result.output
    result = runner.invoke(args=["mail", "retry", "--all"])  # still down
    assert result.exit_code == 1 and "failed again 1" in result.output
    assert "1 message(s) undelivered" in result.output
    [row] = kept(committing_app)
    assert row.attempts == 2 and row.next_attempt_at > before.next_attempt_at and row.leased_until is None

    class UpSMTP(FakeSMTP):
        def send_message(self, message):
            # The database is not held while the mail server answers.
            assert not db.session().in_transaction()
            super().send_message(message)
            self.calls.append(("body", message.get_content()))

    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", UpSMTP)
    with committing_app.app_context():  # make it due
        db.session.query(UndeliveredMail).update({"next_attempt_at": row.created_at})
        db.session.commit()
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 0, result.output
    assert "sent 1, failed again 0, dropped 0, 0 kept" in result.output
    [smtp] = FakeSMTP.sent
    assert smtp.calls[-2][1:] == ("back@example.org", "Confirm your ovote account")
    assert "/auth/confirm/" in smtp.calls[-1][1]
    assert kept(committing_app) == []
    assert runner.invoke(args=["mail", "retry"]).exit_code == 0  # nothing left: quiet success


def test_mail_retry_drops_what_is_refused_for_good_or_too_old(committing_app, nothing_kept, monkeypatch):
    from ovote.extensions import db
    from ovote.mail import GIVE_UP_AFTER, UndeliveredMail

    monkeypatch.setattr(smtplib, "SMTP", DownSMTP)
    sign_up(committing_app, "old@example.org")
    sign_up(committing_app, "gone@example.org")
    old, gone = kept(committing_app)
    with committing_app.app_context():
        db.session.query(UndeliveredMail).filter_by(id=old.id).update(
            {"created_at": old.created_at - GIVE_UP_AFTER})
        db.session.commit()
    monkeypatch.setattr(smtplib, "SMTP", RefusingSMTP)  # 550 for the other one
    result = committing_app.test_cli_runner().invoke(args=["mail", "retry", "--all"])
    assert result.exit_code == 1 and "dropped 2, 0 kept" in result.output
    assert kept(committing_app) == []


def test_two_retry_runs_at_once_send_each_message_once(committing_app, nothing_kept, monkeypatch):
    from ovote.extensions import db
    from ovote.mail import retry_undelivered
    from tests.test_concurrency import race

    monkeypatch.setattr(smtplib, "SMTP", DownSMTP)
    for n in range(4):
        sign_up(committing_app, f"twice{n}@example.org")
    FakeSMTP.sent = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)

    def run():
        with committing_app.app_context():
            return retry_undelivered(db.session, mailer=runtime(committing_app).mailer,
                                     everything=True).sent

    assert sum(race([run, run, run])) == 4
    sent = [call[1] for smtp in FakeSMTP.sent for call in smtp.calls if call[0] == "send"]
    assert sorted(sent) == [f"twice{n}@example.org" for n in range(4)]
    assert kept(committing_app) == []


def test_retries_back_off_up_to_six_hours():
    from ovote.mail import retry_delay

    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(10) == timedelta(hours=6) and retry_delay(10_000) == timedelta(hours=6)


def test_kept_messages_are_re_encrypted_with_the_other_personal_data(app):
    from ovote.key_rotation import sealed_columns
    from ovote.mail import UndeliveredMail

    with app.app_context():
        assert (UndeliveredMail, "message_enc", "mail.message") in sealed_columns()


def test_the_log_names_a_message_by_its_id_not_its_address_or_subject(app, monkeypatch, caplog):
    import logging

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    with caplog.at_level(logging.INFO, logger="ovote.mail"):
        mailer_with(app, MAIL_BACKEND="smtp").send("private@example.org", "Your application was rejected",
                                                   "Body")
    assert "sent via smtp" in caplog.text
    assert "private@example.org" not in caplog.text and "rejected" not in caplog.text
