"""The whole cycle of a real election, with the commands each party runs:

trustees run `ovote trustee init/deal/receive` on the files their pages give them
(the key ceremony), the election is frozen and opened; voters run `ovote vote` (one
votes again); voting closes; the commission runs `ovote tally aggregate`; k trustees
run `ovote trustee decrypt` on the file their page gives and upload the result; the
commission publishes and runs `ovote record export`; an observer runs `ovote verify`.
"""
import json

import httpx
import pytest
from click.testing import CliRunner

from ovote.console import main
from ovote.crypto.ceremony_files import dump_document
from ovote.elections import ceremony_link, freezing, timeline
from ovote.elections.models import ElectionState
from ovote.runtime import runtime
from tests.conftest import PASSWORD
from tests.elections.ceremony_helpers import Trustees
from tests.elections.factories import PooledUnitKeys, build_election
from tests.tally.helpers import first_submitted_in_time, upload_decryption_file

PASSPHRASE = "trustee passphrase for the test"
SLUG = "cycle-2026"


@pytest.fixture
def on_the_test_app(app, monkeypatch):
    """`ovote vote` talks HTTP to the app in this process (httpx's WSGI transport)."""
    from ovote.voteclient import api

    real = httpx.Client

    def client(**kwargs):
        kwargs.pop("verify", None)
        return real(transport=httpx.WSGITransport(app=app), **kwargs)

    monkeypatch.setattr(api.httpx, "Client", client)


def trustee(*args):
    result = CliRunner().invoke(main, ["trustee", *args])
    assert result.exit_code == 0, result.output
    return result.output


def run_step(trustees, index, kind, command, folder):
    """Trustee `index` downloads `kind`, runs `ovote trustee COMMAND` on it, uploads."""
    downloaded = folder / f"{SLUG}-trustee-{index}-{kind}.json"
    downloaded.write_bytes(dump_document(trustees.download(index, kind)))
    out = folder / f"out-{index}-{command}.json"
    key_file = folder / f"trustee-{index}.key"
    trustee(command, str(downloaded), "--key-file", str(key_file), "--out", str(out))
    trustees.upload(index, out.read_bytes())


def vote(email, kit, choices):
    args = ["vote", "--server", "http://ovote.test", "--election", SLUG, "--kit", str(kit)]
    if email:
        args += ["--email", email]
    for choice in choices:
        args += ["--choices", choice]
    result = CliRunner().invoke(main, args, input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Receipt signature verified" in result.output
    return result.output


def test_register_vote_close_tally_decrypt_publish_export_verify(
        app, client, factory, db_session, tmp_path, monkeypatch, on_the_test_app):
    monkeypatch.setenv("OVOTE_TRUSTEE_KDF", "minimal")
    monkeypatch.setenv("OVOTE_TRUSTEE_PASSPHRASE", PASSPHRASE)
    cipher = runtime(app).cipher
    built = build_election(factory, state="ceremony", slug=SLUG, consulates=("PAR", "LON"),
                           voters_per_unit=2, min_unit_ballots=1, k=2, n=3)
    trustees = Trustees(app, client, built.election)

    # The key ceremony, each trustee with `ovote trustee` and its own key file.
    for command, kind in (("init", "invitation"), ("deal", "deal-request"),
                          ("receive", "receive-request")):
        for index in (1, 2, 3):
            key_file = tmp_path / f"trustee-{index}.key"
            if command == "init":
                downloaded = tmp_path / f"invitation-{index}.json"
                downloaded.write_bytes(dump_document(trustees.download(index, kind)))
                out = tmp_path / f"out-{index}-init.json"
                trustee("init", str(downloaded), "--key-file", str(key_file), "--out", str(out))
                trustees.upload(index, out.read_bytes())
            else:
                run_step(trustees, index, kind, command, tmp_path)
    election = freezing.freeze(db_session, built.election, actor="test", cipher=cipher,
                               ceremony=ceremony_link.ceremony_outcome(db_session, built.election),
                               make_keys=PooledUnitKeys())
    timeline.open_election(db_session, election, actor="test")
    first_submitted_in_time(db_session, election)
    db_session.commit()

    # Voters vote with `ovote vote`; PAR's first voter changes their mind.
    par, lon = built.voters["PAR-S1"], built.voters["LON-S1"]
    vote(par[0].email, tmp_path / "kit-par-0.json", ["C1=ANA", "C2=YES"])
    vote(par[1].email, tmp_path / "kit-par-1.json", ["C1=ANA", "C2=NO"])
    vote(lon[0].email, tmp_path / "kit-lon-0.json", ["C1=CARLA", "C2=YES"])
    revote = vote(None, tmp_path / "kit-par-0.json", ["C1=BRUNO", "C2=NO"])
    assert "Ballot accepted: number 4 on the board" in revote

    timeline.close_election(db_session, election, actor="test", cipher=cipher)
    db_session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["tally", "aggregate", SLUG, "--jobs", "2"])
    assert result.exit_code == 0, result.output

    # Trustees 1 and 3 decrypt with `ovote trustee decrypt` (2 of 3 are enough).
    for index in (1, 3):
        trustees.login(index)
        response = client.get(f"/elections/{SLUG}/decryption/decrypt-request.json")
        assert response.status_code == 200
        downloaded = tmp_path / f"{SLUG}-trustee-{index}-decrypt-request.json"
        downloaded.write_bytes(response.data)
        out = tmp_path / f"decryption-{index}.json"
        output = trustee("decrypt", str(downloaded), "--key-file",
                         str(tmp_path / f"trustee-{index}.key"), "--out", str(out))
        assert "Next: upload" in output
        upload_decryption_file(app, client, trustees, SLUG, index, out.read_bytes())
    db_session.refresh(election)
    assert election.state is ElectionState.TALLIED

    assert runner.invoke(args=["tally", "publish", SLUG]).exit_code == 0
    record = tmp_path / "record"
    result = runner.invoke(args=["record", "export", SLUG, str(record)])
    assert result.exit_code == 0, result.output

    observer = CliRunner().invoke(main, ["verify", str(record), "--json", "--jobs", "2",
                                         "--no-progress"])
    assert observer.exit_code == 0, observer.output
    report = json.loads(observer.output)
    assert report["ok"] and report["stats"]["counted"] == 3 and report["stats"]["ballots"] == 4
    results = json.loads((record / "results.json").read_text())
    assert [r["national"] for r in results] == [[1, 1, 1], [1, 2]]
    assert results[0]["groups"] == [{"group": "LON", "counted": 1, "counts": [0, 0, 1]},
                                    {"group": "PAR", "counted": 2, "counts": [1, 1, 0]}]
    published = app.test_client().get(f"/api/v1/elections/{SLUG}/results").get_json()
    assert published["results"] == results

    # A single changed byte that matters (a share's proof) fails, naming the check.
    lines = (record / "decryption.jsonl").read_text().splitlines()
    line = json.loads(lines[0])
    z = line["shares"][0]["proof"]["z"]
    line["shares"][0]["proof"]["z"] = ("1" if z[0] != "1" else "2") + z[1:]
    lines[0] = json.dumps(line)
    (record / "decryption.jsonl").write_text("\n".join(lines) + "\n")
    observer = CliRunner().invoke(main, ["verify", str(record), "--jobs", "1", "--no-progress"])
    assert observer.exit_code == 26, observer.output
    assert "FAIL  decryption_share" in observer.output
