"""The interface language and writing direction of each page."""
from urllib.parse import urlencode

from babel import Locale
from babel.lists import format_list
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from ovote.accounts.models import Role
from ovote.countries import country_name as _country_name

#: the query parameter that asks for a page in a language: /register?lang=ar
LANG_PARAMETER = "lang"


def requested_language():
    """The language `?lang=xx` asks for, if it is one offered (else None)."""
    chosen = request.args.get(LANG_PARAMETER)
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def select_locale():
    """`?lang=xx` on the address, then the user's saved choice, then this session's
    choice, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = requested_language()
    if asked:
        return asked
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_requested_language():
    """A visitor who followed a link with `?lang=xx` keeps that language on the next pages
    (a logged-in user's saved choice is changed only by the language selector)."""
    asked = requested_language()
    if asked and session.get("lang") != asked:
        session["lang"] = asked


def text_direction():
    return "rtl" if get_locale() and get_locale().character_order == "right-to-left" else "ltr"


def language_names(languages):
    """Each language under its own name: {"fr": "Français", "ar": "العربية", ...}."""
    names = {}
    for code in languages:
        name = Locale.parse(code).get_display_name(code)
        names[code] = name[:1].upper() + name[1:]
    return names


def path_without_language():
    """This page's address without `?lang=`, to come back to after choosing a language
    (the old `?lang=` would otherwise win over the new choice)."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key != LANG_PARAMETER]
    return request.path + (f"?{urlencode(query)}" if query else "")


def init_app(app):
    app.before_request(remember_requested_language)

    @app.context_processor
    def inject():
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "Role": Role,
            "text_direction": text_direction(),
            "current_locale": locale,
            "default_locale": app.config["BABEL_DEFAULT_LOCALE"],
            "languages": language_names(app.config["LANGUAGES"]),
            #: "English, Français et العربية", as the page's language writes a list
            "language_list": format_list(list(language_names(app.config["LANGUAGES"]).values()),
                                         locale=locale),
            "language_next": path_without_language() if has_request_context() else "/",
            "country_name": _country_name,
        }
