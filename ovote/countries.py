"""Countries by their ISO 3166-1 alpha-2 codes (pycountry), the same in every domain."""
import functools
import gettext

import pycountry


def is_country_code(code):
    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def country_name(code):
    """The English name of the country `code`, else the code itself ("" for none)."""
    country = pycountry.countries.get(alpha_2=code or "")
    return country.name if country else (code or "")


def country_choices():
    """(ISO code, English name) pairs, sorted by name."""
    return sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda pair: pair[1])


@functools.lru_cache(maxsize=16)
def _names_in(language):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def local_country_name(code, language):
    """The name of the country `code` in `language` (pycountry's ISO 3166 catalogues),
    else in English, else the code itself."""
    country = pycountry.countries.get(alpha_2=code or "")
    if country is None:
        return code or ""
    return _names_in(language.replace("-", "_")).gettext(country.name)
