"""Name and document-number matching, blind indexes, and the passport MRZ reader."""
import re
import sys
import unicodedata
from dataclasses import replace
from datetime import date

import pytest

from ovote.personal_data import blind_index
from ovote.refusals import message_of
from ovote.registration import matching, passport_mrz, rules
from ovote.registration.models import CheckOutcome
from tests.registration.conftest import passport_mrz as make_mrz
from tests.registration.test_rules import FACTS, REGISTRY

ICAO_SPECIMEN = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                 "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


@pytest.mark.parametrize("first, second, same", [
    (("Silva", "Ana Maria"), ("SILVA", "ANA MARIA"), True),
    (("Silva", "Ana Maria"), ("Silva", "Maria Ana"), True),
    (("da Silva", "Ana"), ("Ana", "Da-Silva"), True),
    (("Åström", "Björn"), ("ASTROM", "BJORN"), True),
    (("Müller", "Jürgen"), ("MUELLER", "JUERGEN"), True),
    (("Strauß", ""), ("STRAUSS", ""), True),
    (("N'Diaye", "Awa"), ("N DIAYE", "AWA"), True),
    (("Silva", "Ana"), ("Silva", "Ana Maria"), False),
    (("Silva", "Ana"), ("Santos", "Ana"), False),
])
def test_names_match_up_to_case_accents_punctuation_and_order(first, second, same):
    assert matching.names_match(first, second) is same


GREEK = ("Παπαδόπουλος", "Γιώργος")
OTHER_GREEK = ("Οικονόμου", "Μαρία")


@pytest.mark.parametrize("first, second", [
    (GREEK, OTHER_GREEK),
    (("Παπαδόπουλος", "Γιώργος"), ("Παπαδόπουλος", "Νίκος")),
    (("Иванов", "Сергей"), ("Петров", "Сергей")),
    (("Иванов", "Сергей"), ("Иванова", "Сергей")),
    (("王", "伟"), ("李", "伟")),
    (("王伟", ""), ("李娜", "")),
    (("カトウ", ""), ("ガトウ", "")),
    (GREEK, ("Silva", "Ana")),
    (("---", ""), ("...", "")),
    (("", ""), ("", "")),
])
def test_names_in_other_scripts_that_differ_do_not_match(first, second):
    assert matching.names_match(first, second) is False
    assert matching.names_match(second, first) is False


@pytest.mark.parametrize("first, second", [
    (GREEK, GREEK),
    (GREEK, ("ΓΙΏΡΓΟΣ", "ΠΑΠΑΔΟΠΟΥΛΟΣ")),  # capitals, final sigma, other word order
    (GREEK, ("Παπαδοπουλος", "Γιωργος")),  # without the accents
    (("Иванов", "Сергей Петрович"), ("ИВАНОВ", "Петрович Сергей")),
    (("Ёлкин", "Пётр"), ("Елкин", "Петр")),
    (("王", "伟"), ("伟", "王")),
    (("Ferreira", "Γιώργος"), ("FERREIRA", "ΓΙΩΡΓΟΣ")),
])
def test_the_same_name_in_another_script_matches_itself(first, second):
    assert matching.names_match(first, second) is True


def test_a_name_without_letters_matches_no_name():
    assert matching.name_forms("", "") == set()
    assert matching.name_forms("-- ", "'") == set()
    assert not matching.names_match(("--", ""), ("--", ""))


def _tokens_before_other_scripts(*parts):
    """plain_name as it was when only a-z and 0-9 counted (the stored person indexes use it)."""
    text = " ".join(p for p in parts if p).replace("<", " ").replace("ß", "ss")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return tuple(sorted(t for t in re.split(r"[^0-9a-z]+", text.casefold()) if t))


LATIN_NAMES = [("Silva", "Ana Maria"), ("Sílva", "Ána-María"), ("Åström", "Björn"), ("Müller", "Jürgen"),
               ("Strauß", ""), ("N'Diaye", "Awa"), ("Nʼdiaye", "ʻAwa"), ("Søren", "Kierkegaard"),
               ("Łukasiewicz", "Jan"), ("Ðorđević", "Đurđa"), ("Þórsdóttir", "Æsa"), ("Yılmaz", "İbrahim"),
               ("Œuvray", "Ǆemal"), ("Ferreira dos Santos", "Maria da Conceição"), ("O’Brien", "Seán"),
               ("ＳＩＬＶＡ", "Ａｎａ"), ("Nguyễn", "Thị Minh Khai"), ("Sánchez-Pérez", "José Luis 2º")]


@pytest.mark.parametrize("name", LATIN_NAMES)
def test_latin_names_keep_their_tokens_and_so_their_stored_person_index(app, name):
    assert matching.plain_name(*name) == _tokens_before_other_scripts(*name)


def _latin_and_common_characters():
    """The Latin blocks, punctuation and fullwidth forms, and every LATIN or MODIFIER LETTER
    character, less those that stand for a letter of another script (µ is a Greek mu)."""
    blocks = [(0x20, 0x370), (0x1D00, 0x1DC0), (0x1E00, 0x1F00), (0x2000, 0x2070),
              (0x2C60, 0x2C80), (0xA720, 0xA800), (0xAB30, 0xAB70), (0xFB00, 0xFB07), (0xFF00, 0xFF60)]
    candidates = [chr(cp) for start, end in blocks for cp in range(start, end)]
    candidates += [chr(cp) for cp in range(sys.maxunicode + 1)
                   if unicodedata.name(chr(cp), "").startswith(("LATIN ", "MODIFIER LETTER "))]
    other_scripts = ("GREEK ", "CYRILLIC ", "GEORGIAN ")
    return [c for c in candidates
            if not any(unicodedata.name(d, "").startswith(other_scripts)
                       for d in unicodedata.normalize("NFKD", c))]


def test_no_latin_or_punctuation_character_changes_the_tokens_of_a_name():
    characters = _latin_and_common_characters()
    assert len(characters) > 3000
    changed = [c for c in characters if matching.plain_name(f"Silva{c}Ana", f"X{c}")
               != _tokens_before_other_scripts(f"Silva{c}Ana", f"X{c}")]
    assert changed == []


def test_other_scripts_get_a_person_index_of_their_own(app, runtime):
    born = date(1985, 5, 5)
    greek = matching.person_index(*GREEK, born, cipher=runtime.cipher)
    assert greek is not None and greek != matching.person_index(*OTHER_GREEK, born, cipher=runtime.cipher)
    assert greek == matching.person_index("ΓΙΏΡΓΟΣ", "ΠΑΠΑΔΟΠΟΥΛΟΣ", born, cipher=runtime.cipher)
    assert matching.person_index("王", "伟", born, cipher=runtime.cipher) != matching.person_index("李", "伟", born, cipher=runtime.cipher)
    assert matching.person_index("Иванов", "", born, cipher=runtime.cipher) != matching.person_index("Петров", "", born, cipher=runtime.cipher)
    assert matching.person_index("---", "", born, cipher=runtime.cipher) is None
    assert matching.person_index("Silva", "Ana Maria", born, cipher=runtime.cipher) == runtime.cipher.blind_index(
        "ana maria silva|1985-05-05", purpose=matching.PERSON_PURPOSE)


@pytest.mark.parametrize("registry, outcome", [
    (dict(surname="Οικονόμου", given_names="Μαρία"), CheckOutcome.REVIEW),
    (dict(surname="Παπαδόπουλος", given_names="Νίκος"), CheckOutcome.REVIEW),
    (dict(surname="ΠΑΠΑΔΟΠΟΥΛΟΣ", given_names="ΓΙΩΡΓΟΣ"), CheckOutcome.PASS),
    (dict(surname="---", given_names=""), CheckOutcome.REVIEW),
])
def test_the_civil_registry_check_compares_greek_names_letter_by_letter(app, registry, outcome):
    facts = replace(FACTS, surname=GREEK[0], given_names=GREEK[1], registry=replace(REGISTRY, **registry))
    assert rules.civil_registry(facts).outcome is outcome


def test_greek_applicants_born_the_same_day_are_no_duplicates_unless_the_names_agree(db_session, reg):
    def unique_person(application):
        return {c.rule: c.outcome for c in application.checks}["unique_person"]

    greek = {"surname": GREEK[0], "given_names": GREEK[1]}
    first = reg.application(person=greek)
    other = reg.application(person={"surname": OTHER_GREEK[0], "given_names": OTHER_GREEK[1]},
                            documents={"passport_number": "CB7654321"})
    assert first.person_index != other.person_index
    assert unique_person(other) is CheckOutcome.PASS
    again = reg.application(person={"surname": "ΠΑΠΑΔΟΠΟΥΛΟΣ", "given_names": "ΓΙΩΡΓΟΣ"},
                            documents={"passport_number": "CC1111111"})
    assert unique_person(again) is CheckOutcome.REVIEW


@pytest.mark.parametrize("raw, normalized", [
    ("ca 123-4567", "CA1234567"), ("L898902C3<", "L898902C3"), (" 12.345.678 ", "12345678"), ("", ""),
])
def test_document_numbers_are_normalized(raw, normalized):
    assert matching.normalize_document_number(raw) == normalized


def test_blind_indexes_are_keyed_and_equal_for_equal_values(app, runtime):
    assert matching.document_index("ca 1234567", cipher=runtime.cipher) == matching.document_index("CA1234567", cipher=runtime.cipher)
    assert matching.document_index("CA1234567", cipher=runtime.cipher) != matching.document_index("CA1234568", cipher=runtime.cipher)
    assert "CA1234567" not in matching.document_index("CA1234567", cipher=runtime.cipher)
    same = matching.person_index("Sílva", "Ana María", date(1990, 1, 15), cipher=runtime.cipher)
    assert same == matching.person_index("SILVA", "maria ana", date(1990, 1, 15), cipher=runtime.cipher)
    assert same != matching.person_index("Silva", "Ana Maria", date(1990, 1, 16), cipher=runtime.cipher)
    assert matching.person_index("", "Ana", date(1990, 1, 15), cipher=runtime.cipher) is None
    other_key = blind_index("CA1234567", purpose=matching.DOCUMENT_PURPOSE, key=b"k" * 32)
    assert other_key != matching.document_index("CA1234567", cipher=runtime.cipher)


def test_the_icao_specimen_is_read():
    mrz = passport_mrz.read_mrz(ICAO_SPECIMEN)
    assert (mrz.document_number, mrz.issuing_state, mrz.surname, mrz.given_names) == \
        ("L898902C3", "UTO", "ERIKSSON", "ANNA MARIA")
    assert (mrz.birth_yymmdd, mrz.expiry_yymmdd) == ("740812", "120415")


def test_spaces_and_one_long_line_are_accepted():
    joined = ICAO_SPECIMEN.replace("\n", "")
    assert passport_mrz.read_mrz(joined).lines == passport_mrz.read_mrz(ICAO_SPECIMEN).lines
    spaced = ICAO_SPECIMEN.lower().replace("<<<<", "<< <<")
    assert passport_mrz.read_mrz(spaced).document_number == "L898902C3"


@pytest.mark.parametrize("text, message", [
    ("", "The MRZ must be the two lines"),
    (ICAO_SPECIMEN[:-1], "The MRZ must be the two lines"),
    (ICAO_SPECIMEN.replace("P<UTO", "V<UTO"), "first line starts with P"),
    (ICAO_SPECIMEN.replace("ERIKSSON", "ERIKS$ON"), "may only hold capital letters"),
    (ICAO_SPECIMEN.replace("7408122", "7408123"), "A check digit of the MRZ is wrong (composite, date of birth)"),
    (ICAO_SPECIMEN.replace("1204159", "1204158"), "(composite, expiry date)"),
    (ICAO_SPECIMEN[:-1] + "1", "A check digit of the MRZ is wrong (composite)"),
    (ICAO_SPECIMEN.replace("L898902C36", "L898902C35"), "(composite, document number)"),
])
def test_a_malformed_mrz_is_refused_with_the_reason(app, text, message):
    with pytest.raises(passport_mrz.MrzInvalid) as refused:
        passport_mrz.read_mrz(text)
    assert message in message_of(refused.value)


def test_disagreements_name_every_field_that_differs(app):
    mrz = passport_mrz.read_mrz(make_mrz())
    typed = dict(passport_number="CA1234567", passport_state="PT", passport_expiry=date(2031, 1, 1),
                 birth_date=date(1990, 1, 15), surname="Silva", given_names="Ana Maria")
    assert passport_mrz.disagreements(mrz, **typed) == []
    assert passport_mrz.disagreements(mrz, **{**typed, "surname": "silva", "given_names": "Ána María"}) == []
    wrong = dict(passport_number="CA1234568", passport_state="ES", passport_expiry=date(2031, 1, 2),
                 birth_date=date(1991, 1, 15), surname="Santos", given_names="Ana")
    assert passport_mrz.disagreements(mrz, **wrong) == [
        "passport number", "issuing state", "expiry date", "date of birth", "names"]


def test_germany_is_d_in_passports():
    mrz = passport_mrz.read_mrz(make_mrz(surname="Mueller", given_names="Juergen", state="D"))
    assert mrz.issuing_state == "DE"


LONG_NAME = dict(surname="Ferreira dos Santos Rodrigues", given_names="Maria da Conceição")
# The name field holds 39 characters: FERREIRA<DOS<SANTOS<RODRIGUES<<MARIA<DA<CONCEICAO is cut
# after "DA". The name field has no check digit, so the generator's MRZ of the cut name is the
# passport's MRZ.
LONG_NAME_MRZ = make_mrz(surname="Ferreira dos Santos Rodrigues", given_names="Maria da")


def cut_off_mrz(name_field):
    """A passport MRZ whose name field is `name_field` (the generator always adds "<<" after the
    surname, so it cannot write a surname cut off by the end of the field)."""
    assert len(name_field) == 39
    return "P<PRT" + name_field + "\n" + make_mrz().splitlines()[1]


def test_a_long_name_cut_off_in_the_mrz_agrees_with_the_whole_typed_name(app):
    assert LONG_NAME_MRZ.splitlines()[0] == "P<PRTFERREIRA<DOS<SANTOS<RODRIGUES<<MARIA<DA"
    mrz = passport_mrz.read_mrz(LONG_NAME_MRZ)
    typed = dict(passport_number="CA1234567", passport_state="PT", passport_expiry=date(2031, 1, 1),
                 birth_date=date(1990, 1, 15))
    assert passport_mrz.disagreements(mrz, **typed, **LONG_NAME) == []
    assert passport_mrz.disagreements(mrz, **typed, surname="FERREIRA DOS SANTOS-RODRIGUES",
                                      given_names="maria da conceicao") == []


@pytest.mark.parametrize("surname, given_names, mrz_text", [
    # ICAO 9303 transliteration (Ä -> AE) and plain unaccented letters
    ("Schäfer-Großmann von Hohenstein", "Jürgen Maximilian",
     make_mrz(surname="Schaefer Grossmann von Hohenstein", given_names="Juer")),
    ("Schäfer-Großmann von Hohenstein", "Jürgen Maximilian",
     make_mrz(surname="Schafer Grossmann von Hohenstein", given_names="Jurge")),
    # apostrophes are left out; the surname itself is cut off
    ("D'Ávila Albuquerque e Vasconcelos Menezes", "João",
     cut_off_mrz("DAVILA<ALBUQUERQUE<E<VASCONCELOS<MENEZE")),
    ("Ferreira dos Santos Rodrigues Cardoso Lima", "Ana",
     cut_off_mrz("FERREIRA<DOS<SANTOS<RODRIGUES<CARDOSO<L")),
])
def test_long_names_are_cut_as_the_mrz_spells_them(app, surname, given_names, mrz_text):
    mrz = passport_mrz.read_mrz(mrz_text)
    assert not mrz.lines[0].endswith("<")
    assert passport_mrz.disagreements(mrz, passport_number=None, passport_state=None, passport_expiry=None,
                                      birth_date=None, surname=surname, given_names=given_names) == []


@pytest.mark.parametrize("mrz_name, typed", [
    # the cut names differ
    (("Ferreira dos Santos Rodrigues", "Maria da"), ("Ferreira dos Santos Rodrigues", "Maria do Carmo")),
    (("Ferreira dos Santos Rodrigues", "Maria da"), ("Ferreira dos Santos Rodriguez", "Maria da Conceição")),
    (("Ferreira dos Santos Rodrigues", "Maria da"), ("Maria da Conceição", "Ferreira dos Santos Rodrigues")),
    (("Ferreira dos Santos Rodrigues", "Maria da"), ("Ferreira dos Santos Rodrigues", "Maria")),
    # a name shorter than the field is not a cut-off name
    (("Ferreira dos Santos Rodrigues", "Maria"), ("Ferreira dos Santos Rodrigues", "Maria da Conceição")),
    (("Ferreira dos Santos Rodrigues", "Mariana"), ("Ferreira dos Santos Rodrigues", "Mariana Conceição")),
    (("Silva", "Ana"), ("Silva", "Ana Maria")),
])
def test_a_cut_off_mrz_name_must_be_the_typed_name_cut_at_the_same_place(app, mrz_name, typed):
    mrz = passport_mrz.read_mrz(make_mrz(*mrz_name))
    assert passport_mrz.disagreements(mrz, passport_number=None, passport_state=None, passport_expiry=None,
                                      birth_date=None, surname=typed[0], given_names=typed[1]) == ["names"]


def test_the_documents_step_accepts_the_mrz_of_a_long_name(db_session, reg, runtime):
    application = reg.application(person=LONG_NAME, documents={"mrz": LONG_NAME_MRZ})
    assert application.passport_index == matching.document_index("CA1234567", cipher=runtime.cipher)
