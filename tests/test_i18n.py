"""The French catalog is complete, consistent with the sources, and compiles.

These tests read and build the catalog directly; they need neither the app
nor a database. When one fails after you added or changed an interface
string, refresh the catalog from the repository root:

    pybabel extract -F babel.cfg -k _l -k lazy_gettext -o ovote/translations/messages.pot .
    pybabel update -i ovote/translations/messages.pot -d ovote/translations

then translate every new or fuzzy entry in
ovote/translations/fr/LC_MESSAGES/messages.po and run
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

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "ovote" / "translations"
FRENCH_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"

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


@pytest.fixture(scope="module")
def french():
    with FRENCH_PO.open("rb") as fileobj:
        return read_po(fileobj, locale="fr")


def source_messages(directory):
    """Extract every translatable string of the sources, with babel.cfg."""
    pot = directory / "messages.pot"
    result = pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), ".")
    assert result.returncode == 0, f"extraction failed:\n{result.stderr}"
    with pot.open("rb") as fileobj:
        return [message for message in read_po(fileobj) if message.id]


# (a) the catalog on its own ---------------------------------------------------

def test_catalog_header(french):
    assert str(french.locale) == "fr"
    assert french.num_plurals == 2
    assert french.plural_expr.replace(" ", "") == "(n>1)"
    assert not french.fuzzy, "the catalog header is marked fuzzy"


def test_every_message_is_translated_and_not_fuzzy(french):
    untranslated = [describe(m) for m in french if m.id and not all(s and s.strip() for s in forms(m.string))]
    fuzzy = [describe(m) for m in french if m.id and m.fuzzy]
    assert not (untranslated or fuzzy), (
        "untranslated messages:\n" + "\n".join(untranslated)
        + "\nfuzzy messages (check the translation, then remove the fuzzy flag):\n" + "\n".join(fuzzy)
    )


def test_babel_checks_pass(french):
    problems = [f"{describe(m)}: {'; '.join(map(str, errors))}" for m, errors in french.check()]
    assert not problems, "\n".join(problems)


def test_placeholders_match(french):
    problems = []
    for message in french:
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

def test_every_source_string_is_in_the_french_catalog(french, tmp_path):
    sources = source_messages(tmp_path)
    assert len(sources) > 50, "extraction found almost nothing: is babel.cfg still matching the sources?"
    missing = []
    for message in sources:
        entry = french.get(message.id, message.context)
        if entry is None or entry.id != message.id:
            missing.append(describe(message))
        elif not all(s and s.strip() for s in forms(entry.string)) or entry.fuzzy:
            missing.append(describe(message) + " [untranslated or fuzzy]")
    assert not missing, ("strings in the sources without a French translation "
                         "(run pybabel extract and update, then translate):\n" + "\n".join(missing))


# (c) the catalog compiles and works -------------------------------------------

def test_catalog_compiles_and_formats(french, tmp_path):
    mo = tmp_path / "messages.mo"
    result = pybabel("compile", "-i", str(FRENCH_PO), "-o", str(mo), "-l", "fr", "--statistics")
    assert result.returncode == 0, f"compilation failed:\n{result.stdout}{result.stderr}"
    assert "error" not in result.stderr.lower(), result.stderr
    with mo.open("rb") as fileobj:
        translations = gettext.GNUTranslations(fileobj)

    assert translations.gettext("Password") == "Mot de passe"
    problems = []
    for message in french:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            got = [translations.ngettext(message.id[0], message.id[1], n) for n in (1, 2)]
        else:
            got = [translations.gettext(message.id)]
        if got != [forms(message.string)[min(i, french.num_plurals - 1)] for i in range(len(got))]:
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
