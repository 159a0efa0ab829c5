"""How many voters an election's contests have, per consulate: the denominator of the
turnout on the results page.

The electorate is read as `eligibility` reads it (the overseas register as it
stands): a verified registration at a consulate with a reporting unit for the ballot
style of the voter's home constituency, old enough on the election day. Counted in
the database, one row per consulate and contest, whatever the size of the register.
"""
from datetime import date

from sqlalchemy import func, select

from ovote.consulates.models import Consulate
from ovote.elections.eligibility import age_reference_date
from ovote.elections.models import BallotStyleConstituency, BallotStyleContest, Contest, ReportingUnit
from ovote.registration.models import Application, ApplicationState


def latest_birth_date(day, minimum_age):
    """The last birth date of someone `minimum_age` years old on `day` (rules.age_on:
    a 29 February birthday comes on 1 March in common years)."""
    try:
        return day.replace(year=day.year - minimum_age)
    except ValueError:  # 29 February on `day`, no such day `minimum_age` years before
        return date(day.year - minimum_age, 2, 28)


def eligible_voters(session, election, *, minimum_age) -> dict:
    """``{(consulate code, contest code): voters}`` for `election`'s contests."""
    cutoff = latest_birth_date(age_reference_date(election), minimum_age)
    rows = session.execute(
        select(Consulate.code, Contest.code, func.count(Application.id))
        .select_from(Application)
        .join(BallotStyleConstituency, (BallotStyleConstituency.election_id == election.id)
              & (BallotStyleConstituency.constituency_id == Application.constituency_id))
        .join(ReportingUnit, (ReportingUnit.election_id == election.id)
              & (ReportingUnit.consulate_id == Application.consulate_id)
              & (ReportingUnit.ballot_style_id == BallotStyleConstituency.ballot_style_id))
        .join(BallotStyleContest, BallotStyleContest.ballot_style_id == ReportingUnit.ballot_style_id)
        .join(Contest, Contest.id == BallotStyleContest.contest_id)
        .join(Consulate, Consulate.id == Application.consulate_id)
        .where(Application.state == ApplicationState.VERIFIED, Application.birth_date <= cutoff)
        .group_by(Consulate.code, Contest.code)).all()
    return {(consulate, contest): n for consulate, contest, n in rows}
