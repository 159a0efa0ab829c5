"""Who may vote: a verified registration at a consulate with a unit for the voter's ballot
style, old enough on the election day (which the register's age check also uses)."""
from dataclasses import replace
from datetime import date, timedelta

import pytest

from ovote.elections.eligibility import age_reference_date, eligibility, next_election_day
from ovote.registration import checks
from ovote.runtime import runtime as runtime_of
from tests.elections.factories import build_election, consulate_for, constituency_for, verified_voter


@pytest.fixture
def built(app, factory, db_session):
    return build_election(factory, consulates=("PAR",))


def test_a_verified_voter_of_a_unit_is_eligible(app, db_session, built):
    with app.app_context():
        found = eligibility(db_session, built.election, built.voters["PAR-S1"][0],
                            settings=runtime_of(app).settings)
    assert found.eligible and found.unit.code == "PAR-S1"


def test_why_others_are_not(app, factory, db_session, built):
    day = age_reference_date(built.election)
    young = verified_voter(factory, consulate_for(factory, "PAR"), built.constituencies["S1"],
                           birth_date=day.replace(year=day.year - 18) + timedelta(days=1))
    elsewhere = verified_voter(factory, consulate_for(factory, "ROM"), built.constituencies["S1"])
    unmapped = verified_voter(factory, consulate_for(factory, "PAR"), constituency_for(db_session, "LOST"))
    nobody = factory.user()
    with app.app_context():
        reasons = [eligibility(db_session, built.election, u, settings=runtime_of(app).settings).reason for u in (young, elsewhere, unmapped, nobody)]
    assert reasons == ["too_young", "no_unit", "no_ballot_style", "not_registered"]


def test_the_register_assesses_ages_on_the_coming_election_day(app, db_session, built):
    today = date.today()
    assert next_election_day(db_session, today) == built.election.election_day
    assert checks.reference_date(
        db_session, replace(runtime_of(app).settings, reference_date=date(2030, 1, 1)), today) \
        == built.election.election_day
    assert next_election_day(db_session, built.election.election_day + timedelta(days=1)) is None
