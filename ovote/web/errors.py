"""Error pages and the one place refusals no view caught are answered.

A browser gets the error page; an API client (a path under /api/, or a request that
prefers JSON) gets JSON. Every handler first rolls back what the request left.
"""
import logging

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import as_json, message_of, status_of

log = logging.getLogger(__name__)

ERROR_TEXT = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    401: (_l("Please log in"), _l("You need to log in to see this page.")),
    403: (_l("Not allowed"), _l("Your account is not allowed to see this page.")),
    404: (_l("Page not found"), _l("There is no page at this address, or you may not see it.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    413: (_l("Too large"), _l("What you sent is larger than we accept. Send a smaller file.")),
    429: (_l("Too many attempts"), _l("You have tried too often. Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("An error occurred on our side. It has been recorded; try again later.")),
}


#: the JSON API's `error` code for a refusal that comes from HTTP itself, not from a rule
HTTP_ERROR_CODES = {400: "bad_request", 401: "not_logged_in", 403: "forbidden", 404: "not_found",
                    405: "method_not_allowed", 413: "too_large", 429: "too_many_requests",
                    500: "internal_error"}


def _wants_json():
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def render_error(status, message=None):
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[500 if status >= 500 else 400])
    if request.path.startswith("/api/"):
        # The one shape of DESIGN.md §7, also for what no view of the API answered.
        return jsonify(error=HTTP_ERROR_CODES.get(status, "error"), message=str(message or text)), status
    if _wants_json():
        return jsonify(error={"status": status, "message": str(message or text)}), status
    return render_template("error.html", status=status, title=title, text=message or text), status


def init_app(app):
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        db.session.rollback()
        return render_error(400, _("The form has expired or was not sent from this site. "
                                   "Reload the page and try again."))

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
        if _wants_json():
            body, status = as_json(exc)
            return jsonify(body), status
        return render_error(status_of(exc), message_of(exc))

    @app.errorhandler(500)
    def unexpected_error(exc):
        db.session.rollback()
        log.error("unhandled error on %s %s: %r", request.method, request.path,
                  getattr(exc, "original_exception", exc))
        return render_error(500)
