"""Bad ballots and bad token requests: the exact code and status of DESIGN.md §7, and
nothing stored."""
import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot import encrypt_contest, sign_ballot, voting_key_bytes
from ovote.crypto.group import L
from ovote.elections.models import ElectionState
from ovote.voting.models import BoardEntry, TokenIssuance
from tests.conftest import csrf_token, log_in
from tests.crypto.hostile_points import NON_CANONICAL_POINTS, SMALL_ORDER_POINTS, mixed_order_point
from tests.voting.helpers import VoterClient, definition_of, open_election, verified_voter

HOSTILE_POINTS = SMALL_ORDER_POINTS + NON_CANONICAL_POINTS + [mixed_order_point()]


@pytest.fixture
def setup(app, db_session, factory):
    return open_election(app, db_session, factory)


@pytest.fixture
def device(app, db_session, setup):
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    device.login(voter.email)
    assert device.get_token("PAR-S1").status_code == 201
    return device


def _other_device(app, db_session, setup, consulate=0):
    voter = verified_voter(app, db_session, setup, consulate=consulate)
    other = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    other.login(voter.email)
    assert other.get_token(["PAR-S1", "BER-S1"][consulate]).status_code == 201
    return other


# Each tamper gets (ballot, ctx) and returns the ballot to send; `resign` re-signs with
# the voter's key (a dishonest voter signs whatever they send).

def _forged_token(b, ctx):
    b["token"]["signature"] = (int(b["token"]["signature"], 16) ^ (1 << 100)).to_bytes(384, "big").hex()


def _token_of_other_unit(b, ctx):
    b["token"] = ctx["other_unit"].token  # a BER token for this voter's ballot in PAR


def _token_of_other_election(b, ctx):
    # The same unit key signing for another fingerprint (keys are reused across these
    # tests' elections, so only the fingerprint in the token message tells them apart).
    other = bytes(32)
    key = ctx["unit_key"]
    request = tokens.request_token(key.public_key(), other, bytes.fromhex(b["voting_key"]))
    b["token"] = tokens.finish_token(key.public_key(), request, tokens.issue_token(key, request.blinded_msg))


def _token_with_other_key(b, ctx):
    b["token"] = ctx["other"].token  # another voter's token under this voter's key


def _set_point(field, value):
    def tamper(b, ctx):
        b["contests"][1]["selections"][0][field] = value
    return tamper


def _copy_selection_proof(b, ctx):
    other = ctx["other"].ballot()
    b["contests"][0]["selections"][1]["proof"] = other["contests"][0]["selections"][1]["proof"]


def _extra_contest(b, ctx):
    contest = {"id": "MAYOR", "options": ["X", "Y"], "min": 0, "max": 1}
    b["contests"].append(encrypt_contest(contest, {"X"}, joint_key=ctx["device"].checked.joint_key,
                                         fingerprint=ctx["device"].checked.fingerprint,
                                         voting_key=bytes.fromhex(b["voting_key"])))


def _two_votes(b, ctx):
    contest = {"id": "PRESIDENT", "options": ["ANA", "BEN", "CLEO"], "min": 2, "max": 2}
    b["contests"][0] = encrypt_contest(contest, {"ANA", "BEN"}, joint_key=ctx["device"].checked.joint_key,
                                       fingerprint=ctx["device"].checked.fingerprint,
                                       voting_key=bytes.fromhex(b["voting_key"]))


def _weak_voting_key(point):
    def tamper(b, ctx):
        key = ctx["unit_key"]
        request = tokens.request_token(key.public_key(), ctx["device"].checked.fingerprint,
                                       bytes.fromhex(point))
        b["voting_key"] = point
        b["token"] = tokens.finish_token(key.public_key(), request,
                                         tokens.issue_token(key, request.blinded_msg))
    return tamper


BALLOT_CASES = [
    # (name, tamper, resign, code)
    ("forged-token", _forged_token, True, "bad_token"),
    ("token-of-another-unit", _token_of_other_unit, True, "bad_token"),
    ("token-of-another-election", _token_of_other_election, True, "bad_token"),
    ("token-reused-with-another-key", _token_with_other_key, True, "bad_token"),
    ("token-signature-383-bytes", lambda b, c: b["token"].update(signature=b["token"]["signature"][2:]),
     True, "bad_encoding"),
    # the last byte changed (an Ed25519 signature's last byte is often 00 already)
    ("signature-broken", lambda b, c: b.update(signature=b["signature"][:-2]
                                               + ("01" if b["signature"].endswith("00") else "00")),
     False, "bad_signature"),
    ("signature-63-bytes", lambda b, c: b.update(signature=b["signature"][:-2]), False, "bad_encoding"),
    ("identity-voting-key-with-its-token", _weak_voting_key(SMALL_ORDER_POINTS[0]), False, "bad_signature"),
    ("small-order-voting-key-with-its-token", _weak_voting_key(SMALL_ORDER_POINTS[5]), False, "bad_signature"),
    ("field-added", lambda b, c: b.update(note="hi"), True, "bad_structure"),
    ("field-missing", lambda b, c: b.pop("version"), True, "bad_structure"),
    ("wrong-json-type", lambda b, c: b.update(contests="none"), True, "bad_structure"),
    ("election-upper-case", lambda b, c: b.update(election=b["election"].upper()), True, "bad_encoding"),
    ("contests-out-of-order", lambda b, c: b["contests"].reverse(), True, "bad_structure"),
    ("contest-missing", lambda b, c: b["contests"].pop(), True, "bad_structure"),
    ("contest-the-style-lacks", _extra_contest, True, "bad_structure"),
    *[(f"point-{i}", _set_point("alpha" if i % 2 else "beta", p), True, "bad_point")
      for i, p in enumerate(HOSTILE_POINTS)],
    ("point-not-hex", _set_point("alpha", "g" * 64), True, "bad_encoding"),
    ("scalar-equal-to-l", lambda b, c: b["contests"][0]["proof"]["z"].__setitem__(
        0, L.to_bytes(32, "little").hex()), True, "bad_scalar"),
    ("scalar-above-l", lambda b, c: b["contests"][0]["selections"][2]["proof"]["c"].__setitem__(
        1, "ff" * 32), True, "bad_scalar"),
    ("selection-proof-from-another-ballot", _copy_selection_proof, True, "bad_proof"),
    ("two-votes-in-a-1-of-3-contest", _two_votes, True, "bad_proof"),
]


@pytest.mark.parametrize("name,tamper,resign,code", BALLOT_CASES, ids=[c[0] for c in BALLOT_CASES])
def test_bad_ballot_is_refused_with_its_code(app, db_session, setup, device, name, tamper, resign, code):
    ctx = {"device": device, "unit_key": setup.units["PAR-S1"] and _unit_key(setup, "PAR-S1")}
    if name in ("token-reused-with-another-key", "selection-proof-from-another-ballot"):
        ctx["other"] = _other_device(app, db_session, setup)
    if name == "token-of-another-unit":
        ctx["other_unit"] = _other_device(app, db_session, setup, consulate=1)
        # ... the BER token was made for the other voter's key: give this voter one for
        # its own key instead, from the BER key, to test the unit alone.
        key = _unit_key(setup, "BER-S1")
        request = tokens.request_token(key.public_key(), device.checked.fingerprint,
                                       voting_key_bytes(device.voting_key))
        ctx["other_unit"].token = tokens.finish_token(key.public_key(), request,
                                                      tokens.issue_token(key, request.blinded_msg))
    ballot = device.ballot()
    tamper(ballot, ctx)
    if resign:
        ballot = sign_ballot(ballot, device.voting_key)
    before = db_session.query(BoardEntry).count()
    response = app.test_client().post(f"/api/v1/elections/{setup.slug}/ballots", json=ballot)
    assert (response.status_code, response.get_json()["error"]) == (422, code), response.get_json()
    assert response.get_json()["message"]
    assert db_session.query(BoardEntry).count() == before


def _unit_key(setup, code):
    from tests.voting.helpers import unit_keys

    return unit_keys()[0 if code == "PAR-S1" else 1]


def test_unknown_unit(app, db_session, setup, device):
    ballot = sign_ballot({**device.ballot(), "unit": "LIS-S1"}, device.voting_key)
    response = app.test_client().post(f"/api/v1/elections/{setup.slug}/ballots", json=ballot)
    assert (response.status_code, response.get_json()["error"]) == (422, "unknown_unit")


def _dumps(ballot):
    return json.dumps(ballot).encode()


BODY_CASES = [
    ("not-json", lambda b: b"{not json", 400, "bad_json"),
    ("not-utf8", lambda b: b'{"a": "\xff"}', 400, "bad_json"),
    ("duplicate-keys", lambda b: _dumps(b)[:-1] + b', "unit": "PAR-S1"}', 400, "bad_json"),
    ("float", lambda b: _dumps({**b, "version": 1.5}), 400, "bad_json"),
    ("huge-integer", lambda b: _dumps({**b, "version": 2**60}), 400, "bad_json"),
    ("nan", lambda b: _dumps(b)[:-1] + b', "x": NaN}', 400, "bad_json"),
    ("over-1-mib", lambda b: _dumps({**b, "pad": "x" * (1024 * 1024)}), 413, "too_large"),
    ("array", lambda b: b"[]", 422, "bad_structure"),
]


@pytest.mark.parametrize("name,body,status,code", BODY_CASES, ids=[c[0] for c in BODY_CASES])
def test_bad_body_is_refused(app, db_session, setup, device, name, body, status, code):
    response = app.test_client().post(f"/api/v1/elections/{setup.slug}/ballots",
                                      data=body(device.ballot()), content_type="application/json")
    assert (response.status_code, response.get_json()["error"]) == (status, code)
    assert db_session.query(BoardEntry).count() == 0


@pytest.mark.parametrize("state", [ElectionState.FROZEN, ElectionState.CLOSED])
def test_cast_outside_voting_is_refused(app, db_session, factory, state):
    setup = open_election(app, db_session, factory, slug=f"e-{state.value}", state=state)
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    device.login(voter.email)
    device.unit = "PAR-S1"
    key = _unit_key(setup, "PAR-S1")
    request = device.request("PAR-S1")
    device.token = tokens.finish_token(key.public_key(), request, tokens.issue_token(key, request.blinded_msg))
    response = app.test_client().post(f"/api/v1/elections/{setup.slug}/ballots", json=device.ballot())
    assert (response.status_code, response.get_json()["error"]) == (409, "election_not_open")
    assert db_session.query(BoardEntry).count() == 0


# -- token requests --------------------------------------------------------------------

def _token_post(client, slug, csrf="", body=None):
    request_body = body if body is not None else {"blinded_msg": "00" * 384}
    return client.post(f"/api/v1/elections/{slug}/tokens", json=request_body,
                       headers={"X-CSRFToken": csrf})


def test_token_refusals(app, db_session, factory, setup):
    from ovote.registration.models import Application, ApplicationState

    events = db_session.query(AuditEvent).count()
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    request = device.request("PAR-S1")
    cases = []
    # unverified: the application is still submitted
    unverified = verified_voter(app, db_session, setup)
    db_session.query(Application).filter_by(voter_id=unverified.id).update(
        {"state": ApplicationState.SUBMITTED, "decided_at": None})
    db_session.commit()
    cases.append(("unverified", unverified.email, 403, "not_eligible"))
    # in another election's register: a home constituency this election has no style for
    from ovote.consulates.models import Constituency

    elsewhere = Constituency(code="SOUTH", name="South")
    db_session.add(elsewhere)
    db_session.commit()
    stranger = verified_voter(app, db_session, setup)
    db_session.query(Application).filter_by(voter_id=stranger.id).update({"constituency_id": elsewhere.id})
    db_session.commit()
    cases.append(("another-register", stranger.email, 403, "not_eligible"))
    for name, email, status, code in cases:
        client = VoterClient(app.test_client(), setup.slug, definition_of(setup))
        assert client.login(email).status_code == 200
        response = _token_post(client.client, setup.slug, client.csrf,
                               {"blinded_msg": request.blinded_msg.hex()})
        assert (response.status_code, response.get_json()["error"]) == (status, code), name
        eligibility = client.client.get(f"/api/v1/elections/{setup.slug}/eligibility").get_json()
        assert eligibility["eligible"] is False and eligibility["reason"], name
    assert db_session.query(TokenIssuance).count() == 0
    assert db_session.query(AuditEvent).filter(AuditEvent.action == "voting.token_issued").count() == 0


def test_token_request_by_staff_and_without_login_or_csrf(app, db_session, factory, setup):
    staff_client = app.test_client()
    log_in(app, staff_client, factory.user(Role.OFFICIAL))  # a full web login, TOTP included
    token = csrf_token(staff_client, "/")
    request = VoterClient(app.test_client(), setup.slug, definition_of(setup)).request("PAR-S1")
    response = _token_post(staff_client, setup.slug, token, {"blinded_msg": request.blinded_msg.hex()})
    assert (response.status_code, response.get_json()["error"]) == (403, "not_eligible")
    eligibility = staff_client.get(f"/api/v1/elections/{setup.slug}/eligibility").get_json()
    assert eligibility == {"eligible": False, "reason": "staff_account"}
    bad = _token_post(staff_client, setup.slug, "bad", {"blinded_msg": request.blinded_msg.hex()})
    assert (bad.status_code, bad.get_json()["error"]) == (400, "csrf_failed")
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    device.login(voter.email)
    request = device.request("PAR-S1")
    missing = _token_post(device.client, setup.slug, "", {"blinded_msg": request.blinded_msg.hex()})
    assert (missing.status_code, missing.get_json()["error"]) == (400, "csrf_failed")
    anonymous = _token_post(app.test_client(), setup.slug)
    assert (anonymous.status_code, anonymous.get_json()["error"]) == (401, "login_required")
    for body, code in (({"blinded_msg": "zz"}, "bad_blinded_msg"), ({"blinded_msg": "00" * 383}, "bad_blinded_msg"),
                       ({"blinded_msg": "ff" * 384}, "bad_blinded_msg"), ({}, "bad_structure"),
                       ({"blinded_msg": 5}, "bad_structure")):
        response = _token_post(device.client, setup.slug, device.csrf, body)
        assert response.get_json()["error"] == code, body
    assert db_session.query(TokenIssuance).count() == 0


def test_staff_cannot_log_in_through_the_api(app, db_session, factory):
    staff = factory.user(Role.COMMISSIONER)
    response = app.test_client().post("/api/v1/auth/login",
                                      json={"email": staff.email, "password": "correct horse battery"})
    assert (response.status_code, response.get_json()["error"]) == (403, "staff_use_web")
    wrong = app.test_client().post("/api/v1/auth/login", json={"email": staff.email, "password": "nope"})
    assert (wrong.status_code, wrong.get_json()["error"]) == (401, "account.invalid_credentials")
    form = app.test_client().post("/api/v1/auth/login", data={"email": staff.email, "password": "x"})
    assert (form.status_code, form.get_json()["error"]) == (400, "bad_json")


@pytest.mark.parametrize("state,tokens_in_future", [
    (ElectionState.FROZEN, True), (ElectionState.CLOSED, False)])
def test_tokens_only_within_the_issuance_window(app, db_session, factory, state, tokens_in_future):
    from datetime import timedelta

    from ovote.accounts.models import utcnow

    setup = open_election(app, db_session, factory, slug=f"w-{state.value}", state=state)
    if tokens_in_future:
        setup.election.tokens_open = utcnow() + timedelta(hours=1)
        setup.election.voting_opens = utcnow() + timedelta(hours=2)
        db_session.commit()
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    device.login(voter.email)
    response = device.get_token("PAR-S1")
    assert (response.status_code, response.get_json()["error"]) == (409, "issuance_closed")
    assert db_session.query(TokenIssuance).count() == 0


def test_late_registrants_and_other_channels_get_no_token(app, db_session, factory, setup):
    from datetime import timedelta

    from ovote.registration.models import Application, VotingChannel

    late = verified_voter(app, db_session, setup)
    postal = verified_voter(app, db_session, setup, channel=VotingChannel.POSTAL)
    late_application = db_session.query(Application).filter_by(voter_id=late.id).one()
    setup.election.registration_deadline = late_application.first_submitted_at - timedelta(days=1)
    db_session.query(Application).filter_by(voter_id=postal.id).update(
        {"first_submitted_at": late_application.first_submitted_at - timedelta(days=2)})
    db_session.commit()
    for voter, reason in ((late, "registered_too_late"), (postal, "other_channel")):
        device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
        device.login(voter.email)
        assert device.client.get(f"/api/v1/elections/{setup.slug}/eligibility").get_json() == {
            "eligible": False, "reason": reason}
        response = device.get_token("PAR-S1")
        assert (response.status_code, response.get_json()["error"]) == (403, "not_eligible")
    assert db_session.query(TokenIssuance).count() == 0
