"""Invisible and bidirectional format characters: refused in every name, place, address
and note, with the character named, and nothing stored; joiners kept where a script
needs them (ovote.text)."""
import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.consulates.models import Constituency, Consulate
from ovote.registration.models import Application, ApplicationState, Decision
from ovote.registration.registry_models import RegistryEntry
from ovote.text import ControlCharacters, InvisibleCharacter, visible_text
from tests.registration.conftest import post, reg, step_data  # noqa: F401  (reg: a fixture)

INVISIBLE = [
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u202a", "U+202A LEFT-TO-RIGHT EMBEDDING"),
    ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("\u2069", "U+2069 POP DIRECTIONAL ISOLATE"),
    ("\u200f", "U+200F RIGHT-TO-LEFT MARK"),
    ("\u061c", "U+061C ARABIC LETTER MARK"),
    ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u2060", "U+2060 WORD JOINER"),
    ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("\u00ad", "U+00AD SOFT HYPHEN"),
    ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
    ("\u2028", "U+2028 LINE SEPARATOR"),
    ("\u3164", "U+3164 HANGUL FILLER"),
    ("\ue000", "U+E000"),
    ("\u200d", "U+200D ZERO WIDTH JOINER"),       # between Latin letters: hides, joins nothing
    ("\u200c", "U+200C ZERO WIDTH NON-JOINER"),
]


@pytest.mark.parametrize("char, described", INVISIBLE)
def test_each_invisible_character_is_refused_by_name(char, described):
    with pytest.raises(InvisibleCharacter) as refused:
        visible_text(f"Ana{char}Maria")
    assert refused.value.params == {"char": described}


@pytest.mark.parametrize("text", [
    "می\u200cخواهم",           # Persian: ZWNJ between two joining letters
    "نامه\u200cها",            # Persian plural suffix
    "क्\u200dष",               # Devanagari: ZWJ after a virama (half form)
    "क्\u200cष",               # ZWNJ after a virama (explicit virama)
    "ന്\u200d",                # Malayalam chillu
    "Ana Maria", "Åström", "N'Diaye", "Nguyễn", "李", "葛\U000e0100",  # variation selector kept
])
def test_text_a_script_writes_so_is_kept(text):
    assert visible_text(text) == text


@pytest.mark.parametrize("text", ["\u200cمی", "می\u200c", "می\u200c خواهم", "a\u200db", "\u200d",
                                  "क\u200dष",
                                  "عبد\u200cالله"])  # DAL does not join to the left: nothing to break
def test_a_joiner_outside_the_context_its_script_needs_is_refused(text):
    with pytest.raises(InvisibleCharacter):
        visible_text(text)


def test_control_characters_and_line_breaks():
    for text in ("Porto\x00", "a\x1bb", "a\nb"):
        with pytest.raises(ControlCharacters):
            visible_text(text)
    assert visible_text("12 rue X\r\n75002\tParis", multiline=True) == "12 rue X\r\n75002\tParis"


def stored(session):
    session.expire_all()
    return (sorted((a.id, a.state, a.surname_enc, a.birth_place_enc, a.address_enc)
                   for a in session.query(Application)),
            sorted((c.code, c.name, c.city) for c in session.query(Consulate)),
            sorted((c.code, c.name) for c in session.query(Constituency)),
            session.query(Decision).count(),
            # changes only: showing a page of personal data is audited, and stays so
            session.query(AuditEvent).filter(~AuditEvent.action.like("%view")).count())


def identity(client, w, value, field):
    return post(client, "/register/step/identity", {**step_data("identity"), field: value})


def residence(client, w, value, field):
    return post(client, "/register/step/residence", {**step_data("residence"), "address": value})


def decision_note(client, w, value, field):
    url = f"/applications/{w['submitted'].id}"
    w["login_as_official"](w["submitted"].consulate)
    return post(client, f"{url}/decision", {"action": "request_info", "reason": "details_mismatch",
                                            "note": value}, form_url=url)


def consulate(client, w, value, field):
    w["login_as"](w["commissioner"])
    data = {"code": "BER", "name": "Berlin", "city": "Berlin", "host_country": "DE",
            "timezone": "Europe/Berlin", "served": "DE", field: value}
    return post(client, "/consulates/new", data)


def constituency(client, w, value, field):
    w["login_as"](w["commissioner"])
    return post(client, "/constituencies/", {"code": "WEST", "name": value})


@pytest.fixture
def w(reg, factory, login_as, login_as_official):
    draft = reg.application(state=ApplicationState.DRAFT)
    submitted = reg.application()
    login_as(draft.voter)
    return dict(draft=draft, submitted=submitted, login_as=login_as,
                login_as_official=login_as_official, commissioner=factory.user(Role.COMMISSIONER))


@pytest.mark.parametrize("form, field", [
    (identity, "surname"), (identity, "given_names"), (identity, "birth_place"),
    (residence, "address"), (decision_note, "note"),
    (consulate, "name"), (consulate, "city"), (constituency, "name"),
], ids=lambda v: v.__name__ if callable(v) else v)
@pytest.mark.parametrize("value, described", [
    ("Silva\u202eavliS", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("Sil\u200bva", "U+200B ZERO WIDTH SPACE"),
    ("\u2066Silva\u2069", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("Silva\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    ("Sil\u200dva", "U+200D ZERO WIDTH JOINER"),
], ids=["rlo", "zwsp", "isolate", "bom", "zwj-in-latin"])
def test_every_name_place_address_and_note_refuses_invisible_characters(client, db_session, w, form,
                                                                        field, value, described):
    before = stored(db_session)
    response = form(client, w, value, field)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"Remove the invisible character {described} from this field" in page
    assert stored(db_session) == before


def test_a_persian_name_with_its_non_joiner_is_stored_as_typed(client, db_session, w):
    response = identity(client, w, "نامه\u200cها", "surname")
    assert response.status_code == 303


def test_a_registry_line_with_an_invisible_character_is_reported(app, db_session, reg, tmp_path):
    reg.constituency("NORTH")
    path = tmp_path / "registry.csv"
    path.write_text("document_number,surname,given_names,birth_date,citizenship,disqualified,"
                    "constituency\nCA1234567,Sil\u202eva,Ana,1990-01-15,citizen,no,NORTH\n")
    result = app.test_cli_runner().invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1
    assert "registry.csv:2: surname: Remove the invisible character U+202E RIGHT-TO-LEFT OVERRIDE" \
        in result.output
    assert db_session.query(RegistryEntry).count() == 0
