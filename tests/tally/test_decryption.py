"""Trustees download the aggregate file, decrypt it with their key files' secrets and
upload the result; the server checks every proof, refuses a bad file naming the trustee,
and with k trustees computes the results."""
import copy
import json

import pytest

from ovote.crypto import ceremony_decrypt as trustee_side
from ovote.crypto.ceremony_files import dump_document
from ovote.elections.models import ElectionState
from ovote.errors import Refused
from ovote.runtime import runtime
from ovote.tally import aggregation, decryption
from ovote.tally.models import DecryptionShare, ElectionResults
from tests.elections.ceremony_helpers import resign
from tests.tally.helpers import Cycle


@pytest.fixture
def tallying(app, client, factory, db_session):
    cycle = Cycle(app, client, factory, db_session, slug="dec-2026")
    cycle.vote("PAR-S1", 0, {"C1": ["ANA"], "C2": ["YES"]})
    cycle.vote("PAR-S1", 1, {"C1": ["ANA"], "C2": ["NO"]})
    cycle.vote("LON-S1", 0, {"C1": ["CARLA"], "C2": ["YES"]})
    cycle.vote("LON-S1", 1, {"C1": ["CARLA"], "C2": ["YES"]})
    cycle.vote("LON-S1", 1, {"C1": ["BRUNO"], "C2": ["NO"]})
    cycle.close()
    aggregation.aggregate(db_session, cycle.election, actor="test")
    db_session.commit()
    return cycle


def _decryption(cycle, index):
    return trustee_side.decrypt(cycle.trustees.secrets[index], cycle.download_request(index))


def test_the_request_is_what_ovote_trustee_decrypt_takes(tallying):
    request = tallying.download_request(1)
    assert request["kind"] == "decrypt-request" and request["trustee"] == 1
    assert set(request["body"]) == {"definition", "tally"}
    assert request["body"]["definition"] == tallying.definition
    assert sorted((g["contest"], g["group"]) for g in request["body"]["tally"]) == [
        ("C1", "LON"), ("C1", "PAR"), ("C2", "LON"), ("C2", "PAR")]


def test_k_good_decryptions_give_the_results(tallying, db_session):
    tallying.upload_decryption(3, _decryption(tallying, 3))
    db_session.refresh(tallying.election)
    assert tallying.election.state is ElectionState.TALLYING
    assert decryption.decrypted_trustees(db_session, tallying.election) == [3]
    tallying.upload_decryption(1, _decryption(tallying, 1))
    db_session.refresh(tallying.election)
    assert tallying.election.state is ElectionState.TALLIED
    results = json.loads(db_session.query(ElectionResults).one().document)
    assert results == [
        {"contest": "C1", "groups": [{"group": "LON", "counted": 2, "counts": [0, 1, 1]},
                                     {"group": "PAR", "counted": 2, "counts": [2, 0, 0]}],
         "in_person": [], "national": [2, 1, 1]},
        {"contest": "C2", "groups": [{"group": "LON", "counted": 2, "counts": [1, 1]},
                                     {"group": "PAR", "counted": 2, "counts": [1, 1]}],
         "in_person": [], "national": [2, 2]},
    ]
    # A trustee's page says there is nothing left to decrypt.
    tallying.trustees.login(2)
    page = tallying.client.get(f"/elections/{tallying.slug}/decryption/")
    assert "There is nothing to decrypt now" in page.get_data(as_text=True)


def test_a_bad_proof_is_refused_naming_the_trustee_and_nothing_is_kept(tallying, db_session):
    good = _decryption(tallying, 2)
    bad = copy.deepcopy(good)
    share = bad["body"]["decryptions"][0]["shares"][0]
    share["proof"]["z"] = good["body"]["decryptions"][1]["shares"][0]["proof"]["z"]
    response = tallying.upload_decryption(2, resign(tallying.trustees.secrets[2], bad), expect=422)
    text = response.get_data(as_text=True)
    assert "The decryption file of trustee 2 is refused" in text
    assert "A partial decryption of trustee 2 does not verify." in text
    assert db_session.query(DecryptionShare).count() == 0
    # Another trustee's file, or a file not signed by the uploader, is refused as well.
    response = tallying.upload_decryption(1, good, expect=422)
    assert "The decryption file of trustee 1 is refused" in response.get_data(as_text=True)
    assert db_session.query(DecryptionShare).count() == 0
    # The good file still goes through.
    tallying.upload_decryption(2, good)
    assert decryption.decrypted_trustees(db_session, tallying.election) == [2]


def test_the_same_file_twice_changes_nothing_and_another_is_refused(tallying, db_session):
    good = _decryption(tallying, 2)
    tallying.upload_decryption(2, good)
    user = tallying.trustees.users[2]
    # Sent again (the page no longer offers the form; a second tab or a script might).
    decryption.upload(db_session, tallying.election, user, dump_document(good))
    assert db_session.query(DecryptionShare).count() == 4
    again = _decryption(tallying, 2)  # fresh proofs: another file with the same D values
    assert again != good
    with pytest.raises(Refused) as refused:
        decryption.upload(db_session, tallying.election, user, dump_document(again))
    assert refused.value.code == "tally.already_decrypted"
    assert refused.value.params == {"trustee": 2}
    db_session.rollback()
    assert db_session.query(DecryptionShare).count() == 4


def test_a_count_outside_0_to_counted_is_refused(tallying, db_session, cipher):
    """Sums that decrypt to more than their group's counted ballots (here a stored sum
    changed before the trustees downloaded it) are refused at the combination, and no
    results are stored."""
    from ovote.crypto.elgamal import Ciphertext
    from ovote.tally.models import TallyGroup

    group = db_session.query(TallyGroup).filter_by(contest="C1", name="PAR").one()
    ana = Ciphertext.from_dict(group.sums[0], allow_identity=True)
    group.sums = [(ana + ana + ana).to_dict()] + group.sums[1:]  # 6 votes for ANA, 2 counted
    db_session.commit()
    for index in (1, 2):
        tallying.upload_decryption(index, _decryption(tallying, index),
                                   expect=303 if index == 1 else 409)
    db_session.refresh(tallying.election)
    assert tallying.election.state is ElectionState.TALLYING
    assert db_session.query(ElectionResults).count() == 0


def test_nothing_to_decrypt_before_the_tally(app, client, factory, db_session):
    cycle = Cycle(app, client, factory, db_session, slug="early-2026")
    cycle.trustees.login(1)
    response = client.get("/elections/early-2026/decryption/decrypt-request.json")
    assert response.status_code == 409
    assert "Decryptions are taken only while the election is being tallied" in \
        response.get_data(as_text=True)


def test_an_empty_board_is_tallied_with_nothing_decrypted(app, client, factory, db_session,
                                                          tmp_path):
    """No ballot at all: every consulate is below the floor, so nothing may be decrypted;
    the aggregation computes the (null) results at once."""
    cycle = Cycle(app, client, factory, db_session, slug="empty-2026")
    cycle.close()
    aggregation.aggregate(db_session, cycle.election, actor="test")
    db_session.commit()
    assert cycle.election.state is ElectionState.TALLIED
    results = json.loads(db_session.query(ElectionResults).one().document)
    assert [r["national"] for r in results] == [None, None]
    assert results[0]["groups"] == [{"group": "pool:LON,PAR", "counted": 0, "counts": None}]
    # Its record verifies: nothing decrypted, every count null.
    from ovote.record.verify import verify_record
    from ovote.tally import publishing

    publishing.publish(db_session, cycle.election, actor="test")
    path = publishing.export_record(db_session, cycle.election, tmp_path / "record",
                                    cipher=runtime(app).cipher)
    report = verify_record(path, jobs=1)
    assert report.ok, report.to_text()
