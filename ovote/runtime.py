"""What services need besides the session and the acting user, built once per app.

`create_app` builds a `Runtime` from the configuration (`ovote.app.install_runtime`);
views and commands take it with `runtime()` and hand its parts to services as
arguments (`settings=`, `cipher=`, `passwords=`, `mailer=`, `documents=`). Nothing
below the views and commands calls `runtime()` or reads `current_app`: a service, a
rule or a command's core runs the same in a request, a command or a test.

This module imports nothing of the domains (the app factory builds the parts), so
that a view of any domain may use it without depending on the others.
"""
from dataclasses import dataclass

from flask import current_app

KEY = "ovote"


@dataclass(frozen=True)
class Runtime:
    #: ovote.settings.Settings
    settings: object
    #: ovote.personal_data.DataCipher: sealing and blind indexes
    cipher: object
    #: ovote.accounts.passwords.Passwords
    passwords: object
    #: ovote.mail.Mailer
    mailer: object
    #: ovote.registration.documents.DocumentStore
    documents: object


def runtime(app=None) -> Runtime:
    """The Runtime of `app` (default: the current one). For views and commands only."""
    return (app or current_app).extensions[KEY]
