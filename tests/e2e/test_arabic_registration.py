"""A voter registers in Arabic on a phone: every page is right to left, has no English
left on it, and passes axe-core at 360 px and at 1280 px.

The labels the test looks for are read from the Arabic catalogue itself, so the test
finds the fields the way an Arabic reader does (by their Arabic names)."""
import gettext
import io
import re
from datetime import date
from pathlib import Path

from PIL import Image
from playwright.sync_api import expect

from ovote.consulates.services import create_consulate, create_constituency
from ovote.extensions import db
from ovote.registration.matching import document_index
from ovote.registration.personal import seal
from ovote.registration.registry_models import Citizenship, RegistryEntry
from ovote.runtime import runtime
from tests.e2e.conftest import check_accessibility, fits_the_screen
from tests.registration.conftest import passport_mrz

TRANSLATIONS = Path(__file__).resolve().parents[2] / "ovote" / "translations"
AR = gettext.translation("messages", TRANSLATIONS, languages=["ar"]).gettext

PASSWORD = "a long voter passphrase"
VOTER = "layla@example.org"
CONSULATE_AR = "القنصلية العامة في القاهرة"
CONSTITUENCY_AR = "دائرة الوادي"
#: what the voter types: data, not interface text
TYPED = {"Mansour", "Layla", "Alexandria", "LM7654321", "layla@example.org", "Zamalek", "Cairo",
         "Street", "Nile"}
#: Latin words that are not English: the service's name, file formats, the constituency's
#: code, the reference number's prefix (OV-000001) and the passport strip of the hint's
#: example (P<UTOERIKSSON<<ANNA<MARIA, as printed on passports)
NOT_ENGLISH = {"ovote", "JPEG", "PNG", "PDF", "VALLEY", "OV", "P", "UTOERIKSSON", "ANNA", "MARIA"}


def prepare(live_server):
    """A consulate serving Egypt and a constituency, both named in Arabic by the commission,
    and the voter's civil-registry row."""
    rt = runtime(live_server.app)
    with live_server.app.app_context():
        create_consulate(db.session, actor="cli", code="CAI", name="Consulate General in Cairo",
                         city="القاهرة", host_country="EG", timezone="Africa/Cairo", served=["EG"],
                         names={"ar": CONSULATE_AR, "fr": "Consulat général au Caire"},
                         settings=rt.settings)
        constituency = create_constituency(db.session, actor="cli", code="VALLEY", name="Valley",
                                           names={"ar": CONSTITUENCY_AR}, settings=rt.settings)
        entry = RegistryEntry(document_index=document_index("LM7654321", cipher=rt.cipher),
                              birth_date=date(1990, 3, 27), citizenship=Citizenship.CITIZEN,
                              disqualified=False, constituency=constituency)
        seal(entry, "document_number_enc", "LM7654321", cipher=rt.cipher)
        seal(entry, "surname_enc", "Mansour", cipher=rt.cipher)
        seal(entry, "given_names_enc", "Layla", cipher=rt.cipher)
        db.session.add(entry)
        db.session.commit()
        return rt.settings.commission_name


def english_left(page, allowed):
    """Latin-script words shown on the page that are neither data nor allowed: English
    the catalogue does not cover. Text marked as another language (the selector's
    "English" and "Français"), e-mail addresses and <code> are left out."""
    shown = page.evaluate("""() => {
        const skip = el => el.closest('[lang]:not([lang="ar"]), code, script, style, [hidden]');
        const parts = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (!skip(node.parentElement)) parts.push(node.textContent);
        }
        for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
            if (!skip(el)) parts.push(el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '',
                                      el.getAttribute('title') || '', el.getAttribute('alt') || '');
        }
        parts.push(document.title);
        return parts.join(' ');
    }""")
    shown = re.sub(r"\S+@\S+", " ", shown)
    return sorted({word for word in re.findall(r"[A-Za-z]+", shown) if word not in allowed})


def look(page, name, allowed):
    """Every page of the walk: Arabic, right to left, no English left, fits a phone, and
    passes axe-core at 360 px and 1280 px (screenshots of both kept with OVOTE_SCREENSHOTS)."""
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("dir") == "rtl", name
    assert page.locator("html").get_attribute("lang") == "ar", name
    assert page.locator('link[href*="bootstrap.rtl.min.css"]').count() == 1, name
    assert english_left(page, allowed) == [], f"English left on {name} ({page.url})"
    assert fits_the_screen(page), f"{name} is wider than the screen"
    check_accessibility(page, f"ar-{name}")
    page.set_viewport_size({"width": 1280, "height": 900})
    check_accessibility(page, f"ar-{name}")
    page.set_viewport_size({"width": 360, "height": 780})


def continue_(page):
    page.get_by_role("button", name=AR("Save and continue")).click()


def test_a_voter_registers_in_arabic(browser_page, live_server):
    commission = prepare(live_server)
    allowed = NOT_ENGLISH | set(re.findall(r"[A-Za-z]+", " ".join(TYPED) + " " + commission))
    page = browser_page

    page.goto("/?lang=ar")
    look(page, "01-home", allowed)
    page.get_by_role("link", name=AR("Create an account")).first.click()
    page.get_by_label(AR("E-mail address")).fill(VOTER)
    page.get_by_label(AR("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(AR("Repeat the password")).fill(PASSWORD)
    look(page, "02-signup", allowed)
    page.get_by_role("button", name=AR("Create my account")).click()
    expect(page.locator("#check-mail")).to_be_visible()
    look(page, "03-check-mail", allowed)
    mail = live_server.mails_to(VOTER)[-1]
    assert mail["Content-Language"] == "ar"  # the mail follows the language the voter works in
    page.goto(live_server.link_in_last_mail(VOTER, "/auth/confirm/"))
    look(page, "04-login", allowed)
    page.get_by_label(AR("E-mail address")).fill(VOTER)
    page.get_by_label(AR("Password")).fill(PASSWORD)
    page.get_by_role("button", name=AR("Log in")).click()
    page.wait_for_url("**/account")
    look(page, "05-account", allowed)

    page.get_by_role("link", name=AR("Start, continue or follow my application")).click()
    page.wait_for_url("**/register/")
    look(page, "06-start", allowed)
    page.get_by_role("button", name=AR("Start my application")).click()

    continue_(page)  # nothing filled in: the error summary, in Arabic, right to left
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.title().startswith(AR("Error:"))
    expect(summary).to_contain_text(AR("Enter your family name"))
    look(page, "07-identity-refused", allowed)
    page.get_by_label(AR("Family name(s)")).fill("Mansour")
    page.get_by_label(AR("Given name(s)")).fill("Layla")
    birth = page.get_by_role("group", name=AR("Date of birth"))
    birth.get_by_label(AR("Day")).fill("27")
    birth.get_by_label(AR("Month")).fill("3")
    birth.get_by_label(AR("Year")).fill("1990")
    page.get_by_label(AR("Place of birth")).fill("Alexandria")
    look(page, "07-identity", allowed)
    continue_(page)

    page.get_by_role("group", name=AR("Do you have a valid passport or national identity card?")).get_by_label(
        AR("Yes")).check()
    look(page, "07b-document-choice", allowed)
    continue_(page)

    page.get_by_label(AR("Passport number")).fill("LM7654321")
    passport_state = page.get_by_label(AR("Passport issued by"))
    passport_state.select_option("EG")
    assert passport_state.locator("option:checked").inner_text() == "مصر"
    expiry = page.get_by_role("group", name=AR("Passport valid until"))
    expiry.get_by_label(AR("Day")).fill("1")
    expiry.get_by_label(AR("Month")).fill("5")
    expiry.get_by_label(AR("Year")).fill("2033")
    page.get_by_label(AR("Machine-readable zone (optional)")).fill(
        passport_mrz(surname="Mansour", given_names="Layla", number="LM7654321", state="EGY",
                     birth="900327", expiry="330501"))
    look(page, "08-documents", allowed)
    continue_(page)

    country = page.get_by_label(AR("Country where you live"))
    names = country.locator("option").all_inner_texts()[1:]
    assert names[:3] == ["آيزل أف مان", "آيسلندا", "أذربيجان"]  # the Arabic alphabet's order
    country.select_option("EG")
    page.get_by_label(AR("Address")).fill("12 Nile Street\nZamalek, Cairo")
    page.get_by_label(AR("Phone number")).fill("010 1234 5678")
    look(page, "09-residence", allowed)
    continue_(page)

    expect(page.locator("#consulate-served")).to_contain_text(CONSULATE_AR)  # its Arabic name
    look(page, "10-consulate", allowed)
    continue_(page)

    page.get_by_label(AR("Home constituency")).select_option(label=f"{CONSTITUENCY_AR} (VALLEY)")
    look(page, "11-constituency", allowed)
    continue_(page)
    page.get_by_role("group", name=AR("How would you like to vote?")).get_by_label(AR("Online")).check()
    look(page, "11-voting", allowed)
    continue_(page)

    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (40, 90, 160)).save(buffer, format="JPEG")
    page.get_by_label(AR("Scan or photo of your passport or identity card")).set_input_files(
        files=[{"name": "passport.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}])
    look(page, "12-upload", allowed)
    continue_(page)

    page.wait_for_url("**/register/review")
    review = page.locator("main").inner_text()
    assert "27 مارس 1990" in review and CONSULATE_AR in review and CONSTITUENCY_AR in review
    page.get_by_label(AR("I declare that this information is true and complete.")).check()
    look(page, "13-review", allowed)
    page.get_by_role("button", name=AR("Submit my application")).click()
    page.wait_for_url("**/register/")
    expect(page.locator("#application-state")).to_have_text(AR("Submitted"))
    look(page, "14-status", allowed)
    assert live_server.mails_to(VOTER)[-1]["Content-Language"] == "ar"
    # the one refused submit answered 422 on purpose; nothing else may go wrong in the page
    assert [e for e in page.console_errors if "422" not in e] == []
