"""What services need besides the session and the acting user, built once per app.

`create_app` builds a `Runtime` from the configuration (`install`); views and
commands take it with `runtime()` and hand its parts to services as arguments
(`settings=`, `cipher=`, `passwords=`, `mailer=`, `documents=`). Nothing below the
views and commands calls `runtime()` or reads `current_app`: a service, a rule or a
command's core runs the same in a request, a command or a test, with no request.
"""
from dataclasses import dataclass

from flask import current_app, has_request_context, url_for

from ovote.accounts.passwords import Passwords
from ovote.extensions import db
from ovote.mail import Mailer
from ovote.personal_data import DataCipher
from ovote.registration.documents import DocumentStore
from ovote.settings import Settings

_KEY = "ovote"


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    cipher: DataCipher
    passwords: Passwords
    mailer: Mailer
    documents: DocumentStore


def install(app):
    """Build the app's Runtime from its configuration now (again after a test changes it)."""
    cipher = DataCipher.from_config(app.config)
    with app.app_context():
        engine = db.engine
    outbox = app.extensions.setdefault("ovote_outbox", [])
    app.extensions[_KEY] = Runtime(
        settings=Settings.from_config(app.config), cipher=cipher,
        passwords=Passwords.from_config(app.config),
        mailer=Mailer.from_config(app.config, links=_links_of(app), cipher=cipher, engine=engine,
                                  outbox=outbox),
        documents=DocumentStore.from_config(app.config, cipher=cipher))
    return app.extensions[_KEY]


def runtime(app=None) -> Runtime:
    """The Runtime of `app` (default: the current one). For views and commands only."""
    return (app or current_app).extensions[_KEY]


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
