"""Translated text is text, not HTML.

flask_babel's lazy strings (`lazy_gettext`, used for labels, hints and messages
defined at import time) declare `__html__`, the markup protocol, returning their
text as it is: Jinja, markupsafe and WTForms then output them without escaping,
so the hint "e.g. P<UTOERIKSSON..." opened a tag at "<UTO" and the page showed
"e.g. P". Jinja's own `_()` in templates likewise treats every translation as
markup. No translated string of ovote is meant as markup (a translator's text
must not be able to add any either), so both are made to escape:

- a lazy string's `__html__` returns its escaped text: everything that honours
  the protocol (autoescaped output, `|join`, WTForms labels, options and
  attributes, `Markup(...)`) escapes it exactly once, and `str()` (mail bodies,
  flashed messages) still gives the plain text;
- the gettext functions of templates escape the translation when the template
  autoescapes (HTML), and leave it alone when it does not (plain-text mail).
"""
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import escape


def _lazy_as_html(self):
    return str(escape(str(self)))


def _escaping(function):
    @pass_eval_context
    def translate(eval_ctx, *args):
        text = function(*args)
        return escape(text) if eval_ctx.autoescape else text

    return translate


def init_i18n(app):
    """Call after flask_babel's init_app (which installs its own template functions)."""
    LazyString.__html__ = _lazy_as_html
    app.jinja_env.install_gettext_callables(
        gettext=_escaping(lambda s: get_translations().ugettext(s)),
        ngettext=_escaping(lambda s, p, n: get_translations().ungettext(s, p, n)),
        pgettext=_escaping(lambda c, s: get_translations().upgettext(c, s)),
        npgettext=_escaping(lambda c, s, p, n: get_translations().unpgettext(c, s, p, n)),
        newstyle=True,
    )
