"""The audit log reads as words: people by name and role, actions as sentences, details
as fields, and the filters say what they take."""
from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.audit.services import record


def test_people_actions_and_details_are_shown_in_words(app, client, factory, login_as, db_session):
    consulate = factory.consulate("LIS", served=("PT",), host_country="PT")
    official = factory.user(Role.OFFICIAL, email="agent@example.org", consulate=consulate)
    voter = factory.user(Role.VOTER, email="private.voter@example.org")
    with app.app_context():
        record(db_session, actor=official, action="application.document_view", target=f"user:{voter.id}",
               details={"by": "official", "size_bytes": 1200})
        record(db_session, actor="cli", action="test.unknown", target="thing:1")
    db_session.commit()
    login_as(factory.user(Role.AUDITOR))
    page = client.get("/audit/").get_data(as_text=True)
    assert "agent@example.org (Consular official)" in page
    assert f"Voter, account {voter.id}" in page and "private.voter@example.org" not in page
    assert "Opened an identity document" in page and "<code class=\"small\">application.document_view</code>" in page
    assert "<dt>size bytes</dt><dd class=\"text-break\">1200</dd>" in page
    assert "Command line" in page and "test.unknown" in page  # a code without a label stays a code
    assert "Exactly as in the log, e.g. user:12 or cli." in page
    # the page named a staff member by address: that view is in the log
    assert db_session.query(AuditEvent).filter_by(action="audit.list_view").count() == 1


def test_every_action_the_code_records_has_words(app):
    import re
    from pathlib import Path

    from ovote.audit.labels import ACTIONS

    source = "\n".join(p.read_text() for p in Path(app.root_path).rglob("*.py"))
    recorded = set(re.findall(r'action="([a-z_]+(?:\.[a-z_]+)+)"', source))
    recorded |= set(re.findall(r'_audit_view\("([a-z_]+(?:\.[a-z_]+)+)"', source))
    assert recorded and recorded - set(ACTIONS) == set()
