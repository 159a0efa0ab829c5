"""Shared fixtures: the app on a schema built by the migrations, a SAVEPOINT per
test, a test client, factories and role helpers.

OVOTE_DATABASE_URL chooses the database (PostgreSQL in CI's second run); by
default a throw-away SQLite file is used.
"""
import re
import smtplib

import pytest
from flask_login.utils import _create_identifier
from hypothesis import HealthCheck, settings
from sqlalchemy.orm import scoped_session, sessionmaker

import config as config_module
from ovote import create_app
from ovote.accounts import totp
from ovote.accounts.models import Role, User
from ovote.clock import utcnow
from ovote.consulates.models import Consulate, ConsulateCountry
from ovote.extensions import db
from ovote.app import install_runtime
from ovote.runtime import runtime as runtime_of
from tests.databases import fresh_database, upgrade_to_head

PASSWORD = "correct horse battery"

# Property tests check results, never speed: a loaded CI machine must not fail them.
settings.register_profile("ovote", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ovote")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh database for the SAVEPOINT-isolated tests, built by the migrations."""
    return fresh_database("unit", tmp_path_factory.mktemp("db"))


def make_app(database_url, **overrides):
    settings = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SERVER_NAME": "ovote.test",
        "MAIL_BACKEND": "memory",
    }
    settings.update(overrides)
    return create_app_with(settings)


def create_app_with(settings):
    class Config(config_module.TestingConfig):
        pass

    for key, value in settings.items():
        setattr(Config, key, value)
    return create_app(Config)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = make_app(database_url, UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")))
    upgrade_to_head(app)
    return app


class TestSession(scoped_session):
    """The test's one session, shared with the requests it makes: the app's
    end-of-request `remove()` must not throw away what the test flushed."""

    def remove(self):
        pass

    def really_remove(self):
        super().remove()


@pytest.fixture
def db_session(app):
    """Every test runs inside a transaction that is rolled back; the code under test
    may commit, which only releases a SAVEPOINT.

    No app context stays pushed while the test runs: a request made by the test
    must get its own, as in production (`g` would otherwise leak between requests).
    """
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = TestSession(sessionmaker(bind=connection, join_transaction_mode="create_savepoint"))
    app.extensions["ovote_outbox"].clear()
    try:
        yield db.session
    finally:
        db.session.really_remove()
        db.session = original
        outer.rollback()
        connection.close()


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture(autouse=True)
def rate_limits_off():
    """Flask-Limiter keeps one `enabled` flag for every app in the process, and any
    app built with limits on (a production configuration in a test) turns it on
    for all; tests that want limits build their own app (see test_login)."""
    from ovote.extensions import limiter

    limiter.enabled = False
    yield
    limiter.enabled = False


@pytest.fixture(autouse=True)
def no_real_mail(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to send real mail over SMTP")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)


@pytest.fixture
def outbox(app, db_session):
    return app.extensions["ovote_outbox"]


@pytest.fixture
def runtime(app):
    """The app's collaborators, to hand to the services a test calls directly."""
    return runtime_of(app)


@pytest.fixture
def cipher(runtime):
    return runtime.cipher


@pytest.fixture
def reconfigure(app, monkeypatch):
    """`reconfigure(NAME=value, ...)` changes the app's configuration for one test and
    builds its collaborators again from it (they are built once per app); both are
    restored afterwards."""
    def change(**values):
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)
        return install_runtime(app)

    yield change
    monkeypatch.undo()
    install_runtime(app)


# -- factories -------------------------------------------------------------------

class Factory:
    """Makes rows for tests. It commits, which inside `db_session` only releases a
    SAVEPOINT: the rows survive a request's rollback-on-error and still vanish
    with the test's outer transaction."""

    def __init__(self, app, session):
        self.app = app
        self.session = session
        self.counter = 0

    def _n(self):
        self.counter += 1
        return self.counter

    def consulate(self, code=None, served=("FR",), host_country="FR", **fields):
        n = self._n()
        consulate = Consulate(
            code=code or f"C{n:02d}",
            name=fields.pop("name", f"Consulate {n}"),
            city=fields.pop("city", f"City {n}"),
            host_country=host_country,
            timezone=fields.pop("timezone", "Europe/Paris"),
            served=[ConsulateCountry(country_code=c) for c in served],
            **fields,
        )
        self.session.add(consulate)
        self.session.commit()
        return consulate

    def user(self, role=Role.VOTER, **fields):
        with self.app.app_context():  # a session of the app's own (tests of real commits)
            return self._user(role, **fields)

    def _user(self, role, *, email=None, password=PASSWORD, consulate=None, confirmed=True,
              totp_secret=None):
        if role is Role.OFFICIAL and consulate is None:
            consulate = self.consulate()
        rt = runtime_of(self.app)
        user = User(
            email=email or f"{role.value}{self._n()}@example.org",
            role=role,
            consulate=consulate,
            password_hash=rt.passwords.hash(password),
            email_confirmed_at=utcnow() if confirmed else None,
        )
        if role.is_staff:
            user.totp_secret_enc = totp.sealed_secret(totp_secret or totp.new_secret(), cipher=rt.cipher)
        self.session.add(user)
        self.session.commit()
        return user


@pytest.fixture
def factory(app, db_session):
    return Factory(app, db_session)


# -- role helpers ----------------------------------------------------------------

def log_in(app, client, user):
    """Put `user` in the client's session as a completed login would (TOTP included)."""
    with app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.session_token
        sess["_fresh"] = True
        sess["_id"] = identifier
    return user


@pytest.fixture
def login_as(app, client):
    return lambda user: log_in(app, client, user)


@pytest.fixture
def login_as_voter(app, client, factory):
    return lambda **kw: log_in(app, client, factory.user(Role.VOTER, **kw))


@pytest.fixture
def login_as_official(app, client, factory):
    return lambda consulate=None: log_in(app, client, factory.user(Role.OFFICIAL, consulate=consulate))


@pytest.fixture
def login_as_commissioner(app, client, factory):
    return lambda: log_in(app, client, factory.user(Role.COMMISSIONER))


@pytest.fixture
def login_as_auditor(app, client, factory):
    return lambda: log_in(app, client, factory.user(Role.AUDITOR))


def csrf_token(client, url):
    """The CSRF token of the form on `url` (CSRF protection is on in the tests too)."""
    page = client.get(url)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)) \
        or re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)
