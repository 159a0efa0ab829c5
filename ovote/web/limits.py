"""Limits on a request's headers, checked before any view (see ovote/serving.py for the
layers in front of the app: gunicorn and the reverse proxy)."""
from flask import abort, request

from ovote.runtime import runtime


def refuse_large_headers():
    """before_request: 431 for a header field (name and value) larger than
    OVOTE_MAX_HEADER_BYTES, answered by the app's error handler (`ovote.web.errors`): its
    page in the reader's language, or JSON for an API client."""
    limit = runtime().settings.max_header_bytes
    if any(len(name) + len(value) + 2 > limit for name, value in request.headers.items()):
        abort(431)


def init_app(app):
    # First of all hooks: a request too large to consider is refused before CSRF or rate limits.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_large_headers)
