"""`ovote registration purge`: the personal data of ended applications is deleted when the
privacy notice says, and nothing else is touched."""
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.audit.services import verify_chain
from ovote.elections.models import ElectionState
from ovote.extensions import db
from ovote.elections.retention import months_before, purge_expired
from ovote.registration.models import (PURGED_COLUMNS, Application, ApplicationState, CheckResult,
                                       Decision, DecisionAction)
from ovote.runtime import runtime as runtime_of
from tests.conftest import Factory
from tests.elections.factories import build_election
from tests.registration.conftest import DOCUMENTS, PERSON, RegistrationFactory
from tests.test_concurrency import race

S = ApplicationState
NOW = datetime(2027, 6, 15, 12, 0)
CUTOFF = datetime(2026, 6, 15, 12, 0)  # 12 months (OVOTE_RETENTION_MONTHS' default) before NOW
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize("moment, months, expected", [
    (datetime(2027, 6, 15, 12, 0), 12, datetime(2026, 6, 15, 12, 0)),
    (datetime(2027, 3, 31, 8, 30), 1, datetime(2027, 2, 28, 8, 30)),
    (datetime(2028, 3, 31), 1, datetime(2028, 2, 29)),
    (datetime(2027, 1, 10), 13, datetime(2025, 12, 10)),
    (datetime(2027, 1, 10), 0, datetime(2027, 1, 10)),
])
def test_months_before_counts_calendar_months(moment, months, expected):
    assert months_before(moment, months) == expected


@pytest.fixture
def reg(app, factory, db_session):
    return RegistrationFactory(app, factory, db_session)


def ended(reg, factory, session, state, at, *, note="Please call the consulate"):
    """A submitted application (with its document and check results) rejected or withdrawn at `at`."""
    application = reg.application(voter=factory._user(Role.VOTER))
    if state is S.REJECTED:
        official = factory._user(Role.OFFICIAL, consulate=application.consulate)
        application.reject(official, now=at)
        application.decision_reason, application.decision_note = "not_in_registry", note
        session.add(Decision(application=application, official=official, action=DecisionAction.REJECT,
                             reason_code="not_in_registry", note=note, at=at))
    else:
        application.withdraw(now=at)
    session.commit()
    return application


def document_path(app, name):
    return runtime_of(app).documents._path(name)


def purge(app, session, **kwargs):
    rt = runtime_of(app)
    return purge_expired(session, actor="cli", settings=rt.settings, documents=rt.documents,
                         now=kwargs.pop("now", NOW), **kwargs)


def purge_events(session):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == "application.purge")
                           .order_by(AuditEvent.seq)).all()


@pytest.fixture
def boundary(app, reg, factory, db_session):
    """Applications on each side of the cutoff, and some that are never due."""
    made = {
        "rejected_at_cutoff": ended(reg, factory, db_session, S.REJECTED, CUTOFF),
        "rejected_after_cutoff": ended(reg, factory, db_session, S.REJECTED, CUTOFF + SECOND),
        "withdrawn_long_ago": ended(reg, factory, db_session, S.WITHDRAWN, datetime(2024, 1, 1)),
        "withdrawn_at_cutoff": ended(reg, factory, db_session, S.WITHDRAWN, CUTOFF),
        "withdrawn_after_cutoff": ended(reg, factory, db_session, S.WITHDRAWN, CUTOFF + SECOND),
        "submitted_long_ago": reg.application(),
        "draft": reg.application(state=S.DRAFT),
    }
    for name in ("submitted_long_ago", "draft"):
        made[name].created_at = made[name].updated_at = datetime(2023, 1, 1)
        if made[name].submitted_at:
            made[name].submitted_at = made[name].first_submitted_at = datetime(2023, 1, 1)
    verified = reg.application(documents={"passport_number": "VV7654321"})
    official = factory.user(Role.OFFICIAL, consulate=verified.consulate)
    verified.verify(official, now=datetime(2023, 1, 2))
    made["verified_long_ago"] = verified
    db_session.commit()
    return made


DUE = ("rejected_at_cutoff", "withdrawn_long_ago", "withdrawn_at_cutoff")


def test_exactly_the_applications_ended_by_the_cutoff_lose_their_personal_data(app, db_session, boundary):
    files = {name: a.document_file for name, a in boundary.items()}
    assert all(document_path(app, f).exists() for f in files.values())
    report = purge(app, db_session)

    assert sorted(report.purged[S.REJECTED] + report.purged[S.WITHDRAWN]) == \
        sorted(boundary[name].id for name in DUE)
    assert report.documents == 3 and report.held == 0
    for name, application in boundary.items():
        row = db_session.get(Application, application.id)
        db_session.refresh(row)
        if name in DUE:
            assert row.purged_at == NOW
            assert all(getattr(row, column) is None for column in PURGED_COLUMNS)
            assert (row.passport_state, row.residence_country, row.constituency_id, row.voting_channel) \
                == (None, None, None, None)
            assert not document_path(app, files[name]).exists()
            assert db_session.scalar(select(CheckResult.id).where(CheckResult.application_id == row.id)) is None
            assert all(d.note is None for d in row.decisions)
            # the anonymous record: state, dates, consulate, the decision's reason code
            assert row.state in (S.REJECTED, S.WITHDRAWN) and row.consulate_id is not None
            assert row.submitted_at is not None and row.created_at is not None
        else:
            assert row.purged_at is None
            assert row.surname_enc is not None and row.passport_index is not None
            assert row.birth_date == PERSON["birth_date"]
            assert document_path(app, files[name]).exists()
    rejected = db_session.get(Application, boundary["rejected_at_cutoff"].id)
    assert rejected.decision_reason == "not_in_registry" and rejected.decided_at == CUTOFF
    assert [d.reason_code for d in rejected.decisions] == ["not_in_registry"]


def test_each_purge_is_audited_without_personal_data_and_the_chain_holds(app, db_session, boundary):
    purge(app, db_session)
    events = purge_events(db_session)
    assert sorted(e.target for e in events) == sorted(f"application:{boundary[n].id}" for n in DUE)
    assert {json.loads(e.details)["state"] for e in events} == {"rejected", "withdrawn"}
    assert all(json.loads(e.details)["document"] is True for e in events)
    assert verify_chain(db_session) is None


def test_no_audit_event_of_an_application_holds_its_personal_data(app, db_session, boundary):
    """The audit chain is immutable, so it must never have held what the purge deletes."""
    purge(app, db_session)
    secrets = [PERSON["surname"], PERSON["given_names"], "Porto", DOCUMENTS["passport_number"],
               "VV7654321", "rue de la Paix", "75002", "142685300", "1990-01-15", "Please call"]
    for event in db_session.scalars(select(AuditEvent)):
        text = f"{event.actor} {event.target} {event.details}"
        assert not [s for s in secrets if s.lower() in text.lower()], (event.action, text)


def test_a_dry_run_changes_nothing(app, db_session, boundary):
    before = {a.id: (a.surname_enc, a.document_file) for a in boundary.values()}
    events = db_session.query(AuditEvent).count()
    report = purge(app, db_session, dry_run=True)
    assert sorted(report.purged[S.REJECTED] + report.purged[S.WITHDRAWN]) == \
        sorted(boundary[name].id for name in DUE)
    assert report.documents == 3
    db_session.expire_all()
    for application_id, (sealed, name) in before.items():
        row = db_session.get(Application, application_id)
        assert (row.surname_enc, row.document_file, row.purged_at) == (sealed, name, None)
        assert document_path(app, name).exists()
    assert db_session.query(AuditEvent).count() == events


def test_a_second_run_deletes_nothing_more(app, db_session, boundary):
    assert purge(app, db_session).count == 3
    events = db_session.query(AuditEvent).count()
    again = purge(app, db_session)
    assert again.count == 0 and again.documents == 0
    assert db_session.query(AuditEvent).count() == events


def test_the_period_is_the_setting(app, db_session, reg, factory, reconfigure):
    application = ended(reg, factory, db_session, S.REJECTED, datetime(2027, 4, 1))
    assert purge(app, db_session).count == 0
    reconfigure(RETENTION_MONTHS=2)
    assert purge(app, db_session).purged[S.REJECTED] == [application.id]


def test_voters_needed_by_an_election_not_yet_published_are_kept_until_it_is(app, db_session, reg,
                                                                                factory):
    built = build_election(factory, state="open")
    election = built.election
    election.frozen_at = datetime(2025, 1, 1)
    # on the register now (of the election), with an old rejected application
    registered = built.voters["PAR-S1"][0]
    old_rejected = ended(reg, factory, db_session, S.REJECTED, datetime(2024, 6, 1))
    old_rejected.voter_id = registered.id
    # verified, then withdrawn after the election was frozen (and more than 12 months ago)
    left = reg.application(documents={"passport_number": "LL1234567"})
    official = factory.user(Role.OFFICIAL, consulate=left.consulate)
    left.verify(official, now=datetime(2025, 2, 1))
    left.withdraw(now=datetime(2025, 3, 1))
    # verified and withdrawn before the freeze: the election never counted them
    before = reg.application(documents={"passport_number": "BB1234567"})
    before.verify(official, now=datetime(2024, 2, 1))
    before.withdraw(now=datetime(2024, 3, 1))
    # withdrawn after the freeze, never verified: not on any register
    never = ended(reg, factory, db_session, S.WITHDRAWN, datetime(2025, 3, 1))
    db_session.commit()

    report = purge(app, db_session)
    assert sorted(report.purged[S.WITHDRAWN]) == sorted([before.id, never.id])
    assert report.purged[S.REJECTED] == [] and report.held == 2
    assert db_session.get(Application, old_rejected.id).surname_enc is not None

    election.close()
    election.start_tally()
    election.finish_tally()
    db_session.commit()
    assert purge(app, db_session).count == 0  # tallied is not published yet
    election.publish()
    db_session.commit()
    assert election.state is ElectionState.PUBLISHED
    report = purge(app, db_session)
    assert report.purged[S.REJECTED] == [old_rejected.id] and report.purged[S.WITHDRAWN] == [left.id]
    assert report.held == 0


def test_the_command_prints_a_summary_and_a_dry_run_says_so(app, db_session, boundary):
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["registration", "purge", "--dry-run", "--now", NOW.isoformat()])
    assert dry.exit_code == 0, dry.output
    assert "ended on or before 2026-06-15 12:00 UTC" in dry.output
    assert "rejected   would delete 1" in dry.output and "withdrawn  would delete 2" in dry.output
    assert "would delete the personal data of 3 application(s); run without --dry-run" in dry.output
    assert db_session.get(Application, boundary["rejected_at_cutoff"].id).purged_at is None
    done = runner.invoke(args=["registration", "purge", "--now", NOW.isoformat(), "--batch-size", "2"])
    assert done.exit_code == 0, done.output
    assert "documents  deleted 3" in done.output and "deleted the personal data of 3" in done.output
    again = runner.invoke(args=["registration", "purge", "--now", NOW.isoformat()])
    assert "deleted the personal data of 0 application(s)" in again.output


@pytest.mark.parametrize("locale, words", [
    ("en", "The personal data of this application was deleted on June 15, 2027"),
    ("fr", "Les données personnelles de cette demande ont été supprimées le 15 juin 2027"),
    ("es", "Los datos personales de esta solicitud se eliminaron el 15 de junio de 2027"),
    ("pt", "Os dados pessoais deste pedido foram excluídos em 15 de junho de 2027"),
])
def test_the_status_page_of_a_purged_application_says_so(app, client, db_session, reg, factory,
                                                          login_as, locale, words):
    application = ended(reg, factory, db_session, S.WITHDRAWN, datetime(2024, 1, 1))
    application.voter.locale = locale
    db_session.commit()
    purge(app, db_session)
    login_as(application.voter)
    page = client.get("/register/").get_data(as_text=True)
    assert words in page
    assert 'href="/privacy#how-long"' in page
    assert client.get("/register/document").status_code == 404


def test_an_official_sees_that_the_data_was_deleted(app, client, db_session, reg, factory, login_as):
    application = ended(reg, factory, db_session, S.REJECTED, datetime(2024, 1, 1))
    purge(app, db_session)
    login_as(factory.user(Role.OFFICIAL, consulate=application.consulate))
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert 'id="data-deleted"' in page and PERSON["surname"] not in page
    assert "Open the identity document" not in page
    assert "Personal data deleted" in client.get("/applications/").get_data(as_text=True)
    assert client.get(f"/applications/{application.id}/document").status_code == 302


def test_the_privacy_notice_states_the_rule(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "12 months after it was rejected or withdrawn" in page
    assert "until the results of that election are published" in page


@pytest.fixture(scope="module")
def committing_app(tmp_path_factory):
    from tests.conftest import make_app
    from tests.databases import fresh_database, upgrade_to_head

    folder = tmp_path_factory.mktemp("retention")
    app = make_app(fresh_database("retention", folder), UPLOAD_DIR=str(folder / "uploads"))
    upgrade_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_two_runs_at_once_delete_each_application_once(committing_app):
    app = committing_app
    with app.app_context():
        base = Factory(app, db.session)
        registration = RegistrationFactory(app, base, db.session)
        ids = [ended(registration, base, db.session, state, datetime(2024, 1, 1)).id
               for state in (S.REJECTED, S.WITHDRAWN) * 4]
        db.session.remove()

    def run():
        with app.app_context():
            report = purge(app, db.session, batch_size=3)
            db.session.remove()
            return report

    reports = race([run, run])
    purged = [i for report in reports for i in report.purged[S.REJECTED] + report.purged[S.WITHDRAWN]]
    assert sorted(purged) == sorted(ids)  # every one once, by one run or the other
    with app.app_context():
        events = purge_events(db.session)
        assert sorted(int(e.target.split(":")[1]) for e in events) == sorted(ids)
        assert verify_chain(db.session) is None
        assert db.session.query(Application).filter(Application.purged_at.is_(None)).count() == 0


def test_the_database_refuses_a_purged_row_with_personal_data_and_a_withdrawal_without_its_time(
        db_session, reg, factory):
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    application = ended(reg, factory, db_session, S.REJECTED, datetime(2024, 1, 1))
    for values in ({"purged_at": NOW}, {"state": S.WITHDRAWN, "withdrawn_at": None}):
        with pytest.raises(IntegrityError):
            with db_session.begin_nested():
                db_session.execute(update(Application).where(Application.id == application.id)
                                   .values(**values))
    live = reg.application()
    with pytest.raises(IntegrityError):
        with db_session.begin_nested():
            db_session.execute(update(Application).where(Application.id == live.id)
                               .values(purged_at=NOW, **{c: None for c in PURGED_COLUMNS}))


def test_an_applicant_without_a_valid_document_loses_their_reason_and_the_check_notes(app, db_session, reg,
                                                                                      factory):
    from ovote.registration import in_person
    from ovote.registration.in_person_models import IdentityCheck

    application = reg.application(voter=factory._user(Role.VOTER), no_document={})
    official = factory._user(Role.OFFICIAL, consulate=application.consulate)
    in_person.record_identity_check(db_session, application, official=official, confirmed=False,
                                    documents_seen=["birth_certificate"], notes="The photo does not match.",
                                    cipher=runtime_of(app).cipher, now=CUTOFF - SECOND)
    application.reject(official, now=CUTOFF)
    db_session.commit()
    assert application.no_document_explanation_enc and application.documents_held

    purge(app, db_session)
    db_session.expire_all()
    application = db_session.get(Application, application.id)
    assert application.purged_at is not None
    assert (application.no_document_reason, application.no_document_explanation_enc,
            application.documents_held) == (None, None, None)
    check = db_session.scalars(select(IdentityCheck).where(IdentityCheck.application_id == application.id)).one()
    assert check.notes_enc is None and check.identity_confirmed is False
