"""One document number stands behind one verified application, whether it was given as a
national identity number or as a passport number (the table `verified_documents`)."""
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.extensions import db
from ovote.registration import services, verification
from ovote.registration.matching import document_index
from ovote.registration.models import Application, ApplicationState, DecisionAction, VerifiedDocument
from tests.conftest import Factory, make_app
from tests.databases import fresh_database
from tests.registration.conftest import RegistrationFactory, post

NUMBER = "AB123456"
BY_NATIONAL_ID = dict(national_id=NUMBER, passport_number="", passport_state="", passport_expiry=None)
BY_PASSPORT = dict(national_id="", passport_number=NUMBER, passport_state="PT",
                   passport_expiry=date(2031, 1, 1))


@pytest.fixture
def paris(factory):
    return factory.consulate(code="PAR", served=("FR",))


def decide(client, application, action, reason):
    url = f"/applications/{application.id}"
    return post(client, f"{url}/decision", {"action": action, "reason": reason}, form_url=url)


def confirm(client, application):
    url = f"/applications/{application.id}"
    return post(client, f"{url}/confirm", {}, form_url=url)


def held(db_session, application):
    return db_session.scalars(select(VerifiedDocument.document_index)
                              .where(VerifiedDocument.application_id == application.id)).all()


def audited(db_session, application, action):
    return db_session.query(AuditEvent).filter_by(target=f"application:{application.id}",
                                                  action=action).count()


def test_one_number_as_national_id_and_as_passport_is_verified_once(
        client, db_session, reg, paris, factory, login_as, outbox, runtime):
    reg.registry_entry(document_number=NUMBER)
    first = reg.application(consulate=paris, documents=BY_NATIONAL_ID)
    key = document_index(NUMBER, cipher=runtime.cipher)
    assert first.passport_index is None and first.national_id_index == key
    first_official, second_official = (factory.user(Role.OFFICIAL, consulate=paris) for _ in range(2))
    login_as(first_official)
    assert decide(client, first, "verify", "identity_confirmed").status_code == 303
    assert first.state is ApplicationState.VERIFIED
    assert held(db_session, first) == [key]

    second = reg.application(consulate=paris, documents=BY_PASSPORT, person={"surname": "Costa"})
    assert second.national_id_index is None and second.passport_index == key
    # The duplicate check sees the number in the other field: verifying needs four eyes ...
    assert decide(client, second, "verify", "reviewed_manually").status_code == 303
    assert second.state is ApplicationState.SUBMITTED and second.awaiting_confirmation
    mails = len(outbox)

    # ... and the database refuses the confirmation, with the reason and nothing changed.
    login_as(second_official)
    response = confirm(client, second)
    assert response.status_code == 409
    assert "Another verified application already uses this document number. Reject one of them." \
        in response.get_data(as_text=True)
    db_session.expire_all()
    second = db_session.get(Application, second.id)
    assert second.state is ApplicationState.SUBMITTED and second.awaiting_confirmation
    assert second.decided_at is None and second.confirmed_by_id is None
    assert [d.action for d in second.decisions] == [DecisionAction.PROPOSE_VERIFY]
    assert held(db_session, second) == [] and held(db_session, first) == [key]
    assert audited(db_session, second, "application.verify_confirmed") == 0
    assert len(outbox) == mails

    # Once the first voter withdraws, the number is free and the confirmation goes through.
    login_as(first.voter)
    assert post(client, "/register/withdraw", {"confirm": "y"}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Application, first.id).state is ApplicationState.WITHDRAWN
    assert held(db_session, first) == []
    login_as(second_official)
    assert confirm(client, second).status_code == 303
    db_session.expire_all()
    assert db_session.get(Application, second.id).state is ApplicationState.VERIFIED
    assert held(db_session, second) == [key]


def test_a_verified_application_holds_each_of_its_numbers_once_while_verified(
        db_session, reg, paris, factory, runtime):
    same = reg.application(consulate=paris, documents={"national_id": "CA1234567"})  # = passport
    two = reg.application(consulate=paris,
                          documents={"national_id": "ZX987654", "passport_number": "PB7654321"},
                          person={"surname": "Costa", "birth_date": date(1980, 5, 5)})
    first, second = (factory.user(Role.OFFICIAL, consulate=paris) for _ in range(2))
    for application in (same, two):
        assert verification.decide(db_session, application, official=first, action="verify",
                                   reason_code="reviewed_manually", settings=runtime.settings, cipher=runtime.cipher, mailer=runtime.mailer) is DecisionAction.PROPOSE_VERIFY
        verification.confirm(db_session, application, official=second, mailer=runtime.mailer)
    db_session.commit()
    assert same.state is two.state is ApplicationState.VERIFIED
    assert held(db_session, same) == [document_index("CA1234567", cipher=runtime.cipher)]
    assert sorted(held(db_session, two)) == sorted([document_index("ZX987654", cipher=runtime.cipher),
                                                    document_index("PB7654321", cipher=runtime.cipher)])
    services.withdraw(db_session, two, actor=two.voter, mailer=runtime.mailer)
    db_session.commit()
    assert held(db_session, two) == [] and held(db_session, same) == [document_index("CA1234567", cipher=runtime.cipher)]


def test_the_upgrade_records_the_applications_verified_before_it(tmp_path, capsys, runtime):
    """Applications verified before revision 0005 hold their numbers after it; of two that
    were verified on one number (possible before), the earlier keeps it and both are named."""
    app = make_app(fresh_database("verified_documents", tmp_path), UPLOAD_DIR=str(tmp_path / "uploads"))
    directory = app.extensions["migrate"].directory
    with app.app_context():
        upgrade(directory=directory)
        session = db.session
        reg = RegistrationFactory(app, Factory(app, session), session)
        reg.registry_entry(document_number=NUMBER)
        consulate = reg.base.consulate(code="PAR", served=("FR",))
        # (users made in this app context: Factory.user would push another one, with its own session)
        voters = [reg.base._user(Role.VOTER) for _ in range(3)]
        first = reg.application(voters[0], consulate, documents=BY_NATIONAL_ID)
        second = reg.application(voters[1], consulate, documents=BY_PASSPORT, person={"surname": "Costa"})
        draft = reg.application(voters[2], consulate, ApplicationState.DRAFT,
                                documents={"national_id": "QQ555555"})
        ids = first.id, second.id, draft.id
        session.remove()
        downgrade(directory=directory, revision="0004_login_throttles")
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE applications SET state = 'verified', decided_at = submitted_at "
                              "WHERE id IN (:a, :b)"), {"a": ids[0], "b": ids[1]})
        capsys.readouterr()
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT document_index, application_id FROM verified_documents")).all()
        key = document_index(NUMBER, cipher=runtime.cipher)
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(key, ids[0])]
    assert f"applications {ids[0]} and {ids[1]} are both verified on one document number" \
        in capsys.readouterr().err


def test_the_transitions_themselves_keep_the_verified_documents_in_line(db_session, reg, factory):
    """No caller has to remember it: `verify` writes the rows and `withdraw` frees them."""
    application = reg.application(documents=BY_PASSPORT)
    official = factory.user(Role.OFFICIAL, consulate=application.consulate)
    application.verify(official)
    assert held(db_session, application) == [application.passport_index]
    application.withdraw()
    assert held(db_session, application) == []
