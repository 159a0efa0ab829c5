"""The ceremony run through the pages feeds the real freeze; a named trustee is left out
of a new attempt, whose earlier files are refused."""
import re

from ovote.accounts.models import Role
from ovote.crypto import ceremony_decrypt
from ovote.crypto.elgamal import ZERO_CIPHERTEXT, encrypt
from ovote.crypto.group import Point
from ovote.elections import ceremony, ceremony_link, documents, freezing
from ovote.elections.models import ElectionState
from tests.conftest import log_in
from tests.crypto.test_ceremony import _cheat_on_share
from tests.elections.ceremony_helpers import Trustees, resign
from tests.elections.factories import PooledUnitKeys, build_election


def test_the_ceremony_outcome_freezes_the_election_and_its_trustees_decrypt(
        app, client, factory, db_session, cipher):
    built = build_election(factory, state="ceremony")
    trustees = Trustees(app, client, built.election)
    trustees.init()
    trustees.deal()
    trustees.receive()
    election = freezing.freeze(db_session, built.election, actor="test", cipher=cipher,
                               ceremony=ceremony_link.ceremony_outcome(db_session, built.election),
                               make_keys=PooledUnitKeys())
    assert election.state is ElectionState.FROZEN
    definition = documents.definition_of(election)
    assert [t["commitments"] for t in definition["trustees"]] == [
        trustees.made[(i, "deal")]["body"]["commitment"]["commitments"] for i in (1, 2, 3)]
    # The trustees decrypt a tally of this election with their key files.
    key = Point.from_hex(definition["joint_key"])
    contest = definition["manifest"]["contests"][0]
    sums = [encrypt(key, 1)[0].to_dict()] + [ZERO_CIPHERTEXT.to_dict()] * (len(contest["options"]) - 1)
    tally = [{"contest": contest["id"], "group": "PAR", "units": ["PAR-S1"], "counted": 1,
              "sums": sums}]
    attempt = ceremony.latest_attempt(db_session, election)
    server_key = ceremony.server_signing_key(attempt, cipher)
    keys = {i: Point.from_hex(k) for i, k in ceremony.verification_keys(db_session, election).items()}
    for j in (1, 3):
        request = ceremony.checks.issue("decrypt-request", election=election.slug,
                                        attempt=attempt.number, trustee=j, server_key=server_key,
                                        body={"definition": definition, "tally": tally})
        document = ceremony_decrypt.decrypt(trustees.secrets[j], request)
        ceremony_decrypt.verify_decryption_file(
            document, election=election.slug, attempt=attempt.number, trustee=j,
            roster=ceremony.roster_keys(attempt), fingerprint=bytes.fromhex(election.fingerprint),
            tally=tally, verification_keys=keys)


def _csrf(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_named_trustee_is_left_out_of_a_new_attempt(app, client, factory, db_session):
    built = build_election(factory, state="ceremony")
    trustees = Trustees(app, client, built.election)
    trustees.init()
    trustees.deal(upload=False)
    roster = ceremony.roster_keys(ceremony.latest_attempt(db_session, built.election))
    forged, wrong = _cheat_on_share(trustees.secrets[1], trustees.made[(1, "deal")], roster[2], 2)
    trustees.upload(1, forged)
    for i in (2, 3):
        trustees.upload(i, trustees.made[(i, "deal")])
    trustees.receive()
    answer = trustees.answer(1)
    answer["body"]["answers"][0]["share"] = wrong.hex()
    trustees.upload(1, resign(trustees.secrets[1], answer))
    old_init = trustees.made[(2, "init")]
    cheater, honest = built.trustees[1], {2: built.trustees[2], 3: built.trustees[3]}

    log_in(app, client, factory.user(Role.COMMISSIONER))
    url = f"/elections/{built.slug}/ceremony/"
    response = client.post(url + "restart", data={"csrf_token": _csrf(client, url)})
    assert response.status_code == 303
    election = built.election
    assert election.state is ElectionState.CEREMONY
    assert [(t.index, t.user_id) for t in election.trustees] == [(1, honest[2].id), (2, honest[3].id)]

    # The honest trustees, renumbered 1 and 2, start attempt 2; files of attempt 1 are refused.
    again = Trustees(app, client, election)
    refused = again.upload(1, old_init, expect=409)
    assert "This file belongs to an earlier start of the key ceremony" in refused.get_data(as_text=True)
    again.init()
    again.deal()
    again.receive()
    attempt = ceremony.latest_attempt(db_session, election)
    assert attempt.number == 2 and attempt.finished
    assert sorted(ceremony_link.ceremony_outcome(db_session, election)) == [1, 2]
    log_in(app, client, cheater)
    assert client.get(f"/elections/{built.slug}/ceremony/files/invitation.json").status_code == 403


def test_a_trustee_who_never_answers_is_named(app, client, factory, db_session):
    built = build_election(factory, state="ceremony")
    trustees = Trustees(app, client, built.election)
    trustees.init()
    trustees.deal(upload=False)
    roster = ceremony.roster_keys(ceremony.latest_attempt(db_session, built.election))
    forged, _ = _cheat_on_share(trustees.secrets[3], trustees.made[(3, "deal")], roster[1], 1)
    trustees.upload(3, forged)
    for i in (1, 2):
        trustees.upload(i, trustees.made[(i, "deal")])
    trustees.receive()
    log_in(app, client, factory.user(Role.COMMISSIONER))
    url = f"/elections/{built.slug}/ceremony/"
    client.post(url + "silent", data={"csrf_token": _csrf(client, url)})
    attempt = ceremony.latest_attempt(db_session, built.election)
    assert attempt.culprits == [3] and attempt.complaints[0].verdict_reason == "no_answer"
