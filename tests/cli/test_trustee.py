"""`ovote trustee` run for real: click's runner, and a subprocess of the installed command."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ovote.console import main
from ovote.crypto.ceremony_files import read_document, sign_document
from ovote.crypto.ceremony_checks import public_outcome
from ovote.crypto.ceremony_decrypt import verify_decryption_file
from ovote.crypto.elgamal import ZERO_CIPHERTEXT, Ciphertext, encrypt
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.group import Point, Scalar, small_multiple
from ovote.crypto.keyfile import KeyFile
from ovote.crypto.proofs import SimpleProof
from ovote.crypto.threshold import PartialDecryption, Polynomial, combine
from tests.crypto.ceremony_relay import Relay

PASSPHRASE = "correct horse battery"
OVOTE = Path(sys.executable).with_name("ovote")


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OVOTE_TRUSTEE_KDF", "minimal")
    monkeypatch.setenv("OVOTE_TRUSTEE_PASSPHRASE", PASSPHRASE)
    return tmp_path


def save(path, document):
    Path(path).write_text(json.dumps(document))
    return str(path)


def trustee(*args, expect_ok=True):
    result = CliRunner().invoke(main, ["trustee", *args])
    if expect_ok:
        assert result.exit_code == 0, result.output
    return result


def out_file(relay, i, kind):
    return read_document(Path(f"{relay.election}-trustee-{i}-{kind}.json").read_bytes())


def key_file(relay, i):
    return f"ovote-{relay.election}-trustee-{i}.key"


def resign(relay, i, document):
    secrets = KeyFile.open(key_file(relay, i), PASSPHRASE).secrets
    from nacl.signing import SigningKey
    return sign_document(document["kind"], election=document["election"],
                         attempt=document["attempt"], trustee=document["trustee"],
                         body=document["body"],
                         signing_key=SigningKey(bytes.fromhex(secrets["signing_key"])))


def run_init_and_deal(relay):
    for i in relay.trustees:
        trustee("init", save(f"invitation-{i}.json", relay.invitation(i)))
        relay.upload_init(i, out_file(relay, i, "init"))
    for i in relay.trustees:
        result = trustee("deal", save(f"deal-request-{i}.json", relay.deal_request(i)))
        assert "Next: upload" in result.output


def run_receive(relay, i):
    return trustee("receive", save(f"receive-request-{i}.json", relay.receive_request(i)))


def test_a_whole_2_of_3_ceremony_and_a_decryption_that_verifies(folder):
    relay = Relay()
    run_init_and_deal(relay)
    for i in relay.trustees:
        relay.upload_deal(i, out_file(relay, i, "deal"))
    for i in relay.trustees:
        assert "Every share dealt to you matches" in run_receive(relay, i).output
        assert relay.upload_receive(i, out_file(relay, i, "receive"))[0] == "accepted"
    assert oct(os.stat(key_file(relay, 1)).st_mode & 0o777) == "0o600"
    assert "accepted your share" in trustee("status", "--key-file", key_file(relay, 2)).output

    outcome = public_outcome(relay.commitments)
    key = Point.from_hex(outcome["joint_key"])
    manifest = {"slug": relay.election, "contests": [
        {"id": "mayor", "options": [{"id": "x"}, {"id": "y"}, {"id": "z"}]}]}
    definition = election_definition(manifest=manifest, threshold=2, receipt_key=bytes(32),
                                     trustees=relay.commitments.values(), joint_key=key, units=[])
    votes = [encrypt(key, 1)[0] + encrypt(key, 1)[0], encrypt(key, 0)[0], ZERO_CIPHERTEXT]
    tally = [{"contest": "mayor", "group": "PAR", "units": ["PAR-1"], "counted": 2,
              "sums": [v.to_dict() for v in votes]}]
    for j in (2, 3):
        result = trustee("decrypt", save(f"tally-{j}.json", relay.decrypt_request(j, definition, tally)))
        assert "1 group total(s)" in result.output
    fingerprint = election_fingerprint(definition)
    files = {j: out_file(relay, j, "decryption") for j in (2, 3)}
    for j, document in files.items():
        verify_decryption_file(document, election=relay.election, attempt=1, trustee=j,
                               roster=relay.roster, fingerprint=fingerprint, tally=tally,
                               verification_keys=relay.verification_keys)
    for position, expected in enumerate([2, 0, 0]):
        partials = []
        for j, document in files.items():
            share = document["body"]["decryptions"][0]["shares"][position]
            partials.append(PartialDecryption(j, Point.from_hex(share["D"], allow_identity=True),
                                              SimpleProof.from_dict(share["proof"])))
        total = Ciphertext.from_dict(tally[0]["sums"][position], allow_identity=True)
        assert combine(total, partials) == small_multiple(expected)


def cheat(relay, dealer, victim):
    """`dealer` re-signs its deal file with a share for `victim` off its polynomial."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from ovote.crypto.share_encryption import ceremony_public_from_hex, encrypt_share
    secrets = KeyFile.open(key_file(relay, dealer), PASSPHRASE).secrets
    wrong = Polynomial.from_dict(secrets["polynomial"]).evaluate(victim) + Scalar.from_int(7)
    document = copy.deepcopy(out_file(relay, dealer, "deal"))
    document["body"]["shares"] = [
        encrypt_share(election_id=relay.election, sender=dealer, recipient=victim, share=wrong,
                      sender_key=X25519PrivateKey.from_private_bytes(
                          bytes.fromhex(secrets["encryption_key"])),
                      recipient_public=ceremony_public_from_hex(
                          relay.roster[victim]["encryption_key"])).to_dict()
        if s["recipient"] == victim else s for s in document["body"]["shares"]]
    return resign(relay, dealer, document), wrong


def test_a_cheating_dealer_is_named(folder):
    relay = Relay()
    run_init_and_deal(relay)
    forged, wrong = cheat(relay, 1, 2)
    for i in relay.trustees:
        relay.upload_deal(i, forged if i == 1 else out_file(relay, i, "deal"))
    result = run_receive(relay, 2)
    assert "The share from trustee 1 does not match its commitments" in result.output
    relay.upload_receive(2, out_file(relay, 2, "receive"))
    trustee("answer", save("answer-request-1.json", relay.answer_request(1)))
    answer = out_file(relay, 1, "answer")
    answer["body"]["answers"][0]["share"] = wrong.hex()  # it sticks to its lie
    [verdict] = relay.upload_answer(1, resign(relay, 1, answer))
    assert verdict.upheld and verdict.culprit == 1
    refused = trustee("receive", save("settlement-2.json", relay.settlement(2)), expect_ok=False)
    assert refused.exit_code == 1
    assert "does not settle your complaint" in refused.output and "bad_share" in refused.output


def test_a_false_accuser_is_not_believed(folder):
    relay = Relay()
    run_init_and_deal(relay)
    for i in relay.trustees:
        relay.upload_deal(i, out_file(relay, i, "deal"))
    run_receive(relay, 3)
    lie = copy.deepcopy(out_file(relay, 3, "receive"))
    lie["body"] = {"accepted": False, "verification_key": None, "complaints": [
        {"election": relay.election, "accuser": 3, "accused": 2, "reason": "bad_share"}]}
    relay.upload_receive(3, resign(relay, 3, lie))
    result = trustee("answer", save("answer-request-2.json", relay.answer_request(2)))
    assert "Trustee(s) 3 complained" in result.output
    [verdict] = relay.upload_answer(2, out_file(relay, 2, "answer"))
    assert not verdict.upheld and verdict.culprit is None


def test_a_complaint_settled_by_the_published_share(folder):
    relay = Relay()
    run_init_and_deal(relay)
    forged, _ = cheat(relay, 1, 3)
    for i in relay.trustees:
        relay.upload_deal(i, forged if i == 1 else out_file(relay, i, "deal"))
    run_receive(relay, 3)
    relay.upload_receive(3, out_file(relay, 3, "receive"))
    trustee("answer", save("answer-request-1.json", relay.answer_request(1)))
    [verdict] = relay.upload_answer(1, out_file(relay, 1, "answer"))
    assert not verdict.upheld
    assert "Every share dealt to you matches" in trustee(
        "receive", save("settlement-3.json", relay.settlement(3))).output
    assert relay.upload_receive(3, out_file(relay, 3, "receive"))[0] == "accepted"


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(election="other"), "This file is for trustee 1 of election 'other'"),
    (lambda d: d.update(trustee=2), "This file is for trustee 2"),
    (lambda d: d.update(attempt=0), "belongs to an earlier start of the ceremony"),
    (lambda d: d.update(kind="invitation"), "this step needs everyone's ceremony keys"),
    (lambda d: d["body"].update(threshold=1), "The signature of this file is not the election server's"),
])
def test_a_wrong_file_is_refused_and_the_key_file_is_unchanged(folder, change, message):
    relay = Relay()
    trustee("init", save("invitation.json", relay.invitation(1)))
    relay.upload_init(1, out_file(relay, 1, "init"))
    before = Path(key_file(relay, 1)).read_bytes()
    request = relay.deal_request(1)
    change(request)
    if request["trustee"] == 2 or request["election"] == "other":
        extra = ["--key-file", key_file(relay, 1)]
    else:
        extra = []
    result = trustee("deal", save("deal-request.json", request), *extra, expect_ok=False)
    assert result.exit_code == 1 and message in result.output, result.output
    assert Path(key_file(relay, 1)).read_bytes() == before
    assert not Path(f"{relay.election}-trustee-1-deal.json").exists()


def test_a_wrong_passphrase_and_an_existing_key_file_are_refused(folder, monkeypatch):
    relay = Relay()
    trustee("init", save("invitation.json", relay.invitation(1)))
    again = trustee("init", "invitation.json", expect_ok=False)
    assert "There is already a key file" in again.output
    monkeypatch.setenv("OVOTE_TRUSTEE_PASSPHRASE", "not the passphrase")
    relay.upload_init(1, out_file(relay, 1, "init"))
    wrong = trustee("deal", save("deal-request.json", relay.deal_request(1)), expect_ok=False)
    assert "The passphrase is wrong" in wrong.output


def test_the_installed_command_builds_no_app_and_runs_a_step(folder):
    relay = Relay()
    save("invitation.json", relay.invitation(1))
    Path("passphrase.txt").write_text(PASSPHRASE + "\n")
    env = {**os.environ, "OVOTE_TRUSTEE_PASSPHRASE": ""}
    done = subprocess.run([str(OVOTE), "trustee", "init", "invitation.json",
                           "--passphrase-file", "passphrase.txt"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "You are trustee 1 of election demo-2026 (2 of 3" in done.stdout
    relay.upload_init(1, out_file(relay, 1, "init"))
    probe = ("import sys\nfrom ovote.console import main\n"
             "try:\n    main(['trustee', 'status', '--key-file', sys.argv[1]])\n"
             "except SystemExit as exit:\n    assert exit.code == 0, exit.code\n"
             "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy'))\n"
             "print('LOADED', loaded)\n")
    done = subprocess.run([sys.executable, "-c", probe, key_file(relay, 1)], capture_output=True,
                          text=True, env={**os.environ}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "you have made your ceremony keys" in done.stdout
    assert "LOADED []" in done.stdout
