"""The machine-readable zone of a passport (ICAO 9303, TD3: two lines of 44 characters).

`read_mrz` checks the format and every check digit with the `mrz` package;
`disagreements` lists the typed fields that say something else than the MRZ.
"""
import re
from dataclasses import dataclass
from datetime import date

import pycountry
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from mrz.checker.td3 import TD3CodeChecker

from ovote.errors import Refused
from ovote.registration.matching import latin_spellings, names_match, normalize_document_number

LINE_LENGTH = 44
NAME_FIELD = slice(5, LINE_LENGTH)  # line 1: SURNAME<<GIVEN<NAMES, cut off at 39 characters
_APOSTROPHES = re.compile("['’ʼ‘`]")
_NOT_MRZ = re.compile(r"[^A-Z0-9]+")
_ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")
# ICAO codes that are not ISO 3166 alpha-3 (Germany is "D<<" in passports).
_ICAO_STATES = {"D": "DE"}
_DIGIT_FIELDS = {
    "document number hash": _l("document number"),
    "birth date hash": _l("date of birth"),
    "expiry date hash": _l("expiry date"),
    "optional data hash": _l("personal number"),
    "final hash": _l("composite"),
}


class MrzInvalid(Refused):
    """The text is not a well-formed TD3 MRZ or a check digit is wrong; the code says which
    (`mrz.*` in ovote.refusals)."""


@dataclass(frozen=True)
class Mrz:
    lines: tuple
    document_number: str
    issuing_state: str  # ISO alpha-2, or the raw ICAO code when it has no ISO equivalent
    surname: str
    given_names: str
    birth_yymmdd: str
    expiry_yymmdd: str

    @property
    def text(self):
        return "\n".join(self.lines)


def _clean_lines(text):
    lines = [line.strip().replace(" ", "").upper() for line in (text or "").splitlines() if line.strip()]
    if len(lines) == 1 and len(lines[0]) == 2 * LINE_LENGTH:
        lines = [lines[0][:LINE_LENGTH], lines[0][LINE_LENGTH:]]
    if len(lines) != 2 or any(len(line) != LINE_LENGTH for line in lines):
        raise MrzInvalid("mrz.shape")
    if any(set(line) - _ALPHABET for line in lines) or not lines[0].startswith("P"):
        raise MrzInvalid("mrz.characters")
    return lines


def _state(code):
    code = code.replace("<", "")
    if code in _ICAO_STATES:
        return _ICAO_STATES[code]
    country = pycountry.countries.get(alpha_3=code)
    return country.alpha_2 if country else code


def read_mrz(text):
    """Parse and check a TD3 MRZ; returns an `Mrz` or raises MrzInvalid naming the problem."""
    lines = _clean_lines(text)
    try:
        checker = TD3CodeChecker("\n".join(lines))
    except Exception:  # the package raises its own errors and ValueError on malformed fields
        raise MrzInvalid("mrz.unreadable") from None
    failed = [name for name, ok in checker.report.fields if not ok]
    digits = [_DIGIT_FIELDS[name] for name in failed if name in _DIGIT_FIELDS]
    if digits:
        raise MrzInvalid("mrz.check_digit", fields=", ".join(map(str, digits)))
    if not checker:
        raise MrzInvalid("mrz.unreadable")
    fields = checker.fields()
    return Mrz(lines=tuple(lines), document_number=fields.document_number,
               issuing_state=_state(fields.country), surname=fields.surname,
               given_names=fields.name, birth_yymmdd=fields.birth_date,
               expiry_yymmdd=fields.expiry_date)


def _yymmdd(day):
    return day.strftime("%y%m%d") if isinstance(day, date) else None


def _mrz_words(text):
    """One part of a name as the MRZ writes it: "d'Ávila-Sá" -> "DAVILA<SA"."""
    words = _NOT_MRZ.split(_APOSTROPHES.sub("", text).upper())
    return "<".join(word for word in words if word)


def _typed_name_fields(surname, given_names):
    """The typed name as the MRZ name field writes it, before the cut to the field's length:
    ICAO 9303-transliterated (Ö as OE) and with the accents simply dropped."""
    return {_mrz_words(family) + "<<" + _mrz_words(given)
            for family, given in zip(latin_spellings(surname), latin_spellings(given_names or ""))}


def _names_agree(mrz, surname, given_names):
    """The MRZ names are the typed ones up to case, accents and word order. When the typed name
    is too long for the field, a full field (no filler at its end: the name was cut off) must be
    the typed name's first 39 characters; a shorter name in the MRZ is another name."""
    if names_match((surname, given_names), (mrz.surname, mrz.given_names)):
        return True
    field = mrz.lines[0][NAME_FIELD]
    length = len(field)
    return not field.endswith("<") and any(
        len(typed) > length and typed[:length] == field for typed in _typed_name_fields(surname, given_names))


def disagreements(mrz, *, passport_number, passport_state, passport_expiry, birth_date,
                  surname, given_names):
    """Labels of the typed fields that the MRZ contradicts (empty when all agree).

    A field left empty is not compared (the review step asks for it anyway).
    """
    problems = []
    if passport_number and normalize_document_number(passport_number) != \
            normalize_document_number(mrz.document_number):
        problems.append(_("passport number"))
    if passport_state and passport_state.upper() != mrz.issuing_state:
        problems.append(_("issuing state"))
    if passport_expiry and _yymmdd(passport_expiry) != mrz.expiry_yymmdd:
        problems.append(_("expiry date"))
    if birth_date and _yymmdd(birth_date) != mrz.birth_yymmdd:
        problems.append(_("date of birth"))
    if surname and not _names_agree(mrz, surname, given_names):
        problems.append(_("names"))
    return problems
