"""The application's state machine and the database constraints behind it."""
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role
from ovote.registration.models import Application, ApplicationState, IllegalTransition

S = ApplicationState


@pytest.mark.parametrize("start, move", [
    (S.DRAFT, "verify"), (S.DRAFT, "reject"), (S.DRAFT, "request_information"),
    (S.VERIFIED, "submit"), (S.VERIFIED, "reject"), (S.REJECTED, "submit"), (S.REJECTED, "withdraw"),
    (S.WITHDRAWN, "submit"), (S.MORE_INFO, "verify"), (S.SUBMITTED, "submit"),
])
def test_illegal_transitions_are_refused(start, move):
    application = Application(state=start)
    official = SimpleNamespace(id=1)
    args = {"submit": (), "withdraw": ()}.get(move, (official,))
    with pytest.raises(IllegalTransition):
        getattr(application, move)(*args)
    assert application.state is start


def test_a_proposal_is_only_possible_while_submitted(factory):
    official = factory.user(Role.OFFICIAL)
    with pytest.raises(IllegalTransition):
        Application(state=S.MORE_INFO).propose_verification(official)


def test_one_application_in_play_per_voter(db_session, reg):
    application = reg.application(state=S.DRAFT)
    db_session.add(Application(voter_id=application.voter_id, state=S.DRAFT))
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_a_withdrawn_or_rejected_application_does_not_block_a_new_one(db_session, reg):
    application = reg.application(state=S.DRAFT)
    application.state, application.withdrawn_at = S.WITHDRAWN, application.updated_at
    db_session.flush()
    db_session.add(Application(voter_id=application.voter_id, state=S.DRAFT))
    db_session.flush()


def test_the_database_refuses_a_verification_by_one_and_the_same_pair_of_eyes(db_session, reg, factory):
    application = reg.application()
    official = factory.user(Role.OFFICIAL, consulate=application.consulate)
    with pytest.raises(IntegrityError):
        application.verify(official, confirmed_by=official)
        db_session.flush()
    db_session.rollback()


def test_the_database_refuses_a_submitted_application_without_a_submission_time(db_session, reg):
    application = reg.application(state=S.DRAFT)
    application.state = S.SUBMITTED
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()
