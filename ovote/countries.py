"""Countries by their ISO 3166-1 alpha-2 codes (pycountry), the same in every domain."""
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
