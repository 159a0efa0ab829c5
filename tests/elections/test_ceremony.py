"""The key ceremony through the trustees' pages, from invitation to the freeze's input."""
import copy

from sqlalchemy import func, select

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.audit.services import actor_of
from ovote.crypto.canonical import canonical_json
from ovote.crypto.group import Point
from ovote.crypto.threshold import TrusteeCommitment, verification_key
from ovote.elections import ceremony, ceremony_link
from ovote.elections.ceremony_models import CeremonyUpload
from tests.conftest import log_in
from tests.crypto.test_ceremony import _cheat_on_share
from tests.elections.ceremony_helpers import Trustees, make_election, resign


def test_a_whole_ceremony_gives_the_freeze_verified_commitments(app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init()
    trustees.deal()
    trustees.receive()
    outcome = ceremony_link.ceremony_outcome(db_session, election)
    assert sorted(outcome) == [1, 2, 3]
    commitments = [TrusteeCommitment.from_dict({"election": election.slug, "trustee": i, **entry})
                   for i, entry in outcome.items()]
    assert all(c.verify(election.slug, 2) for c in commitments)
    for i, secrets in trustees.secrets.items():
        assert Point.from_hex(secrets["verification_key"]) == verification_key(commitments, i)
    # No share in clear anywhere in what the server stored.
    stored = b"".join(db_session.scalars(select(CeremonyUpload.document)))
    for secrets in trustees.secrets.values():
        assert secrets["share"].encode() not in stored
        for coefficient in secrets["polynomial"]["coefficients"]:
            assert coefficient.encode() not in stored
    log_in(app, client, factory.user(Role.COMMISSIONER))
    page = client.get(f"/elections/{election.slug}/ceremony/").get_data(as_text=True)
    assert "The key ceremony is finished" in page
    actions = db_session.scalars(select(AuditEvent.action).where(
        AuditEvent.target == election.audit_target)).all()
    assert actions.count("election.ceremony.init") == 3 and "election.ceremony.finished" in actions


def test_the_commission_sees_who_has_done_which_step(app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init([1, 2])
    commissioner = factory.user(Role.COMMISSIONER)
    log_in(app, client, commissioner)
    page = client.get(f"/elections/{election.slug}/ceremony/").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tr>")
    assert "done" in rows[0] and "done" in rows[1] and "done" not in rows[2]
    assert election.trustees[0].user.email in rows[0]
    # the page shows the trustees' e-mail addresses: the view is in the audit log
    viewed = db_session.scalars(select(AuditEvent).where(
        AuditEvent.action == "election.ceremony.status_view")).all()
    assert [(e.actor, e.target) for e in viewed] == [(actor_of(commissioner), election.audit_target)]


def test_a_cheating_dealer_is_named_and_the_attempt_refuses_more_files(
        app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init()
    trustees.deal(upload=False)
    roster = ceremony.roster_keys(ceremony.latest_attempt(db_session, election))
    forged, wrong = _cheat_on_share(trustees.secrets[2], trustees.made[(2, "deal")], roster[3], 3)
    for i in (1, 3):
        trustees.upload(i, trustees.made[(i, "deal")])
    trustees.upload(2, forged)
    trustees.receive()
    assert trustees.made[(3, "receive")]["body"]["complaints"][0]["accused"] == 2
    answer = trustees.answer(2)
    answer["body"]["answers"][0]["share"] = wrong.hex()  # it keeps to its lie
    trustees.upload(2, resign(trustees.secrets[2], answer))
    attempt = ceremony.latest_attempt(db_session, election)
    assert attempt.failed and attempt.culprits == [2]
    assert ceremony_link.ceremony_outcome(db_session, election) is None
    log_in(app, client, factory.user(Role.COMMISSIONER))
    page = client.get(f"/elections/{election.slug}/ceremony/").get_data(as_text=True)
    assert "upheld: trustee 2 is named" in page and "Restart the ceremony without them" in page
    trustees.login(1)
    refused = client.get(f"/elections/{election.slug}/ceremony/files/invitation.json")
    assert refused.status_code == 409 and "This key ceremony has failed" in refused.get_data(as_text=True)


def test_a_false_accuser_is_not_believed_and_the_ceremony_finishes(app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init()
    trustees.deal()
    trustees.receive([1, 2])
    honest_secrets = copy.deepcopy(trustees.secrets[3])
    from ovote.crypto import ceremony as trustee_side
    honest = trustee_side.receive(honest_secrets, trustees.download(3, "receive-request"))
    lie = copy.deepcopy(honest)
    lie["body"] = {"accepted": False, "verification_key": None, "complaints": [
        {"election": election.slug, "accuser": 3, "accused": 1, "reason": "bad_share"}]}
    trustees.upload(3, resign(trustees.secrets[3], lie))
    trustees.upload(1, trustees.answer(1))
    attempt = ceremony.latest_attempt(db_session, election)
    [complaint] = attempt.complaints
    assert complaint.verdict.value == "dismissed" and not attempt.failed and attempt.culprits == []
    # The accuser's acceptance after the settlement finishes the ceremony.
    trustees.upload(3, honest)
    assert ceremony.latest_attempt(db_session, election).finished
    assert sorted(ceremony_link.ceremony_outcome(db_session, election)) == [1, 2, 3]


def test_a_genuine_complaint_settled_by_the_answer(app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init()
    trustees.deal(upload=False)
    roster = ceremony.roster_keys(ceremony.latest_attempt(db_session, election))
    forged, _ = _cheat_on_share(trustees.secrets[1], trustees.made[(1, "deal")], roster[2], 2)
    trustees.upload(1, forged)
    for i in (2, 3):
        trustees.upload(i, trustees.made[(i, "deal")])
    trustees.receive()
    trustees.upload(1, trustees.answer(1))  # the true share: it matches
    trustees.receive([2], kind="settlement")
    attempt = ceremony.latest_attempt(db_session, election)
    assert attempt.finished and attempt.culprits == []


def test_the_same_file_twice_is_taken_once(app, client, factory, db_session):
    election = make_election(factory)
    trustees = Trustees(app, client, election)
    trustees.init([1])
    trustees.upload(1, trustees.made[(1, "init")])
    count = db_session.scalar(select(func.count()).select_from(CeremonyUpload))
    assert count == 1
    assert canonical_json(trustees.made[(1, "init")]) == db_session.scalar(
        select(CeremonyUpload.document))


def test_a_trustee_finds_their_ceremonies_from_the_navigation(app, client, factory, db_session):
    election = make_election(factory)
    make_election(factory, slug="not-mine-2026")
    log_in(app, client, election.trustees[1].user)
    page = client.get("/trustee/").get_data(as_text=True)
    assert f'href="/elections/{election.slug}/ceremony/trustee"' in page
    assert "not-mine-2026" not in page and 'href="/trustee/"' in page
