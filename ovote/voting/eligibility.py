"""Who may get a ballot token for an election (DESIGN.md §3.6, §4).

The electorate is `ovote.elections.eligibility`'s (a verified registration, a
reporting unit for the voter's consulate and ballot style, old enough on election
day); a token also needs an account that is not staff, a registration first
submitted by the election's registration deadline (if it has one), and a voter
who chose to vote online (one who chose the consulate or the post must not also
vote online).
"""
from dataclasses import dataclass

from ovote.elections import eligibility as electorate
from ovote.elections.models import ReportingUnit
from ovote.registration.models import VotingChannel

#: reasons an eligibility answer gives (the API's "reason")
REASONS = ("staff_account", "not_registered", "registered_too_late", "other_channel",
           "no_ballot_style", "no_unit", "too_young")


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str | None = None
    unit: ReportingUnit | None = None

    def to_dict(self, *, token_issued=False):
        if not self.eligible:
            return {"eligible": False, "reason": self.reason}
        return {"eligible": True, "unit": self.unit.code, "token_issued": token_issued}


def eligibility(session, election, voter, *, settings) -> Eligibility:
    """Whether `voter` may get a token for the frozen `election`, and for which unit
    (`settings`: the youngest age allowed)."""
    if voter.is_staff:
        return Eligibility(False, "staff_account")
    application = electorate.verified_application(session, voter)
    if application is not None:
        deadline = election.registration_deadline
        if deadline is not None and (application.first_submitted_at is None
                                     or application.first_submitted_at > deadline):
            return Eligibility(False, "registered_too_late")
        if application.voting_channel not in (None, VotingChannel.ONLINE):
            return Eligibility(False, "other_channel")
    verdict = electorate.eligibility(session, election, voter, settings=settings)
    return Eligibility(verdict.eligible, verdict.reason, verdict.unit)
