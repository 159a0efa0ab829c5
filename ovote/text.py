"""What text typed by people may hold, the same in every domain: text that displays as
what it is, the one check of every name, place, address and note.

A person's names, a place of birth, an address, an official's note, a consulate's
or constituency's name are read by people who decide on them: an official compares
a name with a passport, the registry check compares it letter by letter. Invisible
and bidirectional format characters make text display differently from what is
stored and compared ("ANA" followed by U+202E RIGHT-TO-LEFT OVERRIDE shows the
rest reversed; U+200B ZERO WIDTH SPACE splits a name no one sees split), so they
are refused, with the character named, rather than silently removed: the person
retypes the field and sees what is kept.

`visible_text(value)` refuses:

* control characters (category Cc; only line breaks and tabs in a multi-line field):
  `text.control_characters` (PostgreSQL cannot even store NUL);
* format characters (Cf: the bidi embeddings, overrides and isolates
  U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F, U+061C, U+200B,
  U+2060, U+FEFF, the soft hyphen, tags, ...), line and paragraph separators
  (Zl, Zp), surrogates (Cs), private-use (Co) and unassigned (Cn) code points,
  and the Hangul fillers, which are letters that display as nothing:
  `text.invisible_character`.

The decision on the joiners: U+200C ZERO WIDTH NON-JOINER and U+200D ZERO WIDTH
JOINER are part of how Persian, Arabic-script and Indic words are written (a
Persian "می‌خواهم", a Devanagari half form "क्‍ष"). They are kept exactly where
IDNA2008 keeps them in domain names (RFC 5892 Appendix A.1 and A.2, as the idna
package implements them): ZWJ and ZWNJ right after a virama (Indic scripts), and
ZWNJ between a letter that joins to the right and one that joins to the left,
possibly with transparent marks between (Arabic script). That rule is Unicode's
own, reviewed for exactly this question (where a joiner changes how a word is
written and where it only hides), and refuses a joiner between Latin letters,
at the edges of a word, or next to a space. Anywhere else a joiner is invisible.

`has_control_characters` is the first half alone, for text that is no one's name
or note but must still be storable and comparable (the audit log's filters).
"""
import unicodedata

import idna

from ovote.errors import Refused

JOINERS = {"\u200c", "\u200d"}
LINE_BREAKS = "\n\r\t"
HANGUL_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}
INVISIBLE_CATEGORIES = {"Cf", "Zl", "Zp", "Cs", "Co", "Cn"}
_CONTEXT = 200  # characters either side given to the joiner rule (its look-behind and -ahead)


class ControlCharacters(Refused):
    code = "text.control_characters"


class InvisibleCharacter(Refused):
    """`char` names the first character refused, e.g. "U+202E RIGHT-TO-LEFT OVERRIDE"."""

    code = "text.invisible_character"


def has_control_characters(text, *, allowed=""):
    """Whether `text` holds a control character other than those in `allowed` (e.g. "\\n\\r").

    NUL cannot be stored in a PostgreSQL text column, and no other control character
    belongs in a name, an address or a note either."""
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text or "")


def describe(char):
    """"U+202E RIGHT-TO-LEFT OVERRIDE": the code point and, when it has one, its name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def _joiner_in_context(text, position):
    start = max(0, position - _CONTEXT)
    try:
        return idna.valid_contextj(text[start:position + _CONTEXT], position - start)
    except (ValueError, idna.IDNAError):  # a neighbour without a Unicode name
        return False


def visible_text(value, *, multiline=False):
    """`value` unchanged when every character of it is visible; raises ControlCharacters or
    InvisibleCharacter (naming the first one refused) otherwise. Line breaks and tabs are
    allowed only when `multiline`. None and "" pass (presence is the caller's rule)."""
    if has_control_characters(value, allowed=LINE_BREAKS if multiline else ""):
        raise ControlCharacters()
    for position, char in enumerate(value or ""):
        if char in JOINERS and _joiner_in_context(value, position):
            continue
        if unicodedata.category(char) in INVISIBLE_CATEGORIES or char in HANGUL_FILLERS:
            raise InvisibleCharacter(char=describe(char))
    return value
