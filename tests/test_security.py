"""The security baseline: headers, cookies, size limit, error pages, configuration."""
import re

import pytest

import config as config_module
from ovote import create_app
from ovote.accounts.models import Role
from tests.conftest import PASSWORD, csrf_token, make_app


def test_security_headers_on_every_page(client):
    for url in ("/", "/auth/login", "/no-such-page"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_hsts_over_https(client):
    headers = client.get("/", base_url="https://ovote.test").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_inline_script_in_pages(client, factory, login_as):
    login_as(factory.user(Role.COMMISSIONER))
    for url in ("/", "/account", "/staff/", "/consulates/", "/audit/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "onclick" not in page, url


def test_session_cookie_flags(client, factory):
    user = factory.user()
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                                "csrf_token": csrf_token(client, "/auth/login")})
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("logged_in", [False, True])
def test_static_files_never_write_the_session_cookie(client, factory, login_as, logged_in):
    """A stylesheet or icon fetched alongside the next page must not overwrite the cookie
    that page set (it once lost the page to return to after the TOTP step)."""
    if logged_in:
        login_as(factory.user())
    with client.session_transaction() as session:
        session["after_login"] = "/staff/"  # an anonymous session with content
        session.permanent = logged_in  # as after a real login: refreshed on every response
    for url in ("/static/css/app.css", "/static/js/app.js", "/static/favicon.svg"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.headers.getlist("Set-Cookie"), url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    with client.session_transaction() as session:
        assert session["after_login"] == "/staff/"


def test_oversized_body_gets_413(client, app):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/auth/login", data=body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "larger than we accept" in response.get_data(as_text=True)


@pytest.mark.parametrize("url, method, status, text", [
    ("/does-not-exist", "get", 404, "There is no page at this address"),
    ("/auth/logout", "get", 405, "This page cannot be used that way"),
    ("/auth/login", "post", 400, "The form has expired or was not sent from this site"),
])
def test_error_pages_say_what_to_do(client, url, method, status, text):
    response = getattr(client, method)(url)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    assert text in body and "Traceback" not in body


def test_json_clients_get_json_errors(client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found",
                                   "message": "There is no page at this address, or you may not see it."}


@pytest.mark.parametrize("url, method, headers, status, code", [
    ("/nowhere", "get", {"Accept": "application/json"}, 404, "not_found"),
    ("/api/v1/nowhere", "get", {}, 404, "not_found"),
    ("/auth/logout", "get", {"Accept": "application/json"}, 405, "method_not_allowed"),
    ("/auth/login", "post", {"Accept": "application/json"}, 400, "csrf_failed"),
    ("/", "get", {"Accept": "application/json", "X-Big": "a" * 9000}, 431, "headers_too_large"),
])
def test_every_json_error_has_the_shape_of_a_refusal(client, url, method, headers, status, code):
    """DESIGN.md §7: {"error": code, "message": text}, as ovote.refusals.as_json answers."""
    response = getattr(client, method)(url, headers=headers)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error", "message"} and body["error"] == code
    assert isinstance(body["message"], str) and body["message"]


def test_unexpected_errors_leak_nothing(database_url):
    app = make_app(database_url, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "secret internals" not in body


@pytest.mark.parametrize("env, message", [
    ({}, "OVOTE_SECRET_KEY must be set"),
    ({"OVOTE_SECRET_KEY": "x" * 40}, "OVOTE_DATA_KEYS must hold a real data-encryption key"),
    ({}, "OVOTE_SERVER_NAME must be the site's public host name"),
])
def test_production_refuses_unsafe_configuration(monkeypatch, env, message):
    class Production(config_module.ProductionConfig):
        SECRET_KEY = env.get("OVOTE_SECRET_KEY", config_module.DEV_SECRET_KEY)

    with pytest.raises(config_module.ConfigError, match=message):
        create_app(Production)


@pytest.mark.parametrize("keys, message", [
    ({"DATA_KEYS": "change-me"}, "OVOTE_DATA_KEYS must hold a real data-encryption key"),
    ({"DATA_KEYS": "{good},short"}, "OVOTE_DATA_KEYS must hold a real data-encryption key"),
    ({"INDEX_KEY": "change-me"}, "OVOTE_INDEX_KEY must hold a real blind-index key"),
])
def test_production_refuses_keys_that_are_not_32_bytes(tmp_path, keys, message):
    """A malformed key would only fail at the first use: every staff login and application."""
    import base64
    import os

    good = base64.urlsafe_b64encode(os.urandom(32)).decode()

    class Production(config_module.ProductionConfig):
        SECRET_KEY = "s" * 48
        DATA_KEYS = keys.get("DATA_KEYS", good).format(good=good)
        INDEX_KEY = keys.get("INDEX_KEY", good)
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite3'}"
        HOME_COUNTRY = "PT"
        SERVER_NAME = "vote.example.org"

    with pytest.raises(config_module.ConfigError, match=message):
        create_app(Production)


def test_production_starts_with_real_keys(tmp_path):
    import base64
    import os

    class Production(config_module.ProductionConfig):
        SECRET_KEY = "s" * 48
        DATA_KEYS = base64.urlsafe_b64encode(os.urandom(32)).decode()
        INDEX_KEY = base64.urlsafe_b64encode(os.urandom(32)).decode()
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite3'}"
        HOME_COUNTRY = "PT"
        SERVER_NAME = "vote.example.org"

    app = create_app(Production)
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_mailed_links_name_the_configured_site_not_the_request(database_url, db_session, factory):
    """A reset link built from the request's Host header would hand the token to
    whoever sent the request ("password-reset poisoning"); behind a TLS proxy the
    request's scheme is http."""
    app = make_app(database_url, SERVER_NAME="vote.example.org", PREFERRED_URL_SCHEME="https")
    outbox = app.extensions["ovote_outbox"]
    user = factory.user(email="poisoned@example.org")
    client = app.test_client()
    page = client.get("/auth/forgot", base_url="http://evil.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/forgot", data={"email": user.email, "csrf_token": token},
                           base_url="http://evil.example")
    assert response.status_code == 200
    assert "https://vote.example.org/auth/reset/" in outbox[-1].get_content()


def test_unknown_environment_is_refused(monkeypatch):
    monkeypatch.setenv("OVOTE_ENV", "staging")
    with pytest.raises(config_module.ConfigError, match="OVOTE_ENV must be one of"):
        config_module.config_for()


def test_a_negative_number_of_trusted_proxies_is_refused(database_url):
    with pytest.raises(config_module.ConfigError, match="OVOTE_TRUSTED_PROXIES must be 0 or"):
        make_app(database_url, TRUSTED_PROXIES=-1)


def test_language_follows_browser_then_choice(client):
    page = client.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr"' in page and "Créer un compte" in page
    token = csrf_token(client, "/")
    client.post("/lang", data={"lang": "en", "csrf_token": token, "next": "/"})
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_unknown_language_is_refused(client):
    response = client.post("/lang", data={"lang": "xx", "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("next_url", ["/\t/evil.example", "/\r\nSet-Cookie: a=b", "/\\evil.example",
                                      "//evil.example", "https://evil.example/"])
def test_language_choice_stays_on_this_site(client, next_url):
    response = client.post("/lang", data={"lang": "fr", "next": next_url,
                                          "csrf_token": csrf_token(client, "/")})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_right_to_left_locales_get_the_rtl_stylesheet(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "LANGUAGES", ("en", "fr", "ar"))
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "bootstrap.rtl.min.css" in page
    assert "العربية" in page  # the language offered under its own name
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert 'dir="ltr"' in page and "bootstrap.min.css" in page


def test_a_saved_language_choice_is_audited(client, factory, login_as, db_session):
    from ovote.audit.models import AuditEvent

    user = login_as(factory.user())
    client.post("/lang", data={"lang": "fr", "csrf_token": csrf_token(client, "/")})
    assert user.locale == "fr"
    event = db_session.query(AuditEvent).filter_by(action="account.locale").one()
    assert event.target == f"user:{user.id}" and '"to":"fr"' in event.details
    client.post("/lang", data={"lang": "fr", "csrf_token": csrf_token(client, "/")})
    assert db_session.query(AuditEvent).filter_by(action="account.locale").count() == 1
