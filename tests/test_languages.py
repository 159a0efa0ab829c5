"""The languages offered: the selector, `?lang=xx`, the page's language and direction."""
import re

from config import Config
from tests.conftest import csrf_token


def selector(page):
    block = re.search(r'<form[^>]*class="language-switch".*?</form>', page, re.S).group(0)
    return re.findall(r'<(?:span|button)[^>]*lang="([a-z]{2})"[^>]*>([^<]+)<', block)


def test_the_offered_languages_come_from_the_settings_each_under_its_own_name(client, app):
    assert app.config["LANGUAGES"] == Config.LANGUAGES == ("en", "fr", "es", "pt", "ar")
    page = client.get("/").get_data(as_text=True)
    assert selector(page) == [("en", "English"), ("fr", "Français"), ("es", "Español"),
                              ("pt", "Português"), ("ar", "العربية")]


def test_only_the_languages_of_the_settings_are_offered(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LANGUAGES", ("en", "ar"))
    page = client.get("/").get_data(as_text=True)
    assert [name for _, name in selector(page)] == ["English", "العربية"]


def test_lang_in_the_address_chooses_the_language_and_is_kept(client):
    page = client.get("/?lang=ar", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "bootstrap.rtl.min.css" in page
    assert "إنشاء حساب" in page  # "Create an account"
    # the next page, without ?lang, stays in Arabic for this visitor
    page = client.get("/auth/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    page = client.get("/?lang=fr").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page and "bootstrap.min.css" in page


def test_a_language_not_offered_in_the_address_is_ignored(client):
    page = client.get("/?lang=xx", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    page = client.get("/?lang=de").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page


def test_lang_in_the_address_wins_over_a_saved_choice_for_that_page_only(client, factory, login_as):
    user = login_as(factory.user())
    client.post("/lang", data={"lang": "fr", "csrf_token": csrf_token(client, "/")})
    assert user.locale == "fr"
    assert '<html lang="ar"' in client.get("/account?lang=ar").get_data(as_text=True)
    assert '<html lang="fr"' in client.get("/account").get_data(as_text=True)


def test_choosing_a_language_returns_to_the_page_without_its_old_lang(client):
    page = client.get("/auth/login?lang=fr&x=1").get_data(as_text=True)
    assert 'name="next" value="/auth/login?x=1"' in page
    response = client.post("/lang", data={"lang": "ar", "next": "/auth/login?x=1",
                                          "csrf_token": csrf_token(client, "/")})
    assert response.headers["Location"] == "/auth/login?x=1"
    assert '<html lang="ar"' in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_accessibility_statement_lists_the_languages_as_the_language_writes_lists(client):
    page = client.get("/accessibility?lang=ar").get_data(as_text=True)
    assert "English وFrançais وEspañol وPortuguês والعربية" in page
    page = client.get("/accessibility?lang=fr").get_data(as_text=True)
    assert "English, Français, Español, Português et العربية" in page
