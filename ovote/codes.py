"""Codes and names that people tell apart by eye.

Codes — of consulates and constituencies today, and the election, contest,
option and ballot-style ids to come — are ASCII upper-case letters A–Z and
digits 0–9 only (DESIGN.md §3.9). Anything else is refused, not normalised:
a full-width `ＰＡＲ`, a Cyrillic `NОRTH` or an Arabic-Indic digit in `NORTH٣`
would otherwise be created and listed beside the real `PAR` and `NORTH`.
`parse_code` is the rule; `code_or_none` is the same rule for a look-up, so
that a string no code can be finds nothing without reaching the database.

Even in ASCII, `N0RTH` (a zero) reads as `NORTH`, and two names can look the same
in different scripts. `confusable_with` compares Unicode's confusable
skeletons (UTS #39 §4: NFD, each character replaced by the prototype of its
class in Unicode's confusables.txt, NFD again) with the ones already in use;
a new code or name whose skeleton equals an existing one's is refused, naming
the one it can be mistaken for. Names are compared case-insensitively and with
runs of spaces as one, after NFKC (so a full-width name is its plain
form); codes as they are. The confusables data are Unicode's,
as shipped by the confusable-homoglyphs package.
"""
import string
import unicodedata
from functools import cache

from ovote.errors import Refused

CODE_CHARACTERS = frozenset(string.ascii_uppercase + string.digits)


class BadCode(Refused):
    """Not ASCII letters and digits of an allowed length; params `min`, `max`."""

    code = "code.invalid"


class ConfusableCode(Refused):
    """Can be mistaken for the code `other`, already in use; params `code`, `other`."""

    code = "code.confusable"


class ConfusableName(Refused):
    """Can be mistaken for the name `other`, already in use; param `other`."""

    code = "name.confusable"


def parse_code(value, *, min_length=1, max_length=16):
    """`value` stripped and upper-cased when it is `min_length` to `max_length` ASCII letters
    and digits; raises BadCode otherwise (before upper-casing, so that no non-ASCII letter
    can become an ASCII one, as "ß".upper() == "SS")."""
    text = (value or "").strip()
    if text.isascii():
        text = text.upper()
        if min_length <= len(text) <= max_length and set(text) <= CODE_CHARACTERS:
            return text
    raise BadCode(min=min_length, max=max_length)


def code_or_none(value, *, max_length=16):
    """The code `value` would be (upper-cased), or None when it cannot be one."""
    try:
        return parse_code(value, max_length=max_length)
    except BadCode:
        return None


@cache
def _prototypes():
    """Each confusable character -> the prototype of its class.

    confusable-homoglyphs keeps confusables.txt as a graph with both directions of every
    `source → prototype` line, so each class is a star around its prototype (a source is
    never a prototype: the mapping is idempotent). A class of two, where the data cannot
    say which end is the prototype, is mapped to one end chosen the same way every time:
    comparing skeletons only needs every member of a class to map to the same string.
    """
    from confusable_homoglyphs.confusables import confusables_data

    def clean(text):  # the data keep the left-to-right marks of confusables.txt's comments
        return text.replace("\u200e", "")

    neighbours = {}
    for char, entries in confusables_data.items():
        neighbours.setdefault(clean(char), set()).update(clean(entry["c"]) for entry in entries)
    mapping = {}
    for char, others in neighbours.items():
        if len(char) != 1:
            continue
        if len(others) > 1:
            mapping[char] = char
            continue
        (other,) = others
        if len(neighbours.get(other, ())) > 1 or len(other) > 1:
            mapping[char] = other
        else:
            mapping[char] = min(char, other)
    return mapping


def skeleton(text):
    """The UTS #39 skeleton of `text` (see the module's docstring)."""
    prototypes = _prototypes()
    result = unicodedata.normalize("NFD", text)
    for _ in range(3):  # a prototype of several characters may hold mapped ones
        mapped = unicodedata.normalize("NFD", "".join(prototypes.get(c, c) for c in result))
        if mapped == result:
            break
        result = mapped
    return result


def name_skeleton(name):
    """The skeleton of a name as people compare names: compatibility forms (full-width
    letters, ligatures), case and runs of spaces ignored."""
    folded = unicodedata.normalize("NFKC", name or "").casefold()
    return skeleton(" ".join(folded.split()))


def confusable_with(value, existing, *, name=False):
    """The first of `existing` that `value` can be mistaken for (equal skeletons), or None.

    `name=True` compares as names (`name_skeleton`), else as codes. The caller leaves the
    row being edited out of `existing`, and checks exact equality first if it has its own
    message for it.
    """
    key = name_skeleton if name else skeleton
    wanted = key(value)
    return next((other for other in existing if key(other) == wanted), None)


def refuse_confusable_code(code, existing):
    """Raise ConfusableCode when `code` can be mistaken for one of `existing` (other rows' codes)."""
    other = confusable_with(code, existing)
    if other is not None:
        raise ConfusableCode(code=code, other=other)


def refuse_confusable_name(name, existing):
    """Raise ConfusableName when `name` can be mistaken for one of `existing` (other rows' names)."""
    other = confusable_with(name, existing, name=True)
    if other is not None:
        raise ConfusableName(other=other)
