"""In-person returns: one official enters the paper counts, a second confirms or rejects;
the counts are checked against the poll book; the confirmed ones are the record's
in_person.json."""
import json

import pytest
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.consulates.models import Consulate
from ovote.elections.models import Contest
from ovote.record.results import check_in_person
from ovote.refusals import message_of, status_of
from ovote.registration.models import Application
from ovote.voting import in_person, poll_book
from ovote.voting.models import InPersonCount, InPersonReturn, ReturnState
from tests.voting.helpers import open_election, verified_voter


@pytest.fixture
def setup(app, db_session, factory):
    return open_election(app, db_session, factory)


@pytest.fixture
def officials(factory, db_session, setup):
    par, ber = (db_session.get(Consulate, i) for i in setup.consulate_ids)
    return {"first": factory.user(Role.OFFICIAL, consulate=par),
            "second": factory.user(Role.OFFICIAL, consulate=par),
            "berlin": factory.user(Role.OFFICIAL, consulate=ber)}


def mark_voters(app, db_session, setup, official, runtime, count, consulate=0):
    for _ in range(count):
        voter = verified_voter(app, db_session, setup, consulate=consulate)
        application = db_session.query(Application).filter_by(voter_id=voter.id).one()
        poll_book.mark(db_session, setup.election, application, official=official,
                       settings=runtime.settings)
    db_session.commit()


@pytest.fixture
def closed(app, db_session, setup, officials, runtime):
    """Three voters marked at PAR, one at BER, then voting closed."""
    mark_voters(app, db_session, setup, officials["first"], runtime, 3)
    mark_voters(app, db_session, setup, officials["berlin"], runtime, 1, consulate=1)
    setup.election.close()
    db_session.commit()
    return setup


def contest(db_session, setup, code):
    return db_session.query(Contest).filter_by(election_id=setup.election.id, code=code).one()


def test_entered_by_one_confirmed_by_another_and_given_as_the_record_has_it(db_session, closed,
                                                                            officials):
    president, referendum = contest(db_session, closed, "PRESIDENT"), contest(db_session, closed, "REFERENDUM")
    entry = in_person.enter(db_session, closed.election, president, [1, 2, 0], official=officials["first"])
    db_session.commit()
    assert entry.state is ReturnState.ENTERED and in_person.confirmed_returns(db_session, closed.election) == []
    in_person.confirm(db_session, closed.election, entry, official=officials["second"])
    # Blank ballots: the counts may add up to fewer than the voters.
    other = in_person.enter(db_session, closed.election, referendum, [1, 0], official=officials["second"])
    in_person.confirm(db_session, closed.election, other, official=officials["first"])
    berlin = in_person.enter(db_session, closed.election, president, [0, 0, 1], official=officials["berlin"])
    db_session.commit()
    returns = in_person.confirmed_returns(db_session, closed.election)
    first, second = officials["first"].id, officials["second"].id
    assert returns == [
        {"consulate": "PAR", "contest": "PRESIDENT", "counts": [1, 2, 0], "entered_by": first,
         "confirmed_by": second},
        {"consulate": "PAR", "contest": "REFERENDUM", "counts": [1, 0], "entered_by": second,
         "confirmed_by": first},
    ]  # Berlin's is not confirmed yet
    check_in_person(json.loads(closed.election.definition), returns)
    assert berlin.state is ReturnState.ENTERED
    actions = [e.action for e in db_session.query(AuditEvent).order_by(AuditEvent.seq)
               if e.action.startswith("voting.return")]
    assert actions == ["voting.return_entered", "voting.return_confirmed", "voting.return_entered",
                       "voting.return_confirmed", "voting.return_entered"]


def _refused(db_session, code, message, status, action, *args, **kw):
    before = (db_session.query(InPersonReturn).count(), db_session.query(InPersonCount).count(),
              db_session.query(AuditEvent).count(),
              [(r.id, r.state) for r in db_session.query(InPersonReturn)])
    with pytest.raises(in_person.ReturnRefused) as caught:
        action(db_session, *args, **kw)
    assert (caught.value.code, message_of(caught.value), status_of(caught.value)) == (code, message, status)
    db_session.rollback()
    after = (db_session.query(InPersonReturn).count(), db_session.query(InPersonCount).count(),
             db_session.query(AuditEvent).count(),
             [(r.id, r.state) for r in db_session.query(InPersonReturn)])
    assert after == before
    return caught.value


@pytest.mark.parametrize("counts, code, message, option", [
    ([1, -1, 0], "returns.bad_count", "Enter the votes for BEN as a whole number of 0 or more, like 12.", 1),
    ([1, 1], "returns.bad_count", "Enter the votes for ANA as a whole number of 0 or more, like 12.", 0),
    ([1, True, 0], "returns.bad_count", "Enter the votes for BEN as a whole number of 0 or more, like 12.", 1),
    ([0, 0, 4], "returns.count_above_voters",
     "CLEO cannot have 4 votes: only 3 voters with this contest on their ballot are marked in the poll book.", 2),
    ([2, 1, 1], "returns.total_above_voters",
     "The votes add up to 4, more than the 3 the poll book allows (3 voters, at most 1 choice(s) each). "
     "Check the counts.", None),
])
def test_counts_the_poll_book_cannot_account_for_are_refused(db_session, closed, officials, counts, code,
                                                            message, option):
    refusal = _refused(db_session, code, message, 422, in_person.enter, closed.election,
                       contest(db_session, closed, "PRESIDENT"), counts, official=officials["first"])
    assert refusal.option == option


def test_a_second_entry_is_refused_until_the_first_is_rejected(db_session, closed, officials):
    president = contest(db_session, closed, "PRESIDENT")
    entry = in_person.enter(db_session, closed.election, president, [1, 1, 1], official=officials["first"])
    db_session.commit()
    message = ("The counts of PRESIDENT have already been entered at this consulate. A second official "
               "confirms or rejects them; after a rejection they can be entered again.")
    _refused(db_session, "returns.already_entered", message, 409, in_person.enter, closed.election,
             president, [1, 1, 0], official=officials["second"])
    in_person.reject(db_session, closed.election, entry, official=officials["second"],
                     reason="The sheet says 2 for ANA.")
    db_session.commit()
    again = in_person.enter(db_session, closed.election, president, [2, 1, 0], official=officials["first"])
    db_session.commit()
    assert entry.state is ReturnState.REJECTED and entry.rejection_reason == "The sheet says 2 for ANA."
    assert in_person.in_play(db_session, closed.election, officials["first"].consulate, president) is again
    assert in_person.last_rejected(db_session, closed.election, officials["first"].consulate, president) is entry


def test_the_official_who_entered_cannot_confirm_or_reject(db_session, closed, officials):
    entry = in_person.enter(db_session, closed.election, contest(db_session, closed, "PRESIDENT"),
                            [1, 1, 1], official=officials["first"])
    db_session.commit()
    message = "A second official must confirm or reject: you entered these counts yourself."
    _refused(db_session, "returns.same_official", message, 403, in_person.confirm, closed.election,
             entry, official=officials["first"])
    _refused(db_session, "returns.same_official", message, 403, in_person.reject, closed.election,
             entry, official=officials["first"], reason="typo")


def test_the_database_itself_refuses_one_person_as_both(db_session, closed, officials):
    entry = in_person.enter(db_session, closed.election, contest(db_session, closed, "PRESIDENT"),
                            [1, 1, 1], official=officials["first"])
    db_session.commit()
    entry.state, entry.confirmed_at = ReturnState.CONFIRMED, entry.entered_at
    entry.confirmed_by_id = entry.entered_by_id
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_the_database_refuses_a_negative_count_and_two_returns_in_play(db_session, closed, officials):
    president = contest(db_session, closed, "PRESIDENT")
    entry = in_person.enter(db_session, closed.election, president, [1, 1, 1], official=officials["first"])
    db_session.commit()
    entry.counts[0].votes = -1
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()
    db_session.add(InPersonReturn(election_id=closed.election.id, consulate_id=entry.consulate_id,
                                  contest_id=president.id, entered_by_id=officials["second"].id,
                                  entered_at=entry.entered_at))
    with pytest.raises(IntegrityError):
        db_session.flush()
    db_session.rollback()


def test_an_official_of_another_consulate_cannot_confirm(db_session, closed, officials):
    entry = in_person.enter(db_session, closed.election, contest(db_session, closed, "PRESIDENT"),
                            [1, 1, 1], official=officials["first"])
    db_session.commit()
    _refused(db_session, "returns.other_consulate",
             "Only an official of this consulate can enter or confirm its returns.", 403,
             in_person.confirm, closed.election, entry, official=officials["berlin"])


def test_confirming_twice_is_refused(db_session, closed, officials, factory):
    entry = in_person.enter(db_session, closed.election, contest(db_session, closed, "PRESIDENT"),
                            [1, 1, 1], official=officials["first"])
    in_person.confirm(db_session, closed.election, entry, official=officials["second"])
    db_session.commit()
    third = factory.user(Role.OFFICIAL, consulate=officials["first"].consulate)
    _refused(db_session, "returns.nothing_to_confirm",
             "These counts are no longer waiting for confirmation: they were confirmed or rejected meanwhile.",
             409, in_person.reject, closed.election, entry, official=third, reason="no")


def test_a_rejection_needs_a_reason(db_session, closed, officials):
    entry = in_person.enter(db_session, closed.election, contest(db_session, closed, "PRESIDENT"),
                            [1, 1, 1], official=officials["first"])
    db_session.commit()
    _refused(db_session, "returns.reason_required", "Say why you reject the counts.", 422,
             in_person.reject, closed.election, entry, official=officials["second"], reason="  ")


def test_a_rejection_reason_has_a_length_and_visible_characters(db_session, closed, officials):
    entry = in_person.enter(db_session, closed.election, contest(db_session, closed, "PRESIDENT"),
                            [1, 1, 1], official=officials["first"])
    db_session.commit()
    _refused(db_session, "returns.reason_too_long", "Write at most 2000 characters.", 422,
             in_person.reject, closed.election, entry, official=officials["second"], reason="x" * 2001)
    _refused(db_session, "text.control_characters", "Remove the control characters from this field.", 422,
             in_person.reject, closed.election, entry, official=officials["second"], reason="a\x00b")


def test_returns_wait_for_voting_to_close(app, db_session, setup, officials):
    _refused(db_session, "returns.not_open",
             "Returns are entered after voting closes and until the tally is done: not now.", 409,
             in_person.enter, setup.election, contest(db_session, setup, "PRESIDENT"), [0, 0, 0],
             official=officials["first"])


def test_only_contests_the_consulate_carries(app, db_session, factory, closed, officials, runtime):
    """A contest of another election is refused (as is one no unit of the consulate carries)."""
    from ovote.consulates.models import Constituency
    from ovote.voting.setup import build_open_election
    from tests.voting.helpers import unit_keys

    with app.app_context():
        other = build_open_election(db_session, slug="elsewhere", consulates=[factory.consulate("OSL")],
                                    constituency=db_session.get(Constituency, closed.constituency_id),
                                    unit_keys=unit_keys(1), cipher=runtime.cipher)
    db_session.commit()
    foreign = db_session.query(Contest).filter_by(election_id=other.election.id, code="PRESIDENT").one()
    _refused(db_session, "returns.contest_not_carried",
             "The ballots of this consulate do not carry the contest PRESIDENT.", 422,
             in_person.enter, closed.election, foreign, [0, 0, 0], official=officials["first"])


def test_the_overview_lists_each_carried_contest_with_its_voters(db_session, closed, officials):
    rows = in_person.overview(db_session, closed.election, officials["first"].consulate)
    assert [(r["contest"].code, r["voters"], r["entry"], r["rejected"]) for r in rows] == [
        ("PRESIDENT", 3, None, None), ("REFERENDUM", 3, None, None)]
