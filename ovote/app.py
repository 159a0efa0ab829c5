"""The application factory."""
from pathlib import Path

from flask import Flask, has_request_context, request, url_for
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

import config as config_module
from ovote import models  # noqa: F401  (registers every table on the metadata)
from ovote import web
from ovote.accounts.passwords import Passwords
from ovote.accounts.staff_views import bp as staff_bp
from ovote.accounts.views import bp as accounts_bp
from ovote.api import bp as api_bp
from ovote.audit.views import bp as audit_bp
from ovote.cli.server import init_cli
from ovote.consulates.constituency_views import bp as constituencies_bp
from ovote.consulates.views import bp as consulates_bp
from ovote.elections.ceremony_views import bp as ceremony_bp
from ovote.elections.ceremony_views import home_bp as trustee_home_bp
from ovote.elections.manage_views import bp as manage_elections_bp
from ovote.elections.views import bp as elections_bp
from ovote.extensions import babel, csrf, db, limiter, login_manager, migrate
from ovote.i18n import init_i18n
from ovote.mail import Mailer
from ovote.personal_data import DataCipher
from ovote.registration.documents import DocumentStore
from ovote.registration.overview_views import bp as overview_bp
from ovote.registration.queue_views import bp as review_bp
from ovote.registration.views import bp as registration_bp
from ovote.runtime import KEY as RUNTIME_KEY
from ovote.runtime import Runtime
from ovote.tally.views import bp as tally_bp
from ovote.serving import COOKIELESS_PATHS
from ovote.settings import Settings
from ovote.voting.views import bp as voting_bp
from ovote.web.locale import select_locale

ROOT = Path(__file__).resolve().parent.parent


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions, except that a static file never writes the cookie.

    A browser fetches a page's stylesheets, scripts and icon while, or after, it
    navigates to the next page. A static response carrying the session it was sent
    with could land after the next page's response and overwrite the newer cookie,
    losing, say, the page to return to after the second login factor."""

    def open_session(self, app, request):
        if COOKIELESS_PATHS.fullmatch(request.path):
            # An empty session that is never saved: pages may still write to it (a
            # CSRF token for the language form) without a cookie going either way.
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if request.endpoint == "static" or COOKIELESS_PATHS.fullmatch(request.path):
            return
        super().save_session(app, session, response)


def create_app(config=None):
    """Build the app. `config` is a config class or a dict of overrides on the class
    chosen by OVOTE_ENV (default development)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(ROOT / "instance"),
    )
    base = config if isinstance(config, type) else config_module.config_for()
    app.config.from_object(base)
    if isinstance(config, dict):
        app.config.update(config)
    base.check(app.config)
    app.session_interface = SessionInterface()
    if app.config["TRUSTED_PROXIES"]:
        # The client's address (rate limits) and scheme (HSTS, Secure
        # cookies) as the proxies report them; a client's own headers are dropped.
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    _prepare_sqlite(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_i18n(app)
    _sqlite_transactions(app)
    install_runtime(app)

    web.init_app(app)
    for blueprint in (accounts_bp, staff_bp, consulates_bp, audit_bp, registration_bp, review_bp,
                      overview_bp, constituencies_bp, api_bp, elections_bp, manage_elections_bp,
                      ceremony_bp, trustee_home_bp, voting_bp, tally_bp):
        app.register_blueprint(blueprint)
    init_cli(app)
    return app


def install_runtime(app):
    """Build the app's Runtime from its configuration now (again after a test changes it)."""
    cipher = DataCipher.from_config(app.config)
    with app.app_context():
        engine = db.engine
    outbox = app.extensions.setdefault("ovote_outbox", [])
    app.extensions[RUNTIME_KEY] = Runtime(
        settings=Settings.from_config(app.config), cipher=cipher,
        passwords=Passwords.from_config(app.config),
        mailer=Mailer.from_config(app.config, links=_links_of(app), cipher=cipher, engine=engine,
                                  outbox=outbox),
        documents=DocumentStore.from_config(app.config, cipher=cipher))
    return app.extensions[RUNTIME_KEY]


def _links_of(app):
    """Absolute URLs for messages, on SERVER_NAME and PREFERRED_URL_SCHEME.

    In a request, the request's URL adapter (which uses SERVER_NAME when it is set);
    outside one (a command), the app's, and "localhost" for a development set-up
    without SERVER_NAME, as Flask's own test requests use."""
    scheme = app.config["PREFERRED_URL_SCHEME"]

    def link(endpoint, **values):
        if has_request_context():
            return url_for(endpoint, _external=True, _scheme=scheme, **values)
        if app.config.get("SERVER_NAME"):
            with app.app_context():
                return url_for(endpoint, _external=True, _scheme=scheme, **values)
        adapter = app.url_map.bind("localhost", url_scheme=scheme)
        return adapter.build(endpoint, values, force_external=True)

    return link


def _prepare_sqlite(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and uri != "sqlite://":
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if uri.startswith("sqlite"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def _sqlite_transactions(app):
    """Let SQLite honour BEGIN/SAVEPOINT like PostgreSQL does.

    pysqlite opens transactions lazily on its own; SQLAlchemy's documented
    recipe hands transaction control back to SQLAlchemy, and foreign keys
    are switched on for every connection.
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock at the start: SQLite has one writer, and
        # a transaction that read first and wrote later would fail with
        # "database is locked" under concurrent requests instead of waiting.
        conn.exec_driver_sql("BEGIN IMMEDIATE")
