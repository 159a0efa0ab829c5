"""The tally pages in the browser, at phone and desktop widths: the commission's Tally
page (aggregate, follow, publish), a trustee's decryption page (download, upload a file
`ovote trustee decrypt` wrote, a bad file refused naming the trustee), and the record
download once published. Every page is checked with axe-core."""
import copy
import json

import pyotp
from sqlalchemy.orm import sessionmaker

from ovote.accounts.models import Role
from ovote.accounts.totp import sealed_secret
from ovote.crypto import ceremony_decrypt
from ovote.crypto.ceremony_files import dump_document
from ovote.extensions import db
from ovote.runtime import runtime
from tests.conftest import PASSWORD, Factory
from tests.conftest import TestSession as OneConnectionSession
from tests.e2e.conftest import check_accessibility, fits_the_screen
from tests.elections.ceremony_helpers import resign
from tests.tally.helpers import Cycle

SLUG = "e2e-tally"


def prepare(live_server):
    """A closed election made by the real ceremony, with ballots; returns the TOTP
    secrets of a commissioner and of trustees 1 and 2, and the trustees' secrets."""
    app = live_server.app
    with app.app_context():
        connection = db.engine.connect()
    original = db.session
    # One connection for the set-up and the requests it makes (SQLite has one writer).
    db.session = OneConnectionSession(sessionmaker(bind=connection))
    try:
        factory = Factory(app, db.session)
        cycle = Cycle(app, app.test_client(), factory, db.session, slug=SLUG)
        cycle.vote("PAR-S1", 0, {"C1": ["ANA"], "C2": ["YES"]})
        cycle.vote("LON-S1", 0, {"C1": ["BRUNO"], "C2": ["NO"]})
        cycle.close()
        secrets = {}
        cipher = runtime(app).cipher
        commissioner = factory.user(Role.COMMISSIONER, email="commission@e2e-tally.example")
        for name, user in (("commissioner", commissioner), (1, cycle.trustees.users[1]),
                           (2, cycle.trustees.users[2])):
            secrets[name] = pyotp.random_base32()
            user = db.session.merge(user)
            user.totp_secret_enc = sealed_secret(secrets[name], cipher=cipher)
        db.session.commit()
        emails = {1: cycle.trustees.users[1].email, 2: cycle.trustees.users[2].email,
                  "commissioner": commissioner.email}
        return secrets, emails, cycle.trustees.secrets
    finally:
        db.session.really_remove()
        db.session = original
        connection.close()


def log_in(browser, live_server, email, secret, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url,
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/auth/totp")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    return page


def decrypt_in_browser(page, secrets, tmp_path, index, *, tamper=False):
    page.goto(f"/elections/{SLUG}/decryption/")
    assert fits_the_screen(page)
    check_accessibility(page, f"tally-trustee-{index}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download").click()
    request = tmp_path / info.value.suggested_filename
    info.value.save_as(request)
    assert request.name == f"{SLUG}-trustee-{index}-decrypt-request.json"
    document = ceremony_decrypt.decrypt(secrets[index], json.loads(request.read_text()))
    if tamper:
        document = copy.deepcopy(document)
        first = document["body"]["decryptions"][0]["shares"]
        first[0]["proof"], first[1]["proof"] = first[1]["proof"], first[0]["proof"]
        document = resign(secrets[index], document)
    made = tmp_path / f"decryption-{index}.json"
    made.write_bytes(dump_document(document))
    page.set_input_files("#file", str(made))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_load_state()


def test_the_commission_tallies_trustees_decrypt_and_the_record_is_published(
        browser, live_server, tmp_path):
    totp, emails, secrets = prepare(live_server)
    commission = log_in(browser, live_server, emails["commissioner"], totp["commissioner"], 1280)
    commission.goto(f"/commission/elections/{SLUG}/tally")
    check_accessibility(commission, "tally-closed")
    commission.get_by_role("button", name="Aggregate the ballots").click()
    commission.wait_for_load_state()
    assert "The ballots are aggregated" in commission.content()
    check_accessibility(commission, "tally-tallying")

    first = log_in(browser, live_server, emails[1], totp[1], 360)
    decrypt_in_browser(first, secrets, tmp_path, 1, tamper=True)
    assert "The decryption file of trustee 1 is refused" in first.content()
    assert fits_the_screen(first)
    check_accessibility(first, "tally-trustee-refused")
    decrypt_in_browser(first, secrets, tmp_path, 1)
    assert "Your decryption is checked and accepted" in first.content()
    second = log_in(browser, live_server, emails[2], totp[2], 360)
    decrypt_in_browser(second, secrets, tmp_path, 2)
    assert "Your decryption is checked and accepted" in second.content()
    check_accessibility(second, "tally-trustee-done")

    commission.goto(f"/commission/elections/{SLUG}/tally")
    assert "1, 2" in commission.locator("#decrypted").inner_text()
    commission.get_by_role("button", name="Publish the results").click()
    commission.wait_for_load_state()
    assert "The results and the election record are published" in commission.content()
    check_accessibility(commission, "tally-published")
    commission.set_viewport_size({"width": 360, "height": 800})
    assert fits_the_screen(commission)
    check_accessibility(commission, "tally-published")
    with commission.expect_download() as info:
        commission.get_by_role("link", name="Download the election record (zip)").click()
    assert info.value.suggested_filename == f"{SLUG}-record.zip"
