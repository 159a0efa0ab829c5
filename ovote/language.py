"""The reader's language, and names given per language with a fallback.

The commission names consulates and constituencies in the default language (`name`)
and, if it wishes, in each other language offered (`names`, {"fr": ..., "ar": ...}); a
reader sees the name in their language, else the default one. Contests and options
carry their labels per language the same way (ovote.elections).
"""
from flask_babel import get_locale


def interface_locale():
    """The language of the page or mail being made (flask_babel's choice, or the one a
    mail is forced to), English outside a request."""
    locale = get_locale()
    return str(locale) if locale else "en"


def name_in(default, names, language=None):
    """`names[language]` (None: the reader's language), else `default`."""
    language = language or interface_locale()
    names = names or {}
    return names.get(language) or names.get(language.split("_")[0]) or default
