"""`ovote vote` against a live server over HTTPS with a self-signed certificate."""
import datetime
import ipaddress
import json
import os
import stat
import threading

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

from ovote.console import main
from ovote.extensions import db
from tests.conftest import PASSWORD, Factory, make_app
from tests.databases import fresh_database, upgrade_to_head
from tests.voting.helpers import open_election, verified_voter


def _certificate(folder):
    """A self-signed certificate for 127.0.0.1, made here (it is its own CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ovote test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    app = make_app(fresh_database("live", folder), SERVER_NAME=None)
    upgrade_to_head(app)
    with app.app_context():
        session = db.session()
        setup = open_election(app, session, Factory(app, session), slug="live")
        voters = [verified_voter(app, session, setup).email for _ in range(2)]
        db.session.remove()
    cert_file, key_file = _certificate(folder)
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=(str(cert_file), str(key_file)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"https://127.0.0.1:{server.server_port}", "ca": str(cert_file), "voters": voters,
           "app": app, "folder": folder}
    server.shutdown()
    thread.join(10)
    with app.app_context():
        db.engine.dispose()


def _board(live):
    client = live["app"].test_client()
    return client.get("/api/v1/elections/live/board").get_json()["entries"]


def test_vote_revote_and_check_over_https(live):
    kit = live["folder"] / "kit.json"
    runner = CliRunner()
    first = runner.invoke(main, ["vote", "--server", live["url"], "--election", "live",
                                 "--email", live["voters"][0], "--kit", str(kit), "--ca", live["ca"],
                                 "--choices", "PRESIDENT=BEN", "--choices", "REFERENDUM=YES"],
                          input=f"{PASSWORD}\n")
    assert first.exit_code == 0, first.output
    assert "Ballot token received (unit PAR-S1)" in first.output
    assert "Ballot accepted: number 1 on the board" in first.output
    assert stat.S_IMODE(os.stat(kit).st_mode) == 0o600
    saved = json.loads(kit.read_text())
    assert len(saved["receipts"]) == 1 and saved["token"] and saved["pending_ballot"] is None
    # Another session, from the kit alone: no login, a revote.
    again = runner.invoke(main, ["vote", "--kit", str(kit), "--ca", live["ca"],
                                 "--choices", "PRESIDENT=ANA;REFERENDUM="])
    assert again.exit_code == 0, again.output
    assert "Password" not in again.output and "number 2 on the board" in again.output
    assert [(e["seq"], e["superseded"]) for e in _board(live)][:2] == [(1, True), (2, False)]
    check = runner.invoke(main, ["vote", "check", str(kit), "--ca", live["ca"]])
    assert check.exit_code == 0, check.output
    assert "number 1 (superseded by a later ballot)" in check.output
    assert "number 2 (counted)" in check.output
    receipt = live["folder"] / "receipt.json"
    receipt.write_text(json.dumps(saved["receipts"][0]))
    single = runner.invoke(main, ["vote", "check", str(receipt), "--server", live["url"],
                                  "--election", "live", "--ca", live["ca"]])
    assert single.exit_code == 0 and "OK:" in single.output


def test_interactive_choices_and_a_server_not_trusted(live):
    runner = CliRunner()
    kit = live["folder"] / "kit2.json"
    untrusted = runner.invoke(main, ["vote", "--server", live["url"], "--election", "live",
                                     "--kit", str(kit)])
    assert untrusted.exit_code == 1 and "unreachable" in untrusted.output
    assert "Traceback" not in untrusted.output and not kit.exists()
    # A wrong number first, then valid answers, contest by contest.
    answers = f"{live['voters'][1]}\n{PASSWORD}\n7\n3\n\n"
    result = runner.invoke(main, ["vote", "--server", live["url"], "--election", "live",
                                  "--kit", str(kit), "--ca", live["ca"]], input=answers)
    assert result.exit_code == 0, result.output
    assert "Cleo Costa" in result.output and "Not a valid choice" in result.output
    assert "Ballot accepted" in result.output
