"""Countries by name in the reader's language, sorted by the Unicode Collation Algorithm."""
import re

import pytest

from ovote.countries import country_choices, country_name, lazy_country_name
from ovote.registration import services
from ovote.registration.services import InvalidApplication
from ovote.refusals import message_of

SAMPLE = {"ZA", "AX", "DZ", "DE", "DK", "DJ", "DM", "EG", "AE", "EC", "ER", "ES", "EE", "SZ", "US", "ET"}


def order(locale):
    return [code for code, _ in country_choices(locale) if code in SAMPLE]


def test_names_in_french_and_arabic():
    assert [country_name("EG", lang) for lang in ("en", "fr", "ar")] == ["Egypt", "Égypte", "مصر"]
    assert country_name("DE", "fr") == "Allemagne" and country_name("DE", "ar") == "ألمانيا"
    # a language pycountry has no names for falls back to English; an unknown code stays as it is
    assert country_name("EG", "xx") == "Egypt"
    assert country_name("QQ", "fr") == "QQ" and country_name(None, "fr") == ""


def test_french_order_is_the_collation_order_not_byte_order():
    # accented initials sort with their letter: Égypte between Dominique and Espagne
    assert order("fr") == ["ZA", "AX", "DZ", "DE", "DK", "DJ", "DM", "EG", "AE", "EC", "ER",
                           "ES", "EE", "SZ", "US", "ET"]
    names = [country_name(code, "fr") for code in order("fr")]
    assert names[6:12] == ["Dominique", "Égypte", "Émirats arabes unis", "Équateur", "Érythrée", "Espagne"]
    assert sorted(names) != names  # by code points, "Égypte" and the like would come after "Eswatini"


def test_arabic_order_follows_the_arabic_alphabet():
    assert order("ar") == ["DE", "ET", "ER", "ES", "EE", "SZ", "EC", "AE", "DZ", "DK", "US", "AX",
                           "ZA", "DJ", "DM", "EG"]
    assert [country_name(code, "ar") for code in order("ar")][-4:] == ["جنوب إفريقيا", "جيبوتي", "دومينيكا", "مصر"]


def test_english_order_and_every_country_listed_once():
    assert order("en") == ["AX", "DZ", "DK", "DJ", "DM", "EC", "EG", "ER", "EE", "SZ", "ET", "DE",
                           "ZA", "ES", "AE", "US"]
    for locale in ("en", "fr", "ar"):
        codes = [code for code, _ in country_choices(locale)]
        assert len(codes) == len(set(codes)) == 249


def test_a_refusal_names_the_country_in_the_language_it_is_shown_in(app):
    with pytest.raises(InvalidApplication) as refused:
        services.normalize_phone("12", "EG")
    for lang, name in (("en", "Egypt"), ("fr", "Égypte"), ("ar", "مصر")):
        with app.test_request_context("/", headers={"Accept-Language": lang}):
            assert name in message_of(refused.value)
    assert str(lazy_country_name("EG")) == "Egypt"  # outside a request: English


def select_options(page, name):
    block = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option[^>]*value="([A-Z]{2})"[^>]*>([^<]*)</option>', block)


@pytest.mark.parametrize("lang, first, egypt", [("fr", "Afghanistan", "Égypte"), ("ar", "آيزل أف مان", "مصر")])
def test_the_country_lists_of_the_forms_are_in_the_page_language(client, login_as_voter, lang, first, egypt):
    from tests.registration.conftest import post

    login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    page = client.get(f"/register/step/residence?lang={lang}").get_data(as_text=True)
    options = select_options(page, "country")
    assert options[0][1] == first and dict(options)["EG"] == egypt
    assert [code for code, _ in options] == [code for code, _ in country_choices(lang)]


def test_names_pycountry_lacks_are_still_lacking_there():
    """The few names ovote gives itself are for countries pycountry has no translation of:
    once it has one, its own wins and the entry goes."""
    import gettext

    import pycountry

    from ovote.countries import DOMAIN, NAMES_PYCOUNTRY_LACKS

    for locale, names in NAMES_PYCOUNTRY_LACKS.items():
        translations = gettext.translation(DOMAIN, pycountry.LOCALES_DIR, languages=[locale])
        for code, name in names.items():
            english = pycountry.countries.get(alpha_2=code).name
            assert translations.gettext(english) == english
            assert country_name(code, locale) == name
    assert country_name("TR", "ar") == "تركيا" and country_name("TR", "fr") == "Turquie"
