import re

import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.audit.services import GENESIS, record, record_view, verify_chain
from tests.conftest import csrf_token


@pytest.fixture
def chain(app, db_session):
    with app.app_context():
        for n in range(5):
            record(db_session, actor="cli", action=f"test.step{n}", target=f"thing:{n}",
                   details={"n": n, "name": "Zoë"})
    db_session.commit()
    return db_session.query(AuditEvent).order_by(AuditEvent.seq).all()


def test_events_are_chained(chain):
    assert chain[0].seq == 1 and chain[0].prev_hash == GENESIS
    for before, after in zip(chain, chain[1:]):
        assert after.seq == before.seq + 1 and after.prev_hash == before.hash


def test_intact_chain_verifies(app, chain, db_session):
    assert verify_chain(db_session) is None
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output


@pytest.mark.parametrize("tamper, reason", [
    (lambda e: setattr(e, "details", e.details.replace("Zoë", "Zoe")), "hash does not match"),
    (lambda e: setattr(e, "actor", "user:1"), "hash does not match"),
    (lambda e: setattr(e, "action", "test.other"), "hash does not match"),
    (lambda e: setattr(e, "prev_hash", "f" * 64), "prev_hash does not match"),
    (lambda e: setattr(e, "details", "{not json"), "not valid JSON"),
    # Parses to the same value, so the hash agrees, but the page shows the text: "n": 9 first.
    (lambda e: setattr(e, "details", '{"n":9,"n":2,"name":"Zoë"}'), "not in canonical form"),
    (lambda e: setattr(e, "details", e.details.replace("Zoë", "Zo\\u00eb")), "not in canonical form"),
])
def test_a_changed_event_is_named(app, chain, db_session, tamper, reason):
    victim = chain[2]
    tamper(victim)
    db_session.commit()
    broken = verify_chain(db_session)
    assert broken.seq == victim.seq and reason in broken.reason
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at event {victim.seq}" in result.output


def test_a_deleted_event_is_named(chain, db_session):
    victim = chain[1]
    db_session.delete(victim)
    db_session.commit()
    broken = verify_chain(db_session)
    assert broken.seq == victim.seq and "missing" in broken.reason


def test_auditor_lists_and_filters_events(client, factory, login_as, chain):
    login_as(factory.user(Role.AUDITOR))
    page = client.get("/audit/?action=test.step3").get_data(as_text=True)
    assert "thing:3" in page and "thing:2" not in page
    page = client.get("/audit/?target=thing:1").get_data(as_text=True)
    assert "test.step1" in page and "test.step4" not in page
    assert client.get("/audit/?since=not-a-date").status_code == 200


def test_auditor_verifies_from_the_page(client, factory, login_as, chain, db_session):
    login_as(factory.user(Role.AUDITOR))
    assert client.post("/audit/verify").status_code == 400  # no CSRF token
    response = client.post("/audit/verify", data={"csrf_token": csrf_token(client, "/audit/")})
    assert "The chain is intact." in response.get_data(as_text=True)
    assert db_session.query(AuditEvent).filter_by(action="audit.verify").count() == 1


@pytest.mark.parametrize("role", [Role.VOTER, Role.OFFICIAL, Role.TRUSTEE])
def test_others_cannot_read_the_audit_log(client, factory, login_as, role):
    login_as(factory.user(role))
    assert client.get("/audit/").status_code == 403


def test_views_and_changes_are_audited(client, factory, login_as, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    before = db_session.query(AuditEvent).count()
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert db_session.query(AuditEvent).count() == before + 1


@pytest.mark.parametrize("query", ["endpoint=x", "_scheme=javascript", "_external=1&_scheme=javascript",
                                   "_method=POST", "page=99999999999999999999", "page=0", "page=-3",
                                   "page=abc"])
def test_odd_query_strings_get_the_page_not_an_error(app, client, factory, login_as, db_session, query):
    with app.app_context():
        for n in range(60):  # more than one page, so that the page links are drawn
            record(db_session, actor="cli", action="test.many", target=f"thing:{n}")
    db_session.commit()
    login_as(factory.user(Role.AUDITOR))
    response = client.get(f"/audit/?action=test.many&{query}")
    assert response.status_code == 200
    links = re.findall(r'href="([^"]*page=[^"]*)"', response.get_data(as_text=True))
    assert links and all(link.startswith("/audit/?") and "_" not in link and "endpoint" not in link
                         for link in links)
    assert all("action=test.many" in link for link in links)


@pytest.mark.parametrize("query", ["actor=user%00", "action=test%00", "target=thing:1%00"])
def test_control_characters_in_a_filter_are_refused(client, factory, login_as, chain, query):
    login_as(factory.user(Role.AUDITOR))
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200
    assert "Remove the control characters from this field." in response.get_data(as_text=True)


def test_a_published_anchor_catches_dropped_newest_events(app, chain, db_session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    anchor = result.output.strip().splitlines()[-1].removeprefix("head ")
    assert anchor == f"{chain[-1].seq}:{chain[-1].hash}"
    assert runner.invoke(args=["audit", "verify", "--anchor", anchor]).exit_code == 0
    # Dropping the newest events leaves a chain that is consistent on its own...
    db_session.delete(chain[-1])
    db_session.delete(chain[-2])
    db_session.commit()
    assert verify_chain(db_session) is None
    # ...but not with the anchor kept elsewhere.
    result = runner.invoke(args=["audit", "verify", "--anchor", anchor])
    assert result.exit_code == 1
    assert f"BROKEN at event {chain[-1].seq}: event {chain[-1].seq} of a published anchor is gone" in result.output


def test_a_rewritten_event_at_an_anchor_is_named(chain, db_session):
    assert verify_chain(db_session, anchors=[(chain[1].seq, "0" * 64)]).reason == \
        "differs from the published anchor"


@pytest.mark.parametrize("anchor", ["12", "x:" + "a" * 64, "3:" + "A" * 64, "3:abc"])
def test_malformed_anchors_are_refused(app, chain, anchor):
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--anchor", anchor])
    assert result.exit_code == 2 and "is not SEQ:HASH" in result.output


def test_a_recorded_view_never_commits_a_half_applied_change(db_session, factory):
    """A service that flushed part of a change before refusing it leaves that part in the
    session; the view's audit event is committed without it."""
    user = factory.user(Role.VOTER)
    user.locale = "fr"
    db_session.flush()  # as a service does before it refuses
    record_view(db_session, actor=user, action="test.view", target=f"user:{user.id}", shown=1)
    db_session.expire_all()
    assert user.locale is None
    event = db_session.query(AuditEvent).filter_by(action="test.view").one()
    assert event.details == '{"shown":1}'
