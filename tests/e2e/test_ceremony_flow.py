"""Three trustees make an election's key in the browser with the real `ovote trustee`
command; trustee 1 deals trustee 2 a bad share, trustee 2 complains, and the
complaint is settled by trustee 1's published answer."""
import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pyotp
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from nacl.signing import SigningKey

from ovote.accounts.models import Role
from ovote.accounts.staff import create_staff
from ovote.accounts.totp import sealed_secret
from ovote.crypto.ceremony_files import dump_document, read_document, sign_document
from ovote.crypto.group import Scalar
from ovote.crypto.keyfile import KeyFile
from ovote.crypto.share_encryption import ceremony_public_from_hex, encrypt_share
from ovote.crypto.threshold import Polynomial
from ovote.elections import ceremony
from ovote.elections.models import Election, ElectionState, ElectionTrustee
from ovote.extensions import db
from ovote.runtime import runtime
from tests.e2e.conftest import check_accessibility, fits_the_screen

SLUG = "e2e-ceremony"
PASSWORD = "a long trustee passphrase"
OVOTE = Path(sys.executable).with_name("ovote")


def prepare(live_server):
    secrets = {}
    rt = runtime(live_server.app)
    with live_server.app.app_context():
        election = Election(slug=SLUG, title={"en": "Browser ceremony"}, timezone="UTC",
                            threshold=2, state=ElectionState.CEREMONY)
        for index in (1, 2, 3):
            email = f"trustee{index}@e2e.example"
            user = create_staff(db.session, actor="cli", email=email, role=Role.TRUSTEE,
                                password=PASSWORD, settings=rt.settings, passwords=rt.passwords,
                                cipher=rt.cipher, mailer=rt.mailer)
            secrets[index] = pyotp.random_base32()
            user.totp_secret_enc = sealed_secret(secrets[index], cipher=rt.cipher)
            election.trustees.append(ElectionTrustee(index=index, user=user))
        db.session.add(election)
        db.session.commit()
    return secrets


def log_in(browser, live_server, index, secret):
    context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url,
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto("/auth/login")
    page.get_by_label("E-mail address").fill(f"trustee{index}@e2e.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/auth/totp")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    return page


def download(page, kind, folder):
    page.goto(f"/elections/{SLUG}/ceremony/trustee")
    assert fits_the_screen(page)
    with page.expect_download() as info:
        page.locator(f'a[href$="/files/{kind}.json"]').click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def trustee(folder, *args):
    done = subprocess.run([str(OVOTE), "trustee", *args, "--passphrase-file",
                           str(folder / "passphrase.txt")], capture_output=True, text=True,
                          env={**os.environ, "OVOTE_TRUSTEE_KDF": "minimal"}, timeout=120,
                          cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def upload(page, path):
    page.goto(f"/elections/{SLUG}/ceremony/trustee")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"**/elections/{SLUG}/ceremony/trustee")
    assert "is accepted" in page.content(), page.content()


def step(page, folder, kind, command):
    got = download(page, kind, folder)
    trustee(folder, command, str(got))
    return folder / got.name.replace(f"-{kind}.json", f"-{command}.json")


def deal_a_bad_share(folder, made, dealer, victim):
    """The dealer re-signs its deal file with a share for `victim` off its polynomial."""
    key_file = KeyFile.open(str(folder / f"ovote-{SLUG}-trustee-{dealer}.key"), PASSWORD)
    secrets = key_file.secrets
    document = read_document(made.read_bytes())
    victim_key = secrets["roster"][str(victim)]["encryption_key"]
    wrong = Polynomial.from_dict(secrets["polynomial"]).evaluate(victim) + Scalar.from_int(1)
    body = copy.deepcopy(document["body"])
    body["shares"] = [encrypt_share(
        election_id=SLUG, sender=dealer, recipient=victim, share=wrong,
        sender_key=X25519PrivateKey.from_private_bytes(bytes.fromhex(secrets["encryption_key"])),
        recipient_public=ceremony_public_from_hex(victim_key)).to_dict()
        if s["recipient"] == victim else s for s in body["shares"]]
    forged = sign_document("deal", election=SLUG, attempt=document["attempt"], trustee=dealer,
                           body=body, signing_key=SigningKey(bytes.fromhex(secrets["signing_key"])))
    made.write_bytes(dump_document(forged))


def test_three_trustees_make_the_key_with_one_settled_complaint(browser, live_server, tmp_path):
    totp_secrets = prepare(live_server)
    folders = {}
    for index in (1, 2, 3):
        folders[index] = tmp_path / f"trustee{index}"
        folders[index].mkdir()
        (folders[index] / "passphrase.txt").write_text(PASSWORD)
    pages = {i: log_in(browser, live_server, i, totp_secrets[i]) for i in (1, 2, 3)}

    pages[1].goto(f"/elections/{SLUG}/ceremony/trustee")
    check_accessibility(pages[1], "ceremony-trustee-start")
    for i, page in pages.items():
        made = step(page, folders[i], "invitation", "init")
        upload(page, made)
    check_accessibility(pages[3], "ceremony-trustee-accepted")
    for i, page in pages.items():
        made = step(page, folders[i], "deal-request", "deal")
        if i == 1:
            deal_a_bad_share(folders[i], made, 1, 2)
        upload(page, made)
    for i, page in pages.items():
        upload(page, step(page, folders[i], "receive-request", "receive"))
    complaint = json.loads((folders[2] / f"{SLUG}-trustee-2-receive.json").read_text())
    assert complaint["body"]["complaints"][0]["accused"] == 1

    pages[1].goto(f"/elections/{SLUG}/ceremony/trustee")
    check_accessibility(pages[1], "ceremony-trustee-accused")
    upload(pages[1], step(pages[1], folders[1], "answer-request", "answer"))
    settled = download(pages[2], "settlement", folders[2])
    check_accessibility(pages[2], "ceremony-trustee-settlement")
    assert "Every share dealt to you matches" in trustee(folders[2], "receive", str(settled))
    upload(pages[2], folders[2] / f"{SLUG}-trustee-2-receive.json")

    pages[3].goto(f"/elections/{SLUG}/ceremony/trustee")
    assert "The key ceremony is finished" in pages[3].content()
    check_accessibility(pages[3], "ceremony-trustee-finished")
    with live_server.app.app_context():
        election = db.session.query(Election).filter_by(slug=SLUG).one()
        attempt = ceremony.latest_attempt(db.session, election)
        assert attempt.finished and attempt.culprits == []
        assert [c.verdict.value for c in attempt.complaints] == ["dismissed"]
        db.session.remove()
    for page in pages.values():
        page.context.close()
