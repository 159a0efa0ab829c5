"""Every refused ceremony upload: its status, its message, and nothing stored."""
import copy

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.crypto import ceremony as trustee_side
from ovote.crypto.group import Scalar
from ovote.elections.ceremony_models import CeremonyComplaint, CeremonyUpload
from ovote.refusals import REFUSALS
from tests.conftest import log_in
from tests.elections.ceremony_helpers import Trustees, make_election, resign


def _changed(trustees, index, kind, change):
    document = copy.deepcopy(trustees.made[(index, kind)])
    change(document)
    return resign(trustees.secrets[index], document)


def _signed(trustees, index, kind, body):
    document = copy.deepcopy(trustees.made[(index, "init")])
    document.update(kind=kind, body=body)
    return resign(trustees.secrets[index], document)


def _receive_doc(trustees, index, body):
    return _signed(trustees, index, "receive", body)


def _bad_proof(document):
    proof = document["body"]["commitment"]["proofs"][1]
    proof["z"] = (Scalar.from_hex(proof["z"]) + Scalar.from_int(1)).hex()


def _complaint(accuser, accused):
    return lambda t: _receive_doc(t, 1, {"accepted": False, "verification_key": None, "complaints": [
        {"election": t.election.slug, "accuser": accuser, "accused": accused, "reason": "bad_share"}]})


def _wrong_key(trustees):
    other = trustees.made[(2, "init")]["body"]["signing_key"]
    document = copy.deepcopy(trustees.made[(1, "init")])
    document["body"]["signing_key"] = other
    return document


# (stage reached, uploader, the file, refusal code)
CASES = {
    "another election": ("init", 1, lambda t: _changed(t, 1, "init",
                                                        lambda d: d.update(election="other-2026")),
                         "ceremony.wrong_election"),
    "another trustee's file": ("init", 2, lambda t: t.made[(1, "init")], "ceremony.wrong_trustee"),
    "an earlier attempt": ("init", 1, lambda t: _changed(t, 1, "init", lambda d: d.update(attempt=0)),
                           "ceremony.wrong_attempt"),
    "a server file": ("init", 1, lambda t: t.download(1, "invitation"), "ceremony.wrong_kind"),
    "a changed file": ("init", 1, _wrong_key, "ceremony.bad_signature"),
    "not a ceremony file": ("init", 1, lambda t: b"\xff not json", "ceremony.not_a_file"),
    "a commitment whose Schnorr proof fails": ("dealing", 1, lambda t: _changed(
        t, 1, "deal", _bad_proof), "ceremony.bad_proof"),
    "a receive before everyone dealt": ("dealing", 1, lambda t: _receive_doc(
        t, 1, {"accepted": True, "verification_key": "00" * 32, "complaints": []}),
        "ceremony.out_of_order"),
    "an acceptance of a share that does not match the commitments": ("receiving", 1, lambda t: _receive_doc(
        t, 1, {"accepted": True, "verification_key": t.made[(2, "init")]["body"]["signing_key"],
               "complaints": []}), "ceremony.bad_verification_key"),
    "a complaint by trustee 0": ("receiving", 1, _complaint(0, 2), "ceremony.bad_complaint"),
    "a complaint against oneself": ("receiving", 1, _complaint(1, 1), "ceremony.bad_complaint"),
    "a complaint against a non-trustee": ("receiving", 1, _complaint(1, 9), "ceremony.bad_complaint"),
    "an answer when no one complained": ("receiving", 1, lambda t: _signed(
        t, 1, "answer", {"answers": []}), "ceremony.out_of_order"),
}


def _reach(trustees, stage):
    trustees.init()
    if stage == "init":
        return
    trustees.deal(upload=False)
    trustees.upload(2, trustees.made[(2, "deal")])
    if stage == "dealing":
        return
    for i in (1, 3):
        trustees.upload(i, trustees.made[(i, "deal")])


def _stored(session):
    return [session.scalar(select(func.count()).select_from(model))
            for model in (CeremonyUpload, CeremonyComplaint, AuditEvent)]


@pytest.mark.parametrize("case", CASES)
def test_a_bad_upload_is_refused_with_its_message_and_nothing_is_stored(
        app, client, factory, db_session, case):
    stage, uploader, make, code = CASES[case]
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    if stage == "init":  # made, not uploaded
        for i in (1, 2):
            trustees.secrets[i], trustees.made[(i, "init")] = trustee_side.start(
                trustees.download(i, "invitation"))
    else:
        _reach(trustees, stage)
    document = make(trustees)
    before = _stored(db_session)
    refusal = REFUSALS[code]
    response = trustees.upload(uploader, document, expect=refusal.status)
    assert str(escape(str(refusal.message))) in response.get_data(as_text=True)
    assert _stored(db_session) == before


def test_a_different_second_file_for_a_step_is_refused(app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init([1])
    _, another = trustee_side.start(trustees.download(1, "invitation"))
    before = _stored(db_session)
    response = trustees.upload(1, another, expect=409)
    assert "You have already uploaded a different file for this step (Start)." in \
        response.get_data(as_text=True)
    assert _stored(db_session) == before


@pytest.mark.parametrize("who", ["a trustee of no election", "another election's trustee"])
def test_someone_not_a_trustee_of_this_election_cannot_upload(app, client, factory, db_session, who):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init([1])
    if who == "a trustee of no election":
        outsider = factory.user(Role.TRUSTEE)
    else:
        outsider = make_election(factory, slug="other-2026").trustees[0].user
    before = _stored(db_session)
    log_in(app, client, outsider)
    page = client.get(f"/elections/{election.slug}/ceremony/files/invitation.json")
    assert page.status_code == 403
    assert "You are not a trustee of the election ceremony-2026" in page.get_data(as_text=True)
    trustees.users[9] = outsider
    response = trustees.upload(9, trustees.made[(1, "init")], expect=403)
    assert "You are not a trustee of the election ceremony-2026" in response.get_data(as_text=True)
    assert _stored(db_session) == before


@pytest.mark.parametrize("role", [Role.VOTER, Role.OFFICIAL, Role.COMMISSIONER])
def test_only_trustees_reach_the_trustee_pages(app, client, factory, db_session, role):
    election = make_election(factory)
    log_in(app, client, factory.user(role))
    assert client.get(f"/elections/{election.slug}/ceremony/trustee").status_code == 403
    assert client.get(f"/elections/{election.slug}/ceremony/files/invitation.json").status_code == 403


def test_a_file_not_available_yet_is_refused(app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init([1, 2])
    trustees.login(1)
    response = client.get(f"/elections/{election.slug}/ceremony/files/deal-request.json")
    assert response.status_code == 409
    assert "This file is not available yet" in response.get_data(as_text=True)
