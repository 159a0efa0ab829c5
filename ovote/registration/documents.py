"""Identity documents: the type read from the content, sealed files outside the web root.

A document is accepted when its first bytes say JPEG, PNG or PDF (the
`filetype` package reads the magic numbers; the file's name and the type the
browser claims are ignored). It is stored sealed with AES-256-GCM under a
random name in UPLOAD_DIR, with the storage name bound into the sealing
context so that files cannot be swapped between applications unnoticed.
"""
import logging
import os
import secrets
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from ovote.data_sizes import format_size
from ovote.personal_data import cipher

log = logging.getLogger(__name__)

#: media type -> file extension used in downloads
ACCEPTED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
#: types a browser may show in the page itself (PDF is always downloaded)
INLINE_TYPES = {"image/jpeg", "image/png"}


class DocumentRejected(ValueError):
    """The upload is not acceptable; `message` says why, `status` is the HTTP status to answer."""

    status = 422

    def __init__(self, message, status=None):
        super().__init__(message)
        self.message = message
        self.status = status or self.status


def sniff(data):
    """The media type of `data` from its content, or raise DocumentRejected."""
    if not data:
        raise DocumentRejected(_("The file is empty. Choose the scan or photo of your document."))
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        raise DocumentRejected(_("This file is not a JPEG, PNG or PDF document (its content was "
                                 "checked, not its name). Save the scan in one of these formats."))
    return kind.mime


def check_size(size):
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    if size > limit:
        raise DocumentRejected(_("The file is larger than %(size)s. Scan it at a lower resolution.",
                                 size=format_size(limit)), status=413)


def _folder():
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _context(name):
    return f"application.document:{name}"


def _path(name):
    if not name or not name.isalnum():
        raise ValueError(f"not a document storage name: {name!r}")
    return _folder() / f"{name}.sealed"


def _write_atomically(path, text):
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def store(data):
    """Seal `data` into a new file; returns its storage name."""
    name = secrets.token_hex(16)
    _write_atomically(_path(name), cipher().seal(data, context=_context(name)))
    return name


def load(name):
    """The original bytes of a stored document."""
    return cipher().open(_path(name).read_text(encoding="ascii"), context=_context(name))


def delete(name):
    try:
        _path(name).unlink()
    except FileNotFoundError:
        log.warning("document %s was already gone", name)


_ON_COMMIT, _ON_ROLLBACK = "ovote.documents.on_commit", "ovote.documents.on_rollback"


def replace_when_committed(session, *, old, new):
    """Tie the files to the transaction that switches an application from `old` to `new`.

    The old file is deleted only once the switch is committed; if the
    transaction rolls back instead, the new file goes and the old one stays,
    so a row never points at a missing file.
    """
    if old:
        session.info.setdefault(_ON_COMMIT, []).append(old)
    session.info.setdefault(_ON_ROLLBACK, []).append(new)


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the outer transaction may still roll back
    session.info.pop(_ON_ROLLBACK, None)
    for name in session.info.pop(_ON_COMMIT, []):
        delete(name)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    if session.in_nested_transaction():
        return
    session.info.pop(_ON_COMMIT, None)
    for name in session.info.pop(_ON_ROLLBACK, []):
        delete(name)


def stored_names():
    """Storage names of the documents in UPLOAD_DIR (anything else in the folder is left alone)."""
    return sorted(p.stem for p in _folder().glob("*.sealed") if p.stem.isalnum())


def needs_reseal(name):
    """True when the document is sealed under an older key (and that key can still open it)."""
    sealed = _path(name).read_text(encoding="ascii")
    if not cipher().needs_rotation(sealed):
        return False
    cipher().open(sealed, context=_context(name))
    return True


def reseal(name):
    """Re-encrypt one stored document under the current data key if it is under an older one.

    Returns True when the file was rewritten. The new file replaces the old one
    atomically, so an interruption leaves either the old or the new, both readable.
    """
    sealed = _path(name).read_text(encoding="ascii")
    if not cipher().needs_rotation(sealed):
        return False
    data = cipher().open(sealed, context=_context(name))
    _write_atomically(_path(name), cipher().seal(data, context=_context(name)))
    return True


def response_for(application):
    """The HTTP response that hands an application's document to an authorised reader.

    Images may be shown inline; a PDF is always downloaded (a browser's PDF
    viewer runs scripts). The type is the sniffed one, `nosniff` forbids the
    browser to guess another, and a sandboxing CSP keeps the file inert.
    """
    from flask import Response

    media_type = application.document_type
    disposition = "inline" if media_type in INLINE_TYPES else "attachment"
    filename = f"application-{application.id}.{ACCEPTED_TYPES[media_type]}"
    response = Response(load(application.document_file), mimetype=media_type)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["Cache-Control"] = "no-store, private"
    return response
