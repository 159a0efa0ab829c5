"""Who may get a ballot token for an election (DESIGN.md §3.6, §4).

A voter is eligible when their application to the overseas register is
verified (and was submitted by the election's registration deadline, if it
has one), they chose to vote online, they are old enough on election day,
and the election has a reporting unit for their consulate and the ballot
style of their home constituency. Staff accounts never are.
"""
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ovote.elections.models import BallotStyleConstituency, ReportingUnit
from ovote.registration.models import Application, ApplicationState, VotingChannel
from ovote.registration.rules import age_on

#: reasons an eligibility answer gives (the API's "reason")
REASONS = ("staff_account", "not_verified", "registered_too_late", "other_channel", "too_young",
           "no_ballot_style", "no_unit")


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str | None = None
    unit: ReportingUnit | None = None

    def to_dict(self, *, token_issued=False):
        if not self.eligible:
            return {"eligible": False, "reason": self.reason}
        return {"eligible": True, "unit": self.unit.code, "token_issued": token_issued}


def _verified_application(session, voter):
    return session.scalar(select(Application).where(
        Application.voter_id == voter.id, Application.state == ApplicationState.VERIFIED))


def eligibility(session, election, voter) -> Eligibility:
    """Whether `voter` may get a token for the frozen `election`, and for which unit."""
    if voter.is_staff:
        return Eligibility(False, "staff_account")
    application = _verified_application(session, voter)
    if application is None:
        return Eligibility(False, "not_verified")
    deadline = election.registration_deadline
    if deadline is not None and (application.first_submitted_at is None
                                 or application.first_submitted_at > deadline):
        return Eligibility(False, "registered_too_late")
    if application.voting_channel not in (None, VotingChannel.ONLINE):
        # A voter who chose to vote at the consulate or by post must not also vote online.
        return Eligibility(False, "other_channel")
    minimum = int(current_app.config["MINIMUM_AGE"])
    if application.birth_date is None or age_on(application.birth_date,
                                                election.election_day) < minimum:
        return Eligibility(False, "too_young")
    style_id = session.scalar(select(BallotStyleConstituency.ballot_style_id).where(
        BallotStyleConstituency.election_id == election.id,
        BallotStyleConstituency.constituency_id == application.constituency_id))
    if style_id is None:
        return Eligibility(False, "no_ballot_style")
    unit = session.scalar(select(ReportingUnit).where(
        ReportingUnit.election_id == election.id,
        ReportingUnit.consulate_id == application.consulate_id,
        ReportingUnit.ballot_style_id == style_id))
    if unit is None:
        return Eligibility(False, "no_unit")
    return Eligibility(True, unit=unit)
