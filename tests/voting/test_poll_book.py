"""The poll book: an official marks a voter of their consulate as having voted in person;
every refusal has its message and stores nothing; token issuance refuses a marked voter."""
import json
from datetime import date, timedelta

import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.consulates.models import Consulate
from ovote.elections.models import ElectionState
from ovote.refusals import message_of, status_of
from ovote.registration.matching import document_index, person_index
from ovote.registration.models import Application, VotingChannel
from ovote.voting import issuance, poll_book
from ovote.voting.models import PollBookEntry, TokenIssuance
from tests.voting.helpers import VoterClient, definition_of, open_election, verified_voter


@pytest.fixture
def setup(app, db_session, factory):
    return open_election(app, db_session, factory)


@pytest.fixture
def official(factory, db_session, setup):
    return factory.user(Role.OFFICIAL, consulate=db_session.get(Consulate, setup.consulate_ids[0]))


def application_of(db_session, voter):
    return db_session.query(Application).filter_by(voter_id=voter.id).one()


def _mark(db_session, setup, application, official, runtime, **kw):
    return poll_book.mark(db_session, setup.election, application, official=official,
                          settings=runtime.settings, **kw)


def test_an_official_marks_a_voter_of_their_consulate(app, db_session, setup, official, runtime):
    voter = verified_voter(app, db_session, setup)
    application = application_of(db_session, voter)
    entry = _mark(db_session, setup, application, official, runtime)
    db_session.commit()
    assert (entry.voter_id, entry.marked_by_id, entry.unit.code) == (voter.id, official.id, "PAR-S1")
    assert entry.marked_at is not None
    assert poll_book.marked_count(db_session, setup.election, official.consulate) == 1
    event = db_session.query(AuditEvent).filter_by(action="voting.poll_book_mark").one()
    assert event.actor == f"user:{official.id}" and event.target == f"application:{application.id}"
    assert json.loads(event.details) == {"election": setup.slug, "consulate": "PAR", "unit": "PAR-S1"}


def _refused(db_session, setup, application, official, runtime, code, message, **kw):
    before = db_session.query(PollBookEntry).count(), db_session.query(AuditEvent).count()
    with pytest.raises(poll_book.PollBookRefused) as caught:
        _mark(db_session, setup, application, official, runtime, **kw)
    assert caught.value.code == code
    assert message_of(caught.value) == message
    assert status_of(caught.value) == 409
    db_session.rollback()
    assert (db_session.query(PollBookEntry).count(), db_session.query(AuditEvent).count()) == before


def test_a_voter_of_another_consulate_is_refused(app, db_session, setup, official, runtime):
    voter = verified_voter(app, db_session, setup, consulate=1)
    _refused(db_session, setup, application_of(db_session, voter), official, runtime,
             "poll_book.other_consulate",
             "This voter is registered at another consulate: they can vote in person only there (or online).")


def test_a_voter_marked_twice_is_refused(app, db_session, setup, official, runtime, factory):
    voter = verified_voter(app, db_session, setup)
    application = application_of(db_session, voter)
    _mark(db_session, setup, application, official, runtime)
    db_session.commit()
    colleague = factory.user(Role.OFFICIAL, consulate=official.consulate)
    _refused(db_session, setup, application, colleague, runtime, "poll_book.already_marked",
             "This voter is already marked in the poll book: they have voted in person. Do not give "
             "them a ballot paper.")


def test_a_voter_with_a_token_is_refused(app, db_session, setup, official, runtime):
    voter = verified_voter(app, db_session, setup)
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    device.login(voter.email)
    assert device.get_token("PAR-S1").status_code == 201
    _refused(db_session, setup, application_of(db_session, voter), official, runtime,
             "poll_book.token_issued",
             "This voter has taken a ballot token to vote online: they cannot also vote in person. "
             "Do not give them a ballot paper.")


@pytest.mark.parametrize("change, code, message", [
    (lambda a, s: a.withdraw(), "poll_book.not_registered",
     "This person is not on the overseas register: their registration is not verified."),
    (lambda a, s: setattr(a, "voting_channel", VotingChannel.POSTAL), "poll_book.postal_voter",
     "This voter chose to vote by post: they cannot also vote in person."),
    (lambda a, s: setattr(a, "birth_date", s.election.election_day - timedelta(days=365 * 10)),
     "poll_book.too_young", "This voter is under the minimum voting age on election day."),
    (lambda a, s: setattr(s.election, "registration_deadline", a.first_submitted_at - timedelta(days=1)),
     "poll_book.registered_too_late",
     "This voter registered after the election's registration deadline: they cannot vote in it."),
])
def test_a_voter_who_may_not_vote_is_refused(app, db_session, setup, official, runtime, change, code,
                                             message):
    application = application_of(db_session, verified_voter(app, db_session, setup))
    change(application, setup)
    db_session.flush()
    _refused(db_session, setup, application, official, runtime, code, message)


def test_a_voter_whose_constituency_has_no_ballot_here_is_refused(app, db_session, setup, official,
                                                                  runtime):
    from ovote.consulates.models import Constituency

    other = Constituency(code="ELSEWHERE", name="Elsewhere")
    db_session.add(other)
    db_session.flush()
    application = application_of(db_session, verified_voter(app, db_session, setup))
    application.constituency_id = other.id
    db_session.flush()
    _refused(db_session, setup, application, official, runtime, "poll_book.no_ballot",
             "This voter's home constituency has no ballot at this consulate in this election.")


@pytest.mark.parametrize("state", [ElectionState.FROZEN, ElectionState.CLOSED])
def test_the_poll_book_is_open_only_while_voting_is(app, db_session, factory, runtime, state):
    setup = open_election(app, db_session, factory, slug=f"pb-{state.value}", state=state)
    official = factory.user(Role.OFFICIAL, consulate=db_session.get(Consulate, setup.consulate_ids[0]))
    application = application_of(db_session, verified_voter(app, db_session, setup))
    _refused(db_session, setup, application, official, runtime, "poll_book.closed",
             "The poll book is not open: voters are marked only while the election is open for voting.")


def test_after_the_closing_time_the_poll_book_is_closed(app, db_session, setup, official, runtime):
    application = application_of(db_session, verified_voter(app, db_session, setup))
    _refused(db_session, setup, application, official, runtime, "poll_book.closed",
             "The poll book is not open: voters are marked only while the election is open for voting.",
             now=setup.election.voting_closes)


def test_a_voter_marked_in_the_poll_book_gets_no_token(app, db_session, setup, official, runtime):
    voter = verified_voter(app, db_session, setup)
    _mark(db_session, setup, application_of(db_session, voter), official, runtime)
    db_session.commit()
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    device.login(voter.email)
    response = device.get_token("PAR-S1")
    assert response.status_code == 409
    assert response.get_json() == {
        "error": "voted_in_person",
        "message": "You voted in person at your consulate in this election: you cannot also get a "
                   "ballot token to vote online."}
    assert db_session.query(TokenIssuance).filter_by(voter_id=voter.id).count() == 0
    assert db_session.query(AuditEvent).filter_by(action="voting.token_issued").count() == 0
    assert issuance.voted_in_person(db_session, setup.election, voter)


# -- finding a voter --------------------------------------------------------------------

def _with_identity(db_session, voter, cipher, *, passport="PT1234567", surname="Almeida",
                   given="Dora", born=date(1980, 5, 17)):
    application = application_of(db_session, voter)
    application.passport_index = document_index(passport, cipher=cipher)
    application.person_index = person_index(surname, given, born, cipher=cipher)
    application.birth_date = born
    db_session.flush()
    return application


def _search(db_session, setup, official, runtime, **kw):
    return poll_book.search(db_session, setup.election, consulate=official.consulate,
                            settings=runtime.settings, cipher=runtime.cipher, **kw)


def test_a_voter_is_found_by_reference_document_number_or_name_and_birth_date(
        app, db_session, setup, official, runtime):
    application = _with_identity(db_session, verified_voter(app, db_session, setup), runtime.cipher)
    for kw in ({"number": f"OV-{application.id:06d}"}, {"number": f"ov {application.id}"},
               {"number": "pt 123 4567"},
               {"surname": "ALMEIDA", "given_names": "dora", "birth_date": date(1980, 5, 17)}):
        found = _search(db_session, setup, official, runtime, **kw)
        assert [(f.application.id, f.refusal, f.ours) for f in found] == [(application.id, None, True)], kw
    assert _search(db_session, setup, official, runtime, surname="Almeida", given_names="Dora",
                   birth_date=date(1980, 5, 18)) == []
    assert _search(db_session, setup, official, runtime, number="PT7654321") == []


def test_a_search_says_why_a_found_voter_cannot_be_marked(app, db_session, setup, official, runtime):
    here = _with_identity(db_session, verified_voter(app, db_session, setup), runtime.cipher)
    _mark(db_session, setup, here, official, runtime)
    elsewhere = _with_identity(db_session, verified_voter(app, db_session, setup, consulate=1),
                               runtime.cipher, passport="DE1111111")
    [found] = _search(db_session, setup, official, runtime, number="PT1234567")
    assert found.refusal.code == "poll_book.already_marked" and found.entry.marked_by_id == official.id
    [found] = _search(db_session, setup, official, runtime, number="DE1111111")
    assert found.refusal.code == "poll_book.other_consulate" and not found.ours
    assert found.application.id == elsewhere.id


def test_an_unverified_application_is_not_found(app, db_session, setup, official, runtime):
    application = _with_identity(db_session, verified_voter(app, db_session, setup), runtime.cipher)
    application.withdraw()
    db_session.flush()
    assert _search(db_session, setup, official, runtime, number=f"OV-{application.id}") == []


def test_the_entry_cannot_be_joined_to_anything_online(app, db_session, setup, official, runtime):
    """The poll book holds the voter, the official, the unit and the time; the board holds
    ballots. They share no column but the election and the unit."""
    from ovote.voting.models import BoardEntry

    shared = {c.name for c in PollBookEntry.__table__.columns} & {c.name for c in BoardEntry.__table__.columns}
    assert shared == {"id", "election_id", "unit_id"}
