"""Every language offered has a complete catalog, consistent with the sources, that compiles.

The languages offered are `config.Config.LANGUAGES`, the one list of them; the
default language (`BABEL_DEFAULT_LOCALE`, that of the strings in the sources)
needs no catalog, every other one needs
ovote/translations/<code>/LC_MESSAGES/messages.po, and every catalog there must
be offered. These tests read and build the catalogs directly; they need
neither the app nor a database. When one fails after you added or changed an
interface string, refresh the catalogs from the repository root:

    pybabel extract -F babel.cfg -k _l -k lazy_gettext -o ovote/translations/messages.pot .
    pybabel update -i ovote/translations/messages.pot -d ovote/translations

then translate every new or fuzzy entry in each
ovote/translations/<code>/LC_MESSAGES/messages.po and run
`pybabel compile -d ovote/translations`.
"""
import gettext
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from config import Config

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "ovote" / "translations"
TRANSLATED = [code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE]
#: a few words each catalog must give exactly, so that a catalog of the wrong language
#: (or one filled with its msgids) fails; a language added to LANGUAGES adds its own
KNOWN_WORDS = {
    "fr": {"Password": "Mot de passe", "Log in": "Se connecter"},
    "ar": {"Password": "كلمة المرور", "Log in": "تسجيل الدخول"},
}


def catalog_path(code):
    return TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"

# One printf-style conversion: %(name)s, %d, %5.2f, %%, ...
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
# `pybabel` itself, but exiting with the command's status (running
# `python -m babel.messages.frontend` always exits 0, even when compile fails).
PYBABEL = "import sys; from babel.messages.frontend import CommandLineInterface as C; sys.exit(C().run(sys.argv))"


def pybabel(*args):
    return subprocess.run(
        [sys.executable, "-c", PYBABEL, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )


def placeholders(text):
    """The conversions in `text` as a multiset of (name, type)."""
    return Counter((m.group("name"), m.group("type")) for m in PLACEHOLDER.finditer(text))


def has_stray_percent(text):
    """A % that does not start a valid conversion: formatting would fail on it."""
    return "%" in PLACEHOLDER.sub("", text)


def forms(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def describe(message):
    return f"{message.id!r} ({', '.join(f'{path}:{line}' for path, line in message.locations) or 'no location'})"


@pytest.fixture(scope="module", params=TRANSLATED)
def catalog(request):
    code = request.param
    assert catalog_path(code).is_file(), f"{code} is offered (config.LANGUAGES) but has no catalog"
    with catalog_path(code).open("rb") as fileobj:
        return read_po(fileobj, locale=code)


def test_the_languages_offered_are_the_catalogs_present():
    """A catalog nobody offers is a translation nobody sees; an offered language without
    one would show English under its name."""
    present = sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
    assert present == sorted(TRANSLATED)
    assert Config.BABEL_DEFAULT_LOCALE in Config.LANGUAGES
    assert len(set(Config.LANGUAGES)) == len(Config.LANGUAGES)


def source_messages(directory):
    """Extract every translatable string of the sources, with babel.cfg."""
    pot = directory / "messages.pot"
    result = pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), ".")
    assert result.returncode == 0, f"extraction failed:\n{result.stderr}"
    with pot.open("rb") as fileobj:
        return [message for message in read_po(fileobj) if message.id]


# (a) the catalog on its own ---------------------------------------------------

def test_catalog_header(catalog):
    """The catalog is of its language, with a plural rule that uses every form it declares
    (each language's rule is checked form by form below)."""
    assert catalog_path(str(catalog.locale)).parent.parent.name == str(catalog.locale)
    assert len(plural_samples(catalog)) == catalog.num_plurals
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"


#: the plural form each count takes (gettext's rules for these languages)
PLURAL_FORMS = {
    "fr": {0: 0, 1: 0, 2: 1, 10: 1, 1000000: 1},
    # zero, one, two, few (3-10), many (11-99), other (100-102, ...)
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3, 111: 4},
    # CLDR: one, many (round millions: "1 millón de votos"), other
    "es": {0: 2, 1: 0, 2: 2, 10: 2, 1000000: 1, 1000001: 2},
    # Brazilian Portuguese: one (0 and 1), many (round millions), other
    "pt": {0: 0, 1: 0, 2: 2, 10: 2, 1000000: 1, 1000001: 2},
}


@pytest.mark.parametrize("code", sorted(set(PLURAL_FORMS) & set(TRANSLATED)))
def test_plural_rules_of_each_language(code):
    with catalog_path(code).open("rb") as fileobj:
        catalog = read_po(fileobj, locale=code)
    assert catalog.num_plurals == {"fr": 2, "es": 3, "pt": 3, "ar": 6}[code]
    choose = gettext.c2py(catalog.plural_expr)
    assert {n: choose(n) for n in PLURAL_FORMS[code]} == PLURAL_FORMS[code]


def test_every_message_is_translated_and_not_fuzzy(catalog):
    untranslated = [describe(m) for m in catalog if m.id and not all(s and s.strip() for s in forms(m.string))]
    fuzzy = [describe(m) for m in catalog if m.id and m.fuzzy]
    assert not (untranslated or fuzzy), (
        "untranslated messages:\n" + "\n".join(untranslated)
        + "\nfuzzy messages (check the translation, then remove the fuzzy flag):\n" + "\n".join(fuzzy)
    )


def test_babel_checks_pass(catalog):
    problems = [f"{describe(m)}: {'; '.join(map(str, errors))}" for m, errors in catalog.check()]
    assert not problems, "\n".join(problems)


def test_placeholders_match(catalog):
    problems = []
    for message in catalog:
        if not message.id:
            continue
        expected = Counter()
        for source in forms(message.id):
            expected |= placeholders(source)
        stray_allowed = any(has_stray_percent(source) for source in forms(message.id))
        for index, translation in enumerate(forms(message.string)):
            if set(placeholders(translation)) != set(expected):
                problems.append(f"{describe(message)} form {index}: {translation!r} has placeholders "
                                f"{sorted(placeholders(translation))}, expected {sorted(expected)}")
            if has_stray_percent(translation) and not stray_allowed:
                problems.append(f"{describe(message)} form {index}: {translation!r} has a stray '%' (write '%%')")
    assert not problems, "\n".join(problems)


# (b) the catalog against the sources ------------------------------------------

@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return source_messages(tmp_path_factory.mktemp("pot"))


def test_every_source_string_is_in_the_catalog(catalog, sources):
    assert len(sources) > 50, "extraction found almost nothing: is babel.cfg still matching the sources?"
    missing = []
    for message in sources:
        entry = catalog.get(message.id, message.context)
        if entry is None or entry.id != message.id:
            missing.append(describe(message))
        elif not all(s and s.strip() for s in forms(entry.string)) or entry.fuzzy:
            missing.append(describe(message) + " [untranslated or fuzzy]")
    assert not missing, (f"strings in the sources without a translation in {catalog.locale} "
                         "(run pybabel extract and update, then translate):\n" + "\n".join(missing))


# (c) the catalog compiles and works -------------------------------------------

def plural_samples(catalog):
    """One count n for each plural form, in form order: for Arabic 0, 1, 2, 3, 11, 100;
    for Spanish 1, 1000000, 0 (CLDR's "many" is the round millions)."""
    choose = gettext.c2py(catalog.plural_expr)
    samples = {}
    for n in [*range(1000), 10**6]:
        samples.setdefault(choose(n), n)
    assert sorted(samples) == list(range(catalog.num_plurals)), "a plural form is never used"
    return [samples[index] for index in range(catalog.num_plurals)]


def test_catalog_compiles_and_formats(catalog, tmp_path):
    code = str(catalog.locale)
    mo = tmp_path / "messages.mo"
    result = pybabel("compile", "-i", str(catalog_path(code)), "-o", str(mo), "-l", code, "--statistics")
    assert result.returncode == 0, f"compilation failed:\n{result.stdout}{result.stderr}"
    assert "error" not in result.stderr.lower(), result.stderr
    with mo.open("rb") as fileobj:
        translations = gettext.GNUTranslations(fileobj)

    for english, expected in KNOWN_WORDS.get(code, {}).items():
        assert translations.gettext(english) == expected
    counts = plural_samples(catalog)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            got = [translations.ngettext(message.id[0], message.id[1], n) for n in counts]
        else:
            got = [translations.gettext(message.id)]
        if got != forms(message.string):
            problems.append(f"{describe(message)}: the compiled catalog returns {got!r}")
            continue
        names = {name for source in forms(message.id) for name, _ in placeholders(source) if name}
        if names:
            values = {name: 1 for name in names}
            for text in got:
                try:
                    text % values
                except (KeyError, ValueError, TypeError) as exc:
                    problems.append(f"{describe(message)}: {text!r} cannot be formatted ({exc!r})")
    assert not problems, "\n".join(problems)
