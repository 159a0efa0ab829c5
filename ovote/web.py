"""Site-wide pieces: home and dashboard, language choice, security headers, error pages."""
import logging

from babel import Locale
from flask import (Blueprint, current_app, flash, jsonify, make_response, redirect, render_template,
                   request, session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ovote.accounts.models import Role, User
from ovote.accounts.services import set_locale
from ovote.accounts.views import PENDING
from ovote.extensions import db, login_manager

log = logging.getLogger(__name__)
bp = Blueprint("web", __name__)

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


@bp.route("/")
def home():
    return render_template("home.html")


@bp.route("/account")
def dashboard():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("dashboard.html")


@bp.route("/lang", methods=["POST"])
def choose_language():
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        flash(_("That language is not available."), "danger")
        return redirect(url_for("web.home")), 303
    session["lang"] = lang
    if current_user.is_authenticated:
        set_locale(db.session, current_user, lang)
        db.session.commit()
    target = request.form.get("next") or ""
    from ovote.accounts.access import is_safe_next

    return redirect(target if is_safe_next(target) else url_for("web.home"), 303)


@login_manager.user_loader
def load_user(session_token):
    return db.session.execute(
        db.select(User).where(User.session_token == session_token)
    ).scalar_one_or_none()


def security_headers(response):
    """Headers on every response; see README 'Security' for the reasons."""
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'",
    )
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    # Pages of a logged-in user, or of a staff member between password and code (the
    # enrolment page shows the new TOTP secret), stay out of the browser's cache.
    # Static files are the same for everyone: no user is loaded for them.
    if request.endpoint == "static":
        return response
    if getattr(current_user, "is_authenticated", False) or session.get(PENDING):
        headers["Cache-Control"] = "no-store"
    return response


#: the JSON API's `error` code for a refusal that comes from HTTP itself, not from a rule
HTTP_ERROR_CODES = {400: "bad_request", 401: "not_logged_in", 403: "forbidden", 404: "not_found",
                    405: "method_not_allowed", 413: "too_large", 429: "too_many_requests",
                    500: "internal_error"}


def render_error(status, message=None):
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[500])
    if request.path.startswith("/api/"):
        # The one shape of DESIGN.md §7, also for what no view of the API answered.
        return jsonify(error=HTTP_ERROR_CODES.get(status, "error"), message=str(message or text)), status
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error={"status": status, "message": str(message or text)}), status
    return render_template("error.html", status=status, title=title, text=message or text), status


def init_web(app):
    app.after_request(security_headers)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

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

    @app.errorhandler(500)
    def unexpected_error(exc):
        db.session.rollback()
        log.error("unhandled error on %s %s: %r", request.method, request.path,
                  getattr(exc, "original_exception", exc))
        return render_error(500)

    @app.context_processor
    def inject():
        from ovote.app import text_direction
        from flask_babel import get_locale

        return {
            "Role": Role,
            "text_direction": text_direction(),
            "current_locale": str(get_locale() or "en"),
            "languages": {code: Locale.parse(code).get_display_name(code).capitalize()
                          for code in app.config["LANGUAGES"]},
        }
