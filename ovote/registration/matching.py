"""How names and document numbers are compared, and the blind indexes built from them.

Names match tolerantly: case, accents, punctuation and word order do not
matter, and the ICAO 9303 transliteration used in passports (Ö → OE, ß → SS)
counts as the same name as the plain unaccented form. Document numbers match
exactly once spaces, dashes, dots and MRZ fillers are removed.
"""
import re
import unicodedata

from mrz.generator._transliterations import latin_based

from ovote.personal_data import blind_index

DOCUMENT_PURPOSE = "registration.document"
PERSON_PURPOSE = "registration.person"
_ICAO = {key: value for key, value in latin_based().items() if len(key) == 1}
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(text):
    return tuple(sorted(t for t in _SEPARATORS.split(text.casefold()) if t))


def _joined(parts):
    return " ".join(p for p in parts if p).replace("<", " ")


def plain_name(*parts):
    """Sorted lower-case tokens of a name with accents stripped: ("Érik-Anna", "Öst") ->
    ("anna", "erik", "ost")."""
    return _tokens(_strip_accents(_joined(parts).replace("ß", "ss")))


def name_forms(*parts):
    """The token sets under which a name is known: accents stripped, and ICAO-transliterated."""
    icao = _tokens(_strip_accents("".join(_ICAO.get(c, c) for c in _joined(parts))))
    return {plain_name(*parts), icao}


def names_match(first, second):
    """True when two names (each a tuple of parts, e.g. (surname, given names)) are the same
    person's name up to case, accents, punctuation and word order."""
    return bool(name_forms(*first) & name_forms(*second))


def normalize_document_number(number):
    """Upper case without spaces, dashes, dots or MRZ fillers: "ab 12-34<" -> "AB1234"."""
    return re.sub(r"[\s\-.<]+", "", (number or "")).upper()


def document_index(number):
    """Blind index of a document number (the same for a passport and an identity card)."""
    normalized = normalize_document_number(number)
    return blind_index(normalized, purpose=DOCUMENT_PURPOSE) if normalized else None


def person_index(surname, given_names, birth_date):
    """Blind index of normalised names and date of birth, for the cross-consulate duplicate search."""
    if not (surname and birth_date):
        return None
    tokens = plain_name(surname, given_names)
    return blind_index(" ".join(tokens) + "|" + birth_date.isoformat(), purpose=PERSON_PURPOSE)
