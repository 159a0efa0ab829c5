"""Name and document-number matching, blind indexes, and the passport MRZ reader."""
from datetime import date

import pytest

from ovote.registration import matching, passport_mrz
from tests.registration.conftest import passport_mrz as make_mrz

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


@pytest.mark.parametrize("raw, normalized", [
    ("ca 123-4567", "CA1234567"), ("L898902C3<", "L898902C3"), (" 12.345.678 ", "12345678"), ("", ""),
])
def test_document_numbers_are_normalized(raw, normalized):
    assert matching.normalize_document_number(raw) == normalized


def test_blind_indexes_are_keyed_and_equal_for_equal_values(app):
    with app.test_request_context():
        assert matching.document_index("ca 1234567") == matching.document_index("CA1234567")
        assert matching.document_index("CA1234567") != matching.document_index("CA1234568")
        assert "CA1234567" not in matching.document_index("CA1234567")
        same = matching.person_index("Sílva", "Ana María", date(1990, 1, 15))
        assert same == matching.person_index("SILVA", "maria ana", date(1990, 1, 15))
        assert same != matching.person_index("Silva", "Ana Maria", date(1990, 1, 16))
        assert matching.person_index("", "Ana", date(1990, 1, 15)) is None
    other_key = matching.blind_index("CA1234567", purpose=matching.DOCUMENT_PURPOSE, key=b"k" * 32)
    with app.test_request_context():
        assert other_key != matching.document_index("CA1234567")


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
    with app.test_request_context(), pytest.raises(passport_mrz.MrzInvalid) as refused:
        passport_mrz.read_mrz(text)
    assert message in refused.value.message


def test_disagreements_name_every_field_that_differs(app):
    mrz = passport_mrz.read_mrz(make_mrz())
    typed = dict(passport_number="CA1234567", passport_state="PT", passport_expiry=date(2031, 1, 1),
                 birth_date=date(1990, 1, 15), surname="Silva", given_names="Ana Maria")
    with app.test_request_context():
        assert passport_mrz.disagreements(mrz, **typed) == []
        assert passport_mrz.disagreements(mrz, **{**typed, "surname": "silva", "given_names": "Ána María"}) == []
        wrong = dict(passport_number="CA1234568", passport_state="ES", passport_expiry=date(2031, 1, 2),
                     birth_date=date(1991, 1, 15), surname="Santos", given_names="Ana")
        assert passport_mrz.disagreements(mrz, **wrong) == [
            "passport number", "issuing state", "expiry date", "date of birth", "names"]


def test_germany_is_d_in_passports():
    mrz = passport_mrz.read_mrz(make_mrz(surname="Mueller", given_names="Juergen", state="D"))
    assert mrz.issuing_state == "DE"
