"""Headers on every response; see README 'Security' for the reasons."""
from flask import request, session
from flask_login import current_user

from ovote.accounts.views import PENDING


def security_headers(response):
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


def init_app(app):
    app.after_request(security_headers)
