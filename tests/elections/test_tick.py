"""`ovote election tick`: elections move by their timeline, once, whoever runs it and how often."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from ovote.audit.models import AuditEvent
from ovote.elections import timeline
from ovote.elections.models import Election, ElectionState
from ovote.extensions import db
from ovote.runtime import runtime
from tests.elections.factories import build_election
from tests.elections.test_outreach import SameContextFactory, committing_app  # noqa: F401


def tick(app, when):
    return app.test_cli_runner().invoke(args=["election", "tick", "--now", when.isoformat()])


def test_the_tick_opens_and_closes_by_the_timeline_once(app, factory, db_session, outbox):
    built = build_election(factory)
    election = built.election
    before = tick(app, election.voting_opens - timedelta(minutes=1))
    assert before.exit_code == 0 and "opened" not in before.output
    assert "1 opening mail(s) sent" in before.output
    for _ in range(2):
        result = tick(app, election.voting_opens)
        assert result.exit_code == 0, result.output
    db_session.expire_all()
    assert db_session.get(Election, election.id).state is ElectionState.OPEN
    result = tick(app, election.voting_closes)
    assert "test-election closed" in result.output
    assert tick(app, election.voting_closes + timedelta(minutes=1)).output == ""
    db_session.expire_all()
    assert db_session.get(Election, election.id).state is ElectionState.CLOSED
    moves = db_session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "tick")).all()
    assert moves.count("election.open") == 1 and moves.count("election.close") == 1


def test_a_frozen_election_past_its_close_is_not_opened(app, factory, db_session):
    built = build_election(factory)
    report = timeline.move_by_timeline(db_session, cipher=runtime(app).cipher,
                                       now=built.election.voting_closes)
    assert report.opened == [] and built.election.state is ElectionState.FROZEN


def test_closing_runs_the_close_hooks_in_its_transaction(app, factory, db_session, monkeypatch):
    built = build_election(factory, state="open")
    seen = []
    monkeypatch.setattr(timeline, "_close_hooks", [lambda session, e, cipher: seen.append(e.state)])
    timeline.close_election(db_session, built.election, actor="test",
                            cipher=runtime(app).cipher)
    assert seen == [ElectionState.CLOSED]


def test_two_hosts_ticking_at_once_open_an_election_once(committing_app):  # noqa: F811
    app = committing_app
    with app.app_context():
        built = build_election(SameContextFactory(app, db.session), slug="ticked")
        election_id, opens = built.election.id, built.election.voting_opens
        db.session.remove()
    barrier, reports = threading.Barrier(2), []

    def host():
        with app.app_context():
            barrier.wait()
            reports.append(timeline.move_by_timeline(db.session, cipher=runtime(app).cipher, now=opens))
            db.session.remove()

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(len(r.opened) for r in reports) == [0, 1]
    with app.app_context():
        assert db.session.get(Election, election_id).state is ElectionState.OPEN
        opened = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "election.open",
                                                             AuditEvent.target == "election:ticked")).all()
        assert len(opened) == 1
        db.session.remove()
