"""Countries by their ISO 3166-1 alpha-2 codes (pycountry), the same in every domain.

Names are given in the reader's language from the ISO 3166 translations pycountry ships
(gettext domain `iso3166-1`), and lists of them are sorted by the Unicode Collation
Algorithm (pyuca, the Default Unicode Collation Element Table): "Égypte" comes between
"Djibouti" and "Équateur", not after "Zimbabwe" as it would by code points, and Arabic
names follow the Arabic alphabet.
"""
import gettext
from functools import lru_cache

import pycountry
import pyuca
from flask_babel import get_locale
from flask_babel.speaklater import LazyString

DOMAIN = "iso3166-1"

#: names pycountry's translations lack, by language and code (its Arabic catalogue has no
#: entry for the English name "Türkiye" that replaced "Turkey"); tests/test_countries.py
#: checks each is still missing there, so that an entry goes once pycountry has the name
NAMES_PYCOUNTRY_LACKS = {"ar": {"TR": "تركيا"}}


def is_country_code(code):
    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


@lru_cache(maxsize=None)
def _translations(locale):
    """The ISO 3166 names in `locale` ("fr", "pt_BR", ...); English when pycountry has none."""
    return gettext.translation(DOMAIN, pycountry.LOCALES_DIR, languages=[str(locale)], fallback=True)


@lru_cache(maxsize=1)
def _collator():
    return pyuca.Collator()


def collation_key(text):
    """The sort key of `text` under the Unicode Collation Algorithm."""
    return _collator().sort_key(text)


def interface_locale():
    """The language of the page being made (flask_babel's choice), English outside a request."""
    locale = get_locale()
    return str(locale) if locale else "en"


def country_name(code, locale=None):
    """The name of the country `code` in `locale` (None: the page's language), else the
    code itself ("" for none)."""
    country = pycountry.countries.get(alpha_2=code or "")
    if country is None:
        return code or ""
    return _name(country, str(locale or interface_locale()))


def _name(country, locale):
    lacking = NAMES_PYCOUNTRY_LACKS.get(locale.split("_")[0], {})
    if country.alpha_2 in lacking:
        return lacking[country.alpha_2]
    return _translations(locale).gettext(country.name)


def lazy_country_name(code):
    """The name of `code` in the language of whoever reads it, resolved when shown: for
    the parameters of refusals, whose messages are translated when they are shown."""
    return LazyString(country_name, code)


@lru_cache(maxsize=None)
def _choices(locale):
    named = [(c.alpha_2, _name(c, locale)) for c in pycountry.countries]
    return tuple(sorted(named, key=lambda pair: (collation_key(pair[1]), pair[0])))


def country_choices(locale=None):
    """(ISO code, name in `locale`) pairs (None: the page's language), in the collation
    order of the names."""
    return list(_choices(str(locale or interface_locale())))

