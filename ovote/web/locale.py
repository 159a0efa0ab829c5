"""The interface language and writing direction of each page."""
from babel import Locale
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from ovote.accounts.models import Role


def select_locale():
    """The user's saved choice, then this session's choice, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or "en"


def text_direction():
    return "rtl" if get_locale() and get_locale().character_order == "right-to-left" else "ltr"


def init_app(app):
    @app.context_processor
    def inject():
        return {
            "Role": Role,
            "text_direction": text_direction(),
            "current_locale": str(get_locale() or "en"),
            "languages": {code: Locale.parse(code).get_display_name(code).capitalize()
                          for code in app.config["LANGUAGES"]},
        }
