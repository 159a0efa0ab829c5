"""Officials acting on one application at the same moment, on a database that really commits:
one decision wins, the others are refused, and the voter gets one e-mail."""
from types import SimpleNamespace

import pytest

from ovote.accounts.models import Role
from ovote.extensions import db
from ovote.registration.models import Application, ApplicationState, Decision
from tests.conftest import Factory, csrf_token, log_in, make_app
from tests.databases import fresh_database, upgrade_to_head
from tests.registration.conftest import RegistrationFactory
from tests.test_concurrency import race

OFFICIALS = 4


@pytest.fixture(scope="module")
def committing_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decisions")
    app = make_app(fresh_database("decisions", folder), UPLOAD_DIR=str(folder / "uploads"))
    upgrade_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_simultaneous_decisions_leave_one_decision(committing_app):
    app = committing_app
    base = Factory(app, db.session)
    with app.app_context():
        paris = base.consulate(code="PAR", served=("FR",))
        officials = [base._user(Role.OFFICIAL, consulate=paris) for _ in range(OFFICIALS)]
        registration = RegistrationFactory(app, base, db.session)
        registration.registry_entry()
        application = registration.application(voter=base._user(Role.VOTER), consulate=paris)
        application_id = application.id
        who = [SimpleNamespace(session_token=o.session_token) for o in officials]
        app.extensions["ovote_outbox"].clear()
        db.session.remove()
    posts = []
    for index, official in enumerate(who):
        client = app.test_client()
        log_in(app, client, official)
        url = f"/applications/{application_id}"
        token = csrf_token(client, url)
        action, reason = (("verify", "identity_confirmed") if index % 2 else
                          ("reject", "not_in_registry"))
        posts.append(lambda c=client, u=url, t=token, a=action, r=reason: c.post(
            f"{u}/decision", data={"action": a, "reason": r, "csrf_token": t}))
    responses = race(posts)
    assert sorted(r.status_code for r in responses) == [303] + [409] * (OFFICIALS - 1)
    with app.app_context():
        application = db.session.get(Application, application_id)
        assert application.state in (ApplicationState.VERIFIED, ApplicationState.REJECTED)
        assert db.session.query(Decision).filter_by(application_id=application_id).count() == 1
    assert len(app.extensions["ovote_outbox"]) == 1
