"""Who may vote in an election, for voting (token issuance), outreach and the pages.

An election's electorate is the overseas register as it stands, read for this
election: a verified registration, at a consulate that has a reporting unit for the
ballot style of the voter's home constituency, and old enough on the election day
(`age_reference_date`, which replaces OVOTE_REFERENCE_DATE for this election).
"""
from dataclasses import dataclass

from sqlalchemy import select

from ovote.elections.models import BallotStyleConstituency, Election, ElectionState, ReportingUnit
from ovote.registration import checks
from ovote.registration.models import Application, ApplicationState
from ovote.registration.rules import age_on


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    #: the voter's reporting unit when eligible
    unit: ReportingUnit | None = None
    #: why not: "not_registered", "no_ballot_style", "no_unit" or "too_young"
    reason: str | None = None


def age_reference_date(election):
    """The day on which ages are assessed for `election`: its election day."""
    return election.election_day


def next_election_day(session, today):
    """The election day of the coming election (in its ceremony, frozen or open), or None:
    the register's age check assesses ages on it, in place of OVOTE_REFERENCE_DATE."""
    return session.scalar(select(Election.election_day).where(
        Election.state.in_((ElectionState.CEREMONY, ElectionState.FROZEN, ElectionState.OPEN)),
        Election.election_day >= today).order_by(Election.election_day).limit(1))


if next_election_day not in checks.reference_date_sources:
    checks.reference_date_sources.append(next_election_day)


def verified_application(session, user):
    return session.scalar(select(Application).where(Application.voter_id == user.id,
                                                    Application.state == ApplicationState.VERIFIED))


def registered_consulate(session, user):
    """The consulate of the user's verified registration, or None."""
    application = verified_application(session, user)
    return application.consulate if application else None


def eligibility(session, election, user, *, settings=None, minimum_age=None):
    """Whether `user` may vote in the frozen `election`, and in which unit; the youngest
    age allowed is `minimum_age`, by default `settings.minimum_age`."""
    application = verified_application(session, user)
    if application is None:
        return Eligibility(False, reason="not_registered")
    style_id = session.scalar(select(BallotStyleConstituency.ballot_style_id).where(
        BallotStyleConstituency.election_id == election.id,
        BallotStyleConstituency.constituency_id == application.constituency_id))
    if style_id is None:
        return Eligibility(False, reason="no_ballot_style")
    unit = session.scalar(select(ReportingUnit).where(
        ReportingUnit.election_id == election.id, ReportingUnit.consulate_id == application.consulate_id,
        ReportingUnit.ballot_style_id == style_id))
    if unit is None:
        return Eligibility(False, reason="no_unit")
    minimum = settings.minimum_age if minimum_age is None else minimum_age
    if age_on(application.birth_date, age_reference_date(election)) < minimum:
        return Eligibility(False, reason="too_young")
    return Eligibility(True, unit=unit)
