"""Error pages and the one place refusals no view caught are answered.

A browser gets the error page; a JSON client (a path under /api/, a JSON body, or a
request that prefers JSON) gets JSON of one shape for every error, DESIGN.md §7's
`{"error": "<code>", "message": "<text>"}`: a refusal's own code (`ovote.refusals`),
or for an HTTP error the code of its status below (`not_found`, `headers_too_large`).
Every handler first rolls back what the request left.
"""
import logging
import re

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import message_of, status_of

log = logging.getLogger(__name__)

ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("Not allowed"), _l("Your account is not allowed to see this page.")),
    404: (_l("Page not found"), _l("There is no page at this address, or you may not see it.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is larger than we accept. Send a smaller file.")),
    414: (_l("Address too long"), _l("The address of this page is longer than we accept. Check the "
                                      "link, or go back and try again.")),
    429: (_l("Too many attempts"), _l("You have tried too often. Wait a minute and try again.")),
    431: (_l("Request header fields too large"),
          _l("Your browser sent more than we accept with this request, often because of too many or "
             "too large cookies. Delete this site's cookies, then try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been recorded; try again later.")),
}


#: the JSON `error` code of an HTTP error's status where it is not the status's name in
#: snake case (`not_found`, `method_not_allowed`, ...); 413 is DESIGN.md §7's `too_large`
ERROR_CODES = {
    401: "login_required",
    413: "too_large",
    414: "uri_too_long",
    431: "headers_too_large",
    500: "internal_error",
}


def error_code(status):
    """The JSON `error` code of an HTTP error, e.g. 404 -> "not_found"."""
    if status in ERROR_CODES:
        return ERROR_CODES[status]
    name = HTTP_STATUS_CODES.get(status) or HTTP_STATUS_CODES[500 if status >= 500 else 400]
    return re.sub(r"[^a-z]+", "_", name.lower()).strip("_")


def wants_json():
    """True when the client speaks JSON: the API, a JSON body, or Accept preferring JSON."""
    return (request.path.startswith("/api/") or request.is_json
            or request.accept_mimetypes.best == "application/json")


def render_error(status, message=None, *, code=None):
    """The error page of `status`, or `{"error": code, "message": text}` for a JSON client;
    `code` defaults to the status's (`error_code`), `message` to the status's text."""
    fallback = 500 if status >= 500 else 400
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[fallback])
    if wants_json():
        code = code or error_code(status)
        return jsonify(error=code, message=str(message or text)), status
    return render_template("error.html", status=status, title=title, text=message or text), status


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        db.session.rollback()
        return render_error(400, _("The form has expired or was not sent from this site. "
                                   "Reload the page and try again."), code="csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(exc):
        db.session.rollback()
        if exc.code is None or exc.code < 400:
            return exc
        response = make_response(render_error(exc.code))
        if getattr(exc, "valid_methods", None):  # a 405 says what is allowed (RFC 9110)
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Refused)
    def refused(exc):
        """A refusal no view caught: `{"error", "message"}` for API clients (DESIGN.md §7),
        the error page with its message for a browser. Nothing of the refused change stays."""
        db.session.rollback()
        return render_error(status_of(exc), message_of(exc), code=exc.code)

    @app.errorhandler(500)
    def unexpected_error(exc):
        db.session.rollback()
        log.error("unhandled error on %s %s: %r", request.method, request.path,
                  getattr(exc, "original_exception", exc))
        return render_error(500)
