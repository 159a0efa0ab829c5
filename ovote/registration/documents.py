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
from flask import Response

from ovote.after_commit import on_commit, on_rollback
from ovote.data_sizes import Size
from ovote.errors import Refused

log = logging.getLogger(__name__)

#: media type -> file extension used in downloads
ACCEPTED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
#: types shown as an image inside the official's page (a PDF opens in a tab of its own)
INLINE_TYPES = {"image/jpeg", "image/png"}


class DocumentRejected(Refused):
    """The upload is not acceptable; the code says why (`document.*` in ovote.refusals)."""


def sniff(data):
    """The media type of `data` from its content, or raise DocumentRejected."""
    if not data:
        raise DocumentRejected("document.empty")
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        raise DocumentRejected("document.type")
    return kind.mime


def _context(name):
    return f"application.document:{name}"


def _write_atomically(path, text):
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class DocumentStore:
    """The sealed identity documents in one folder; services are given it (`documents=`),
    built once per app from UPLOAD_DIR, DOCUMENT_MAX_BYTES and the data cipher."""

    def __init__(self, folder, *, cipher, max_bytes):
        self.folder, self.cipher, self.max_bytes = Path(folder), cipher, max_bytes

    @classmethod
    def from_config(cls, config, *, cipher):
        return cls(config["UPLOAD_DIR"], cipher=cipher, max_bytes=config["DOCUMENT_MAX_BYTES"])

    def check_size(self, size):
        if size > self.max_bytes:
            raise DocumentRejected("document.too_large", size=Size(self.max_bytes))

    def _folder(self):
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.folder

    def _path(self, name):
        if not name or not name.isalnum():
            raise ValueError(f"not a document storage name: {name!r}")
        return self._folder() / f"{name}.sealed"

    def store(self, data):
        """Seal `data` into a new file; returns its storage name."""
        name = secrets.token_hex(16)
        _write_atomically(self._path(name), self.cipher.seal(data, context=_context(name)))
        return name

    def load(self, name):
        """The original bytes of a stored document."""
        return self.cipher.open(self._path(name).read_text(encoding="ascii"), context=_context(name))

    def delete(self, name):
        try:
            self._path(name).unlink()
        except FileNotFoundError:
            log.warning("document %s was already gone", name)

    def replace_when_committed(self, session, *, old, new):
        """Tie the files to the transaction that switches an application from `old` to `new`.

        The old file is deleted only once the switch is committed; if the
        transaction rolls back instead, the new file goes and the old one stays,
        so a row never points at a missing file.
        """
        if old:
            on_commit(session, lambda: self.delete(old))
        on_rollback(session, lambda: self.delete(new))

    def stored_names(self):
        """Storage names of the documents in the folder (anything else in it is left alone)."""
        return sorted(p.stem for p in self._folder().glob("*.sealed") if p.stem.isalnum())

    def needs_reseal(self, name):
        """True when the document is sealed under an older key (and that key can still open it)."""
        sealed = self._path(name).read_text(encoding="ascii")
        if not self.cipher.needs_rotation(sealed):
            return False
        self.cipher.open(sealed, context=_context(name))
        return True

    def reseal(self, name):
        """Re-encrypt one stored document under the current data key if it is under an older one.

        Returns True when the file was rewritten. The new file replaces the old one
        atomically, so an interruption leaves either the old or the new, both readable.
        """
        sealed = self._path(name).read_text(encoding="ascii")
        if not self.cipher.needs_rotation(sealed):
            return False
        data = self.cipher.open(sealed, context=_context(name))
        _write_atomically(self._path(name), self.cipher.seal(data, context=_context(name)))
        return True


def response_for(application, *, documents):
    """The HTTP response that hands an application's document to an authorised reader.

    Every type is sent inline, to be read in the browser rather than saved: an
    image in the page, a PDF in a tab of its own. The type is the sniffed one,
    `nosniff` forbids the browser to guess another, and the CSP's `sandbox`
    keeps the file inert (no script, no form, no same-origin access: a PDF's
    JavaScript cannot act for the reader).
    """
    media_type = application.document_type
    disposition = "inline"
    filename = f"application-{application.id}.{ACCEPTED_TYPES[media_type]}"
    response = Response(documents.load(application.document_file), mimetype=media_type)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.headers["Cache-Control"] = "no-store, private"
    return response
