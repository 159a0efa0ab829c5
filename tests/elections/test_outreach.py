"""Outreach: one mail per eligible voter when token issuance opens, one reminder before voting
closes (not to those who opted out), each at most once, in the voter's language."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ovote.elections import outreach
from ovote.elections.models import ElectionNotice, Notice
from ovote.extensions import db
from ovote.runtime import runtime as runtime_of
from tests.conftest import Factory, make_app
from tests.databases import fresh_database, upgrade_to_head
from tests.elections.factories import build_election, consulate_for, verified_voter


def send(app, session, now, **kwargs):
    with app.test_request_context():
        return outreach.send_notices(session, settings=runtime_of(app).settings,
                                     mailer=runtime_of(app).mailer, now=now, **kwargs)


@pytest.fixture
def built(app, factory, db_session):
    return build_election(factory, consulates=("PAR", "LON"), voters_per_unit=2)


def test_every_eligible_voter_gets_one_opening_mail_in_their_language(app, factory, db_session,
                                                                       outbox, built):
    french = built.voters["PAR-S1"][0]
    french.locale = "fr"
    # Not eligible: verified at a consulate that has no unit (no voter there at the freeze).
    late = verified_voter(factory, consulate_for(factory, "ROM"), built.constituencies["S1"])
    db_session.commit()
    now = built.election.tokens_open + timedelta(minutes=1)
    assert send(app, db_session, now, batch_size=3) == {"opening": 4, "reminder": 0}
    assert sorted(m["To"] for m in outbox) == sorted(v.email for vs in built.voters.values() for v in vs)
    assert late.email not in [m["To"] for m in outbox]
    mail = next(m for m in outbox if m["To"] == french.email)
    assert mail["Subject"] == "Vous pouvez voter depuis l’étranger : Élection test"
    body = mail.get_content()
    assert "Europe/Paris" in body and "https://ovote.test/elections/test-election" in body \
        or "http://ovote.test/elections/test-election" in body
    english = next(m for m in outbox if m["To"] == built.voters["LON-S1"][0].email)
    assert english["Subject"] == "You can vote from abroad: Test election"
    assert send(app, db_session, now) == {"opening": 0, "reminder": 0}
    assert len(outbox) == 4


def test_nothing_is_sent_before_token_issuance_opens(app, db_session, outbox, built):
    assert send(app, db_session, built.election.tokens_open - timedelta(minutes=1)) == \
        {"opening": 0, "reminder": 0}
    assert outbox == []


def test_the_reminder_skips_those_who_opted_out(app, db_session, outbox, built):
    quiet = built.voters["LON-S1"][1]
    with app.test_request_context():
        outreach.set_reminders(db_session, quiet, False)
    db_session.commit()
    close = built.election.voting_closes
    assert send(app, db_session, close - timedelta(days=4))["reminder"] == 0
    sent = send(app, db_session, close - timedelta(days=2))
    assert sent == {"opening": 0, "reminder": 3}
    reminders = [m for m in outbox if m["Subject"].startswith("Reminder")]
    assert quiet.email not in [m["To"] for m in reminders] and len(reminders) == 3
    assert send(app, db_session, close - timedelta(days=1)) == {"opening": 0, "reminder": 0}
    assert send(app, db_session, close + timedelta(minutes=1)) == {"opening": 0, "reminder": 0}


def test_a_notice_another_host_claimed_is_not_sent_again(app, db_session, outbox, built):
    taken = built.voters["PAR-S1"][0]
    db_session.add(ElectionNotice(election_id=built.election.id, user_id=taken.id,
                                  notice=Notice.OPENING, sent_on=built.election.tokens_open.date()))
    db_session.commit()
    with app.test_request_context():
        claimed = outreach._claim(db_session, built.election, Notice.OPENING,
                                  [v.id for v in built.voters["PAR-S1"]], built.election.tokens_open.date())
    assert claimed == {built.voters["PAR-S1"][1].id}


def test_the_account_page_switches_reminders(app, client, db_session, login_as, built):
    voter = login_as(built.voters["PAR-S1"][0])
    page = client.get("/account").get_data(as_text=True)
    assert 'id="reminders-form"' in page
    from tests.conftest import csrf_token

    answer = client.post("/elections/reminders", data={"reminders": "no",
                                                       "csrf_token": csrf_token(client, "/account")})
    assert answer.status_code == 303
    db_session.expire_all()
    assert db_session.get(type(voter), voter.id).election_reminders is False


@pytest.fixture(scope="module")
def committing_app(tmp_path_factory):
    app = make_app(fresh_database("outreach", tmp_path_factory.mktemp("outreach")))
    upgrade_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


class SameContextFactory(Factory):
    """Makes users in the current app context's session (Factory.user pushes its own)."""

    def user(self, role, **fields):
        return self._user(role, **fields)


def test_two_hosts_at_once_mail_each_voter_once(committing_app):
    """Two runs in two threads with their own sessions, on a database that really commits."""
    app = committing_app
    runtime_of(app).mailer.outbox.clear()
    with app.app_context():
        built = build_election(SameContextFactory(app, db.session), consulates=("PAR", "LON", "ROM"),
                               voters_per_unit=5)
        now = built.election.tokens_open + timedelta(minutes=1)
        db.session.remove()
    barrier, results = threading.Barrier(2), []

    def host():
        with app.app_context():
            barrier.wait()
            with app.test_request_context():
                results.append(outreach.send_notices(db.session, settings=runtime_of(app).settings,
                                                     mailer=runtime_of(app).mailer, now=now,
                                                     batch_size=2))
            db.session.remove()

    threads = [threading.Thread(target=host) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sum(r["opening"] for r in results) == 15
    recipients = [m["To"] for m in app.extensions["ovote_outbox"]]
    assert len(recipients) == 15 == len(set(recipients))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ElectionNotice)) == 15
