"""Every page reads as an official service: the commission's name and emblem, the
official-service banner, a language choice one tap away, and a footer leading to
the privacy notice, the accessibility statement, help and contact."""
import re

import pytest

from ovote.extensions import db
from tests.conftest import make_app
from tests.pages import page_of

PAGES = ("privacy", "accessibility", "help", "contact")


def test_every_page_has_the_banner_the_emblem_and_the_footer_links(client):
    for url in ("/", "/auth/login", "/auth/signup", *(f"/{p}" for p in PAGES)):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert 'id="service-banner"' in html and "Official service of Electoral Commission" in html
        assert '<img src="/static/img/emblem.svg" alt="" width="40" height="40"' in html
        for page in PAGES:
            assert f'href="/{page}"' in html, (url, page)
        assert page_of(response).title.endswith(" · ovote · Electoral Commission")


def test_the_language_choice_is_one_button_outside_the_folding_menu(client):
    html = client.get("/").get_data(as_text=True)
    banner = html[html.index('id="service-banner"'):html.index("<header")]
    assert '<button type="submit" name="lang" value="fr" lang="fr"' in banner
    assert 'aria-current="true">English</span>' in banner
    assert "lang" not in html[html.index('id="main-nav"'):html.index("</nav>")].replace("language", "")


def test_a_french_voter_gets_the_banner_in_french(client):
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Service officiel de Electoral Commission" not in html  # the name is the commission's own
    assert "Service officiel — Electoral Commission" in html
    assert '<button type="submit" name="lang" value="en" lang="en"' in html


def test_the_privacy_notice_says_what_why_how_long_and_who(client):
    page = client.get("/privacy").get_data(as_text=True)
    for heading in ("What we keep", "Why we keep it", "How long we keep it", "Who sees it", "Your rights"):
        assert f">{heading}</h2>" in page
    assert "scan or photo of your passport or identity card" in page
    assert "kept for 12 months after it was rejected or withdrawn" in page
    assert "officials of the consulate that serves you" in page
    assert "help@ovote.invalid" in page


def test_the_contact_page_lists_the_open_consulates(client, factory):
    factory.consulate(code="ZZQ", name="Consulate in Quito", city="Quito")
    page = client.get("/contact").get_data(as_text=True)
    assert re.search(r'<ul id="consulate-list">\s*<li>Consulate in Quito \(Quito\)</li>', page)


@pytest.fixture
def commission_app(database_url, tmp_path):
    emblem = tmp_path / "emblem.svg"
    emblem.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
    app = make_app(database_url, COMMISSION_NAME="Comissão Nacional de Eleições",
                   COMMISSION_EMBLEM=str(emblem), CONTACT_PHONE="+351 21 000 0000", RETENTION_MONTHS=1)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_commission_sets_its_name_emblem_contact_and_retention(commission_app):
    client = commission_app.test_client()
    html = client.get("/").get_data(as_text=True)
    assert "Official service of Comissão Nacional de Eleições" in html
    assert '<img src="/emblem"' in html
    emblem = client.get("/emblem")
    assert emblem.status_code == 200 and emblem.data.startswith(b"<svg")
    assert 'href="tel:+351210000000"' in client.get("/contact").get_data(as_text=True)
    assert "kept for 1 month after" in client.get("/privacy").get_data(as_text=True)


def test_without_an_emblem_setting_there_is_no_emblem_route(client):
    assert client.get("/emblem").status_code == 404
