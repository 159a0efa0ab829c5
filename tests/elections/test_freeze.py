"""The freeze: the §3.9 definition and fingerprint, one real key per unit, the receipt key."""
import hashlib
import json

import pytest
from nacl.signing import VerifyKey
from sqlalchemy import select, update

from ovote.accounts.models import utcnow
from ovote.crypto import elgamal, threshold, tokens
from ovote.crypto.canonical import canonical_json
from ovote.crypto.fingerprint import election_fingerprint, joint_key_of
from ovote.crypto.group import small_multiple
from ovote.elections import documents, freezing
from ovote.elections.models import Election, ElectionState, ReportingUnit
from ovote.errors import Refused
from ovote.refusals import as_json
from ovote.runtime import runtime as runtime_of
from tests.elections.factories import PooledUnitKeys, build_election


def test_a_frozen_election_holds_the_exact_definition(app, factory, db_session):
    built = build_election(factory, consulates=("PAR", "LON"),
                           styles={"S1": ("C1", "C2"), "S2": ("C2",)},
                           units=[("PAR", "S1"), ("PAR", "S2"), ("LON", "S1")])
    election = built.election
    definition = json.loads(election.definition)
    assert election.definition == canonical_json(definition)
    assert election.fingerprint == hashlib.sha256(election.definition).hexdigest()
    assert election_fingerprint(definition) == built.fingerprint
    assert set(definition) == {"version", "manifest", "threshold", "trustees", "joint_key", "units",
                               "receipt_key"}
    assert [u["id"] for u in definition["units"]] == ["LON-S1", "PAR-S1", "PAR-S2"]
    assert definition["units"][2] == {
        "id": "PAR-S2", "consulate": "PAR", "n": built.unit("PAR-S2").rsa_n, "e": "010001",
        "ballot_style": {"id": "S2", "contests": [{"id": "C2", "options": ["YES", "NO"],
                                                   "min": 1, "max": 1}]}}
    manifest = definition["manifest"]
    assert manifest["slug"] == "test-election" and manifest["min_unit_ballots"] == 10
    assert manifest["max_revotes"] == 20
    assert manifest["title"] == {"en": "Test election", "fr": "Élection test"}
    assert [c["id"] for c in manifest["contests"]] == ["C1", "C2"]
    assert manifest["contests"][0]["options"][0] == {"id": "ANA", "labels": {"en": "Ana", "fr": "Ana"}}
    assert definition["threshold"] == 2 and [t["index"] for t in definition["trustees"]] == [1, 2, 3]
    assert joint_key_of(definition) == threshold.joint_key(built.commitments.values())
    assert election.ceremony_proofs == [
        {"trustee": i, "proofs": [p.to_dict() for p in built.commitments[i].proofs]} for i in (1, 2, 3)]
    assert built.receipt_key().verify_key.encode().hex() == definition["receipt_key"]


def test_the_keys_work(app, factory, db_session):
    built = build_election(factory)
    unit_key = built.unit_private_key("PAR-S1")
    assert unit_key.key_size == 3072
    public = documents.unit_public_key(built.unit("PAR-S1"))
    voting_key = bytes(range(32))
    request = tokens.request_token(public, built.fingerprint, voting_key)
    token = tokens.finish_token(public, request, tokens.issue_token(unit_key, request.blinded_msg))
    assert tokens.verify_token(public, built.fingerprint, voting_key, bytes.fromhex(token["prefix"]),
                               bytes.fromhex(token["signature"]))
    # Any two trustees decrypt what is encrypted under the joint key.
    joint = threshold.joint_key(built.commitments.values())
    ciphertext, _ = elgamal.encrypt(joint, 3)
    partials = [threshold.partial_decrypt(built.fingerprint, j, built.secret_shares[j], ciphertext.alpha)
                for j in (1, 3)]
    assert threshold.decrypt(ciphertext, partials, threshold=2) == small_multiple(3)
    signed = built.receipt_key().sign(b"x")
    VerifyKey(bytes.fromhex(built.definition["receipt_key"])).verify(signed)


def _no_outcome(built):
    return None


def _trustee_missing(built):
    return {i: v for i, v in built.ceremony.items() if i != 2}


def _proofs_swapped(built):
    outcome = dict(built.ceremony)
    outcome[1], outcome[2] = ({**outcome[1], "proofs": outcome[2]["proofs"]},
                              {**outcome[2], "proofs": outcome[1]["proofs"]})
    return outcome


def _commitments_of_another_election(built):
    _, other = threshold.deal("other-election", 3, 2)
    return {**built.ceremony, 3: {"commitments": [a.hex() for a in other.commitments],
                                  "proofs": [p.to_dict() for p in other.proofs]}}


def _too_few_commitments(built):
    entry = built.ceremony[1]
    return {**built.ceremony, 1: {"commitments": entry["commitments"][:1], "proofs": entry["proofs"][:1]}}


def _not_a_point(built):
    entry = built.ceremony[3]
    return {**built.ceremony, 3: {**entry, "commitments": ["zz" * 32] + entry["commitments"][1:]}}


@pytest.mark.parametrize("outcome, code, status, trustee", [
    (_no_outcome, "ceremony_unfinished", 409, None),
    (_trustee_missing, "ceremony_unfinished", 409, None),
    (_proofs_swapped, "ceremony_bad_commitment", 422, 1),
    (_commitments_of_another_election, "ceremony_bad_commitment", 422, 3),
    (_too_few_commitments, "ceremony_bad_commitment", 422, 1),
    (_not_a_point, "ceremony_bad_commitment", 422, 3),
], ids=lambda v: v.__name__.strip("_") if callable(v) else None)
def test_a_bad_ceremony_outcome_is_refused_and_nothing_is_stored(app, factory, db_session, outcome,
                                                                 code, status, trustee):
    built = build_election(factory, state="ceremony")
    with app.test_request_context(), pytest.raises(Refused) as caught:
        freezing.freeze(db_session, built.election, cipher=runtime_of(app).cipher, actor="test", ceremony=outcome(built),
                        make_keys=PooledUnitKeys())
    with app.test_request_context():
        body, got = as_json(caught.value)
    assert (body["error"], got) == (code, status)
    if trustee:
        assert f"trustee {trustee} " in body["message"]
    db_session.expire_all()
    election = db_session.get(Election, built.election.id)
    assert election.state is ElectionState.CEREMONY and election.definition is None
    assert db_session.scalars(select(ReportingUnit)).all() == []


@pytest.mark.parametrize("state", ["draft", "frozen"])
def test_only_an_election_in_its_ceremony_is_frozen(app, factory, db_session, state):
    built = build_election(factory, state=state)
    with app.test_request_context(), pytest.raises(Refused) as caught:
        freezing.freeze(db_session, built.election, cipher=runtime_of(app).cipher, actor="test", ceremony=built.ceremony or {1: {}},
                        make_keys=PooledUnitKeys())
    assert caught.value.code == "election_illegal_transition"


def test_no_verified_voter_no_freeze(app, factory, db_session):
    built = build_election(factory, state="ceremony", units=[("PAR", "S1")], voters_per_unit=0)
    with app.test_request_context(), pytest.raises(Refused) as caught:
        freezing.freeze(db_session, built.election, cipher=runtime_of(app).cipher, actor="test", ceremony=built.ceremony)
    assert caught.value.code == "election_no_unit"


def test_a_freeze_that_dies_carries_on_where_it_stopped(app, factory, db_session):
    built = build_election(factory, state="ceremony", consulates=("PAR", "LON", "ROM"))
    pool = PooledUnitKeys()
    calls = []

    def dies_on_second_batch(count):
        calls.append(count)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return pool(count)

    with app.test_request_context():
        with pytest.raises(KeyboardInterrupt):
            freezing.freeze(db_session, built.election, cipher=runtime_of(app).cipher, actor="test", ceremony=built.ceremony,
                            make_keys=dies_on_second_batch, batch_size=1)
        db_session.expire_all()
        election = db_session.get(Election, built.election.id)
        assert election.state is ElectionState.CEREMONY and election.freeze_lease_until is None
        assert freezing.progress_of(db_session, election) == (1, 3)
        seen = []
        freezing.freeze(db_session, election, cipher=runtime_of(app).cipher, actor="test", ceremony=built.ceremony, make_keys=pool,
                        batch_size=1, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 3), (3, 3)]
    assert [u.code for u in db_session.get(Election, election.id).units] == ["LON-S1", "PAR-S1", "ROM-S1"]


def test_a_second_process_does_not_freeze_the_same_election(app, factory, db_session):
    built = build_election(factory, state="ceremony")
    db_session.execute(update(Election).values(
        freeze_lease_until=utcnow() + freezing.LEASE))
    with app.test_request_context(), pytest.raises(Refused) as caught:
        freezing.freeze(db_session, built.election, cipher=runtime_of(app).cipher, actor="test", ceremony=built.ceremony)
    assert caught.value.code == "freeze_in_progress"
    assert db_session.scalars(select(ReportingUnit)).all() == []


def test_units_of_voters_who_left_are_dropped_and_new_ones_made(app, factory, db_session):
    """The units are those with a verified voter when the definition is fixed."""
    from ovote.registration.models import Application, ApplicationState
    from tests.elections.factories import consulate_for, verified_voter

    built = build_election(factory, state="ceremony", consulates=("PAR", "LON"))
    pool = PooledUnitKeys()
    events = []

    def meanwhile(count):
        if not events:
            events.append("changed")
            # LON's only voter withdraws, a voter is verified at a new consulate.
            db_session.execute(update(Application).where(
                Application.voter_id == built.voters["LON-S1"][0].id).values(
                state=ApplicationState.WITHDRAWN, withdrawn_at=Application.updated_at))
            verified_voter(factory, consulate_for(factory, "BER"), built.constituencies["S1"])
            db_session.commit()
        return pool(count)

    with app.test_request_context():
        election = freezing.freeze(db_session, built.election, cipher=runtime_of(app).cipher, actor="test", ceremony=built.ceremony,
                                   make_keys=meanwhile)
    assert [u["id"] for u in documents.definition_of(election)["units"]] == ["BER-S1", "PAR-S1"]


def test_the_data_key_rotation_reseals_the_election_keys(app, factory, db_session, key_ring):
    from ovote.elections import keys
    from tests.registration.test_key_rotation import new_key, rotate

    built = build_election(factory)
    old = app.config["DATA_KEYS"]
    _, fresh = new_key()
    key_ring(f"{fresh},{old}")
    result = rotate(app)
    assert result.exit_code == 0, result.output
    assert "reporting_units.private_key_enc" in result.output and "elections.receipt_key_enc" in result.output
    key_ring(fresh)
    db_session.expire_all()
    election = db_session.get(Election, built.election.id)
    cipher = runtime_of(app).cipher
    assert keys.unit_private_key(election.units[0], cipher=cipher).key_size == 3072
    assert keys.receipt_signing_key(election, cipher=cipher).verify_key.encode().hex() == \
            built.definition["receipt_key"]
