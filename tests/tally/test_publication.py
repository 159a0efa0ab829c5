"""Publishing the results, the results API, the record export and its download, and
`ovote verify` on the exported record (publication.json included)."""
import json
import re
import zipfile

import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.crypto import ceremony_decrypt
from ovote.elections.models import ElectionState
from ovote.record.files import FILE_NAMES, PUBLICATION
from ovote.record.verify import verify_record
from ovote.tally import aggregation
from tests.conftest import log_in
from tests.tally.helpers import Cycle


@pytest.fixture
def tallied(app, client, factory, db_session):
    cycle = Cycle(app, client, factory, db_session, slug="pub-2026")
    cycle.vote("PAR-S1", 0, {"C1": ["ANA"], "C2": ["YES"]})
    cycle.vote("LON-S1", 0, {"C1": ["BRUNO"], "C2": ["NO"]})
    cycle.vote("LON-S1", 1, {"C1": [], "C2": ["NO"]})
    cycle.close()
    aggregation.aggregate(db_session, cycle.election, actor="test")
    db_session.commit()
    for index in (2, 3):
        cycle.upload_decryption(index, ceremony_decrypt.decrypt(cycle.trustees.secrets[index],
                                                                cycle.download_request(index)))
    db_session.refresh(cycle.election)
    assert cycle.election.state is ElectionState.TALLIED
    return cycle


def _csrf(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_the_results_are_public_only_once_published(tallied, app, client, factory, db_session):
    url = "/api/v1/elections/pub-2026/results"
    answer = app.test_client().get(url)
    assert (answer.status_code, answer.get_json()["error"]) == (409, "results_not_published")
    assert app.test_client().get("/elections/pub-2026/record.zip").status_code == 404
    assert app.test_client().get("/api/v1/elections/nowhere/results").get_json()["error"] == \
        "unknown_election"

    log_in(app, client, factory.user(Role.COMMISSIONER))
    page = "/commission/elections/pub-2026/tally"
    assert "Publish the results" in client.get(page).get_data(as_text=True)
    token = _csrf(client, page)
    response = client.post(page + "/publish", data={"csrf_token": token})
    assert response.status_code == 303
    db_session.refresh(tallied.election)
    assert tallied.election.state is ElectionState.PUBLISHED
    assert db_session.query(AuditEvent).filter_by(action="election.tally.publish").count() == 1

    body = app.test_client().get(url).get_json()
    assert body["slug"] == "pub-2026" and body["fingerprint"] == tallied.election.fingerprint
    c1, c2 = body["results"]
    assert c1 == {"contest": "C1", "groups": [{"group": "LON", "counted": 2, "counts": [0, 1, 0]},
                                              {"group": "PAR", "counted": 1, "counts": [1, 0, 0]}],
                  "in_person": [], "national": [1, 1, 0]}
    assert c2["national"] == [1, 2]
    # Publishing twice is refused.
    again = client.post(page + "/publish", data={"csrf_token": token})
    assert again.status_code == 409
    assert "The results of this election are already published." in again.get_data(as_text=True)


def test_the_exported_record_verifies_and_a_tamper_fails(tallied, app, db_session, tmp_path):
    folder = tmp_path / "record"
    result = app.test_cli_runner().invoke(args=["record", "export", "pub-2026", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILE_NAMES + (PUBLICATION,))
    report = verify_record(folder, jobs=1)
    assert report.ok, report.to_text()
    assert report.ignored_files == []
    assert dict(report.passed)["publication"].startswith("in_person.json and results.json are signed")

    # A changed count, with results.json consistent with nothing else: "results" fails.
    results = json.loads((folder / "results.json").read_text())
    results[0]["groups"][0]["counts"][1] += 1
    (folder / "results.json").write_text(json.dumps(results))
    report = verify_record(folder, jobs=1)
    assert report.failed[0] == "results" and report.exit_code == 29


def _add_paper_votes(folder):
    """In-person returns added to in_person.json, and results.json made to agree: every
    check of DESIGN.md §8 passes, since nothing else vouches for paper counts."""
    in_person = [{"consulate": "PAR", "contest": "C1", "counts": [50, 0, 0], "entered_by": 1,
                  "confirmed_by": 2}]
    (folder / "in_person.json").write_text(json.dumps(in_person))
    results = json.loads((folder / "results.json").read_text())
    results[0]["in_person"] = [{"consulate": "PAR", "counts": [50, 0, 0]}]
    results[0]["national"] = [a + b for a, b in zip(results[0]["national"], [50, 0, 0])]
    (folder / "results.json").write_text(json.dumps(results))


def test_publication_json_binds_in_person_and_results(tallied, app, tmp_path):
    folder = tmp_path / "record"
    assert app.test_cli_runner().invoke(args=["record", "export", "pub-2026", str(folder)]).exit_code == 0
    _add_paper_votes(folder)
    report = verify_record(folder, jobs=1)
    assert report.failed[0] == "publication" and report.exit_code == 30, report.to_text()
    assert "in_person.json is not the one the commission signed" in report.failed[1]
    # Without publication.json the same forgery passes every §8 check, and the report says
    # that nothing signs those files.
    (folder / PUBLICATION).unlink()
    report = verify_record(folder, jobs=1)
    assert report.ok
    assert dict(report.passed)["publication"] == ("no publication.json: in_person.json and "
                                                  "results.json are signed by no one")


def test_a_forged_publication_signature_fails(tallied, app, tmp_path):
    folder = tmp_path / "record"
    assert app.test_cli_runner().invoke(args=["record", "export", "pub-2026", str(folder)]).exit_code == 0
    publication = json.loads((folder / PUBLICATION).read_text())
    publication["results_sha256"] = publication["in_person_sha256"]
    (folder / PUBLICATION).write_text(json.dumps(publication))
    report = verify_record(folder, jobs=1)
    assert report.failed[0] == "publication" and report.exit_code == 30
    assert "signature does not verify" in report.failed[1]


def test_the_record_zip_is_served_once_published(tallied, app, client, factory, db_session, tmp_path):
    from ovote.tally import publishing

    publishing.publish(db_session, tallied.election, actor="test")
    db_session.commit()
    response = app.test_client().get("/elections/pub-2026/record.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    path = tmp_path / "download.zip"
    path.write_bytes(response.data)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == sorted(FILE_NAMES + (PUBLICATION,))
    report = verify_record(path, jobs=1)
    assert report.ok, report.to_text()
    # The same bytes the second time (written once).
    assert app.test_client().get("/elections/pub-2026/record.zip").data == response.data
