"""How names and document numbers are compared, and the blind indexes built from them.

Names match tolerantly: case, accents, punctuation and word order do not
matter, and the ICAO 9303 transliteration used in passports (Ö → OE, ß → SS)
counts as the same name as the plain unaccented form. Names in other scripts
(Greek, Cyrillic, Chinese...) are compared by their own letters; a name with
no letters at all matches no name. Document numbers match exactly once
spaces, dashes, dots and MRZ fillers are removed.
"""
import re
import unicodedata

from mrz.generator._transliterations import latin_based

DOCUMENT_PURPOSE = "registration.document"
PERSON_PURPOSE = "registration.person"
_ICAO = {key: value for key, value in latin_based().items() if len(key) == 1}
# Non-ASCII characters that separate words like punctuation: Latin letters that NFKD does not
# reduce to a–z (ø, æ, ł... are matched through their ICAO form instead) and modifier letters
# (ʼ, ʻ). Keeping them separators keeps the tokens, and so the stored person indexes, of Latin
# names as they were before names in other scripts were compared by their letters.
_LATIN_SEPARATORS = ("LATIN ", "MODIFIER LETTER ")
_FIRST_OTHER_SCRIPT = 0x0370  # Greek; everything below is Latin, IPA or diacritics
# The kana voicing marks make other letters (カ ka, ガ ga), they are no accents.
_KEPT_MARKS = {"\u3099", "\u309a"}


def _strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c in _KEPT_MARKS or not unicodedata.combining(c))


def _is_name_character(c):
    """a–z and 0–9, and the letters, digits and vowel signs of scripts other than Latin."""
    if c.isascii():
        return c.isalnum()
    if ord(c) < _FIRST_OTHER_SCRIPT or unicodedata.name(c, "").startswith(_LATIN_SEPARATORS):
        return False
    return c.isalnum() or unicodedata.category(c) in ("Mn", "Mc")


def _tokens(text):
    words, word = [], []
    for c in text.casefold():
        if _is_name_character(c):
            word.append(c)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return tuple(sorted(words))


def _joined(parts):
    return " ".join(p for p in parts if p).replace("<", " ")


def plain_name(*parts):
    """Sorted lower-case tokens of a name with accents stripped: ("Érik-Anna", "Öst") ->
    ("anna", "erik", "ost")."""
    return _tokens(_strip_accents(_joined(parts).replace("ß", "ss")))


def name_forms(*parts):
    """The token sets under which a name is known: accents stripped, and ICAO-transliterated.

    Empty when the name has no letters or digits at all."""
    icao = _tokens(_strip_accents("".join(_ICAO.get(c, c) for c in _joined(parts))))
    return {forms for forms in (plain_name(*parts), icao) if forms}


def latin_spellings(text):
    """The two ways passports spell a name in Latin letters: ICAO 9303-transliterated (Ö -> OE)
    and with the accents simply dropped (Ö -> O)."""
    return (_strip_accents("".join(_ICAO.get(c, c) for c in text)),
            _strip_accents(text.replace("ß", "ss")))


def names_match(first, second):
    """True when two names (each a tuple of parts, e.g. (surname, given names)) are the same
    person's name up to case, accents, punctuation and word order.

    A name without letters or digits matches nothing, not even another such name."""
    return bool(name_forms(*first) & name_forms(*second))


def normalize_document_number(number):
    """Upper case without spaces, dashes, dots or MRZ fillers: "ab 12-34<" -> "AB1234"."""
    return re.sub(r"[\s\-.<]+", "", (number or "")).upper()


def document_index(number, *, cipher):
    """Blind index of a document number (the same for a passport and an identity card)."""
    normalized = normalize_document_number(number)
    return cipher.blind_index(normalized, purpose=DOCUMENT_PURPOSE) if normalized else None


def person_index(surname, given_names, birth_date, *, cipher):
    """Blind index of normalised names and date of birth, for the cross-consulate duplicate search."""
    tokens = plain_name(surname, given_names) if surname else ()
    if not (tokens and birth_date):
        return None
    return cipher.blind_index(" ".join(tokens) + "|" + birth_date.isoformat(), purpose=PERSON_PURPOSE)
