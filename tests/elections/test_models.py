"""The election model owns its state machine; the database keeps a frozen definition fixed."""
from datetime import date, datetime

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role
from ovote.elections.models import (BallotStyle, BallotStyleContest, Contest, ContestOption,
                                    Election, ElectionFrozen, ElectionState, ElectionTrustee,
                                    IllegalElectionTransition, ReportingUnit)
from ovote.refusals import as_json

S = ElectionState


def bare_election(session, factory, *, frozen):
    """An election with one contest, option, style, trustee and unit, frozen or in its
    ceremony, written directly (no service) so that only the database's rules are tested."""
    consulate = factory.consulate("PAR")
    trustee = factory.user(Role.TRUSTEE)
    election = Election(slug="guarded", title={"en": "Guarded"}, timezone="UTC", threshold=1,
                        voting_opens=datetime(2027, 1, 1), voting_closes=datetime(2027, 1, 2),
                        election_day=date(2027, 1, 2), state=S.CEREMONY)
    contest = Contest(position=0, code="C1", labels={"en": "C"}, min_selections=0, max_selections=1,
                      options=[ContestOption(position=0, code="A", labels={"en": "A"})])
    election.contests.append(contest)
    style = BallotStyle(code="S1", election=election)
    style.style_contests.append(BallotStyleContest(contest=contest))
    election.trustees.append(ElectionTrustee(index=1, user=trustee))
    session.add(election)
    session.flush()
    session.add(ReportingUnit(election=election, code="PAR-S1", consulate=consulate, ballot_style=style,
                              rsa_n="00", rsa_e="010001", private_key_enc="sealed"))
    session.flush()
    if frozen:
        election.freeze(definition=b"{}", fingerprint="ab" * 32, ceremony_proofs=[],
                        receipt_key_enc="sealed")
        session.flush()
    return election


@pytest.mark.parametrize("state, move, target", [
    (S.DRAFT, "freeze_now", S.FROZEN),
    (S.DRAFT, "open", S.OPEN),
    (S.CEREMONY, "open", S.OPEN),
    (S.FROZEN, "close", S.CLOSED),
    (S.OPEN, "start_ceremony", S.CEREMONY),
    (S.CLOSED, "open", S.OPEN),
    (S.CLOSED, "publish", S.PUBLISHED),
    (S.PUBLISHED, "abandon_ceremony", S.DRAFT),
])
def test_illegal_transitions_are_refused_by_name(app, state, move, target):
    election = Election(slug="x", title={"en": "X"}, timezone="UTC", state=state)
    with pytest.raises(IllegalElectionTransition) as caught:
        if move == "freeze_now":
            election.freeze(definition=b"{}", fingerprint="0" * 64, ceremony_proofs=[],
                            receipt_key_enc="x")
        else:
            getattr(election, move)()
    assert caught.value.code == "election_illegal_transition"
    assert election.state is state
    with app.test_request_context():
        body, status = as_json(caught.value)
    assert status == 409
    assert body["error"] == "election_illegal_transition"
    assert str(state.label) in body["message"] and str(target.label) in body["message"]


def test_the_whole_life_in_order(app):
    election = Election(slug="x", title={"en": "X"}, timezone="UTC", state=S.DRAFT)
    election.start_ceremony()
    election.freeze(definition=b"{}", fingerprint="0" * 64, ceremony_proofs=[], receipt_key_enc="x")
    for move in ("open", "close", "start_tally", "finish_tally", "publish"):
        getattr(election, move)()
    assert election.state is S.PUBLISHED
    assert election.opened_at and election.closed_at and election.frozen_at


def test_only_a_draft_is_editable(app):
    election = Election(slug="x", title={"en": "X"}, timezone="UTC", state=S.DRAFT)
    election.check_editable()
    election.start_ceremony()
    with pytest.raises(ElectionFrozen):
        election.check_editable()


def _title(session, e):
    session.execute(update(Election).where(Election.id == e.id).values(title={"en": "Other"}))


def _fingerprint(session, e):
    session.execute(update(Election).where(Election.id == e.id).values(fingerprint="cd" * 32))


def _back_to_draft(session, e):
    session.execute(text("UPDATE elections SET state = 'draft', definition = NULL WHERE id = :i"),
                    {"i": e.id})


def _delete_election(session, e):
    session.execute(delete(Election).where(Election.id == e.id))


def _new_contest(session, e):
    session.execute(insert(Contest).values(election_id=e.id, position=5, code="C9",
                                           labels={"en": "x"}, min_selections=0, max_selections=1))


def _contest_max(session, e):
    session.execute(update(Contest).where(Contest.election_id == e.id).values(max_selections=0))


def _delete_contest(session, e):
    session.execute(delete(Contest).where(Contest.election_id == e.id))


def _option_label(session, e):
    session.execute(update(ContestOption).values(labels={"en": "B"}))


def _new_option(session, e):
    contest_id = e.contests[0].id
    session.execute(insert(ContestOption).values(contest_id=contest_id, position=1, code="B",
                                                 labels={"en": "B"}))


def _style_code(session, e):
    session.execute(update(BallotStyle).values(code="S2"))


def _style_contest_removed(session, e):
    session.execute(delete(BallotStyleContest))


def _unit_key(session, e):
    session.execute(update(ReportingUnit).values(rsa_n="01"))


def _unit_removed(session, e):
    session.execute(delete(ReportingUnit))


def _trustee_removed(session, e):
    session.execute(delete(ElectionTrustee))


CHANGES = [_title, _fingerprint, _back_to_draft, _delete_election, _new_contest, _contest_max,
           _delete_contest, _option_label, _new_option, _style_code, _style_contest_removed,
           _unit_key, _unit_removed, _trustee_removed]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__.strip("_") for c in CHANGES])
def test_the_database_refuses_to_change_a_frozen_definition(db_session, factory, change):
    election = bare_election(db_session, factory, frozen=True)
    with pytest.raises(IntegrityError):
        with db_session.begin_nested():
            change(db_session, election)
    db_session.expire_all()
    assert db_session.get(Election, election.id).title == {"en": "Guarded"}


@pytest.mark.parametrize("change", [c for c in CHANGES if c not in (_back_to_draft, _fingerprint)],
                         ids=lambda c: c.__name__.strip("_"))
def test_the_same_changes_pass_before_the_freeze(db_session, factory, change):
    election = bare_election(db_session, factory, frozen=False)
    with db_session.begin_nested():
        change(db_session, election)


def test_rotation_may_reseal_a_frozen_election_s_keys(db_session, factory):
    election = bare_election(db_session, factory, frozen=True)
    with db_session.begin_nested():
        db_session.execute(update(ReportingUnit).values(private_key_enc="resealed"))
        db_session.execute(update(Election).values(receipt_key_enc="resealed"))
        db_session.execute(update(Election).values(state="open"))


@pytest.mark.parametrize("values", [
    dict(min_selections=2, max_selections=1),
    dict(min_selections=-1, max_selections=1),
], ids=["min_above_max", "negative_min"])
def test_contest_bounds_are_checked_by_the_database(db_session, factory, values):
    election = bare_election(db_session, factory, frozen=False)
    with pytest.raises(IntegrityError):
        with db_session.begin_nested():
            db_session.execute(insert(Contest).values(election_id=election.id, position=7, code="C7",
                                                      labels={"en": "x"}, **values))
