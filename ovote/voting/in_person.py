"""In-person returns: the paper counts of a consular polling station (DESIGN.md §3.10, §8).

After voting closes, one official of the consulate enters the counts of a contest
its units carry; a second official of the same consulate confirms them, or rejects
them with a reason (then they may be entered again). The database keeps the four
eyes and one return in play per election, consulate and contest.

Counts are checked against the poll book: every voter marked there whose ballot
style carries the contest got one paper ballot for it, on which they chose at most
the contest's `max` options. So no option has more votes than those voters, and all
options together no more than `max` times as many (fewer when ballots were blank
or spoiled).

`confirmed_returns` gives the confirmed ones in the form of the record's
`in_person.json`, for the tally and the export.
"""
import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role
from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.elections.models import BallotStyleContest, Contest, ElectionState, ReportingUnit
from ovote.errors import Refused
from ovote.text import visible_text
from ovote.voting.models import InPersonCount, InPersonReturn, PollBookEntry, ReturnState

log = logging.getLogger(__name__)

#: the states in which returns are entered and confirmed: voting has closed, results not counted yet
RETURN_STATES = (ElectionState.CLOSED, ElectionState.TALLYING)
REASON_LIMIT = 2000


class ReturnRefused(Refused):
    """The return cannot be entered, confirmed or rejected (`returns.*` in ovote.refusals);
    `option` is the position of the option a refused count is for, if any."""

    def __init__(self, code=None, /, option=None, **params):
        super().__init__(code, **params)
        self.option = option


def returns_open(election) -> bool:
    return election.state in RETURN_STATES


def carried_contests(session, election, consulate) -> list[Contest]:
    """The contests the consulate's units carry, in manifest order."""
    carried = (select(BallotStyleContest.contest_id)
               .join(ReportingUnit, ReportingUnit.ballot_style_id == BallotStyleContest.ballot_style_id)
               .where(ReportingUnit.election_id == election.id, ReportingUnit.consulate_id == consulate.id))
    return list(session.scalars(select(Contest).where(Contest.id.in_(carried)).order_by(Contest.position)))


def voters_for(session, election, consulate, contest) -> int:
    """How many voters the consulate's poll book holds whose ballot carried `contest`."""
    return session.scalar(
        select(func.count(PollBookEntry.id))
        .join(ReportingUnit, ReportingUnit.id == PollBookEntry.unit_id)
        .join(BallotStyleContest, BallotStyleContest.ballot_style_id == ReportingUnit.ballot_style_id)
        .where(PollBookEntry.election_id == election.id, PollBookEntry.consulate_id == consulate.id,
               BallotStyleContest.contest_id == contest.id))


def in_play(session, election, consulate, contest):
    """The return entered or confirmed for this contest at this consulate, or None."""
    return session.scalar(select(InPersonReturn).where(
        InPersonReturn.election_id == election.id, InPersonReturn.consulate_id == consulate.id,
        InPersonReturn.contest_id == contest.id, InPersonReturn.state != ReturnState.REJECTED)
        .execution_options(populate_existing=True))


def last_rejected(session, election, consulate, contest):
    return session.scalar(select(InPersonReturn).where(
        InPersonReturn.election_id == election.id, InPersonReturn.consulate_id == consulate.id,
        InPersonReturn.contest_id == contest.id, InPersonReturn.state == ReturnState.REJECTED)
        .order_by(InPersonReturn.id.desc()).limit(1))


def overview(session, election, consulate) -> list[dict]:
    """Per contest the consulate carries: the contest, its poll-book voters, the return in
    play (or None) and the last rejected one (or None)."""
    return [{"contest": contest, "voters": voters_for(session, election, consulate, contest),
             "entry": in_play(session, election, consulate, contest),
             "rejected": last_rejected(session, election, consulate, contest)}
            for contest in carried_contests(session, election, consulate)]


def _check_official(official, consulate_id):
    if official.role is not Role.OFFICIAL or official.consulate_id != consulate_id:
        raise ReturnRefused("returns.other_consulate")


def check_counts(session, election, consulate, contest, counts):
    """Raise ReturnRefused unless `counts` (one per option, in option order) are whole
    numbers ≥ 0 that the poll book can account for."""
    options = contest.options
    if not isinstance(counts, (list, tuple)) or len(counts) != len(options):
        raise ReturnRefused("returns.bad_count", option=0, option_name=options[0].code if options else "")
    for position, (option, count) in enumerate(zip(options, counts)):
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ReturnRefused("returns.bad_count", option=position, option_name=option.code)
    voters = voters_for(session, election, consulate, contest)
    for position, (option, count) in enumerate(zip(options, counts)):
        if count > voters:
            raise ReturnRefused("returns.count_above_voters", option=position, option_name=option.code,
                                count=count, voters=voters)
    limit = contest.max_selections * voters
    if sum(counts) > limit:
        raise ReturnRefused("returns.total_above_voters", total=sum(counts), limit=limit,
                            voters=voters, max=contest.max_selections)


def enter(session, election, contest, counts, *, official, now=None) -> InPersonReturn:
    """`official` enters the paper counts of `contest` at their consulate. Returns the
    new return (awaiting a second official); raises ReturnRefused and then writes
    nothing. Flushes; the caller commits."""
    now = now or utcnow()
    _check_official(official, official.consulate_id)
    consulate = official.consulate
    if consulate is None:
        raise ReturnRefused("returns.other_consulate")
    if not returns_open(election):
        raise ReturnRefused("returns.not_open")
    if contest.election_id != election.id or contest not in carried_contests(session, election, consulate):
        raise ReturnRefused("returns.contest_not_carried", contest=contest.code)
    check_counts(session, election, consulate, contest, counts)
    if in_play(session, election, consulate, contest) is not None:
        raise ReturnRefused("returns.already_entered", contest=contest.code)
    entry = InPersonReturn(election_id=election.id, consulate_id=consulate.id, contest_id=contest.id,
                           state=ReturnState.ENTERED, entered_by_id=official.id, entered_at=now,
                           counts=[InPersonCount(option_id=o.id, votes=n)
                                   for o, n in zip(contest.options, counts)])
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:  # another official of the consulate entered it at the same moment
        raise ReturnRefused("returns.already_entered", contest=contest.code) from None
    record(session, actor=official, action="voting.return_entered", target=election.audit_target,
           details={"consulate": consulate.code, "contest": contest.code, "counts": list(counts)})
    return entry


def _decide(session, entry, official, election):
    """Lock the return, then check that `official` may confirm or reject it now."""
    session.refresh(entry, with_for_update=True)
    _check_official(official, entry.consulate_id)
    if not returns_open(election):
        raise ReturnRefused("returns.not_open")
    if entry.state is not ReturnState.ENTERED:
        raise ReturnRefused("returns.nothing_to_confirm")
    if entry.entered_by_id == official.id:
        raise ReturnRefused("returns.same_official")


def confirm(session, election, entry, *, official, now=None) -> InPersonReturn:
    """A second official of the consulate confirms the counts of `entry`."""
    _decide(session, entry, official, election)
    # The poll book no longer changes once voting has closed, but check again all the same.
    check_counts(session, election, entry.consulate, entry.contest, entry.votes())
    entry.state, entry.confirmed_by_id = ReturnState.CONFIRMED, official.id
    entry.confirmed_at = now or utcnow()
    session.flush()
    record(session, actor=official, action="voting.return_confirmed", target=election.audit_target,
           details={"consulate": entry.consulate.code, "contest": entry.contest.code,
                    "counts": entry.votes(), "entered_by": entry.entered_by_id})
    return entry


def reject(session, election, entry, *, official, reason, now=None) -> InPersonReturn:
    """A second official rejects the counts of `entry`, saying why; they may be entered again."""
    reason = (reason or "").strip()
    if not reason:
        raise ReturnRefused("returns.reason_required")
    if len(reason) > REASON_LIMIT:
        raise ReturnRefused("returns.reason_too_long", n=REASON_LIMIT)
    try:
        visible_text(reason, multiline=True)
    except Refused as exc:  # the shared rule's code, as a refused rejection
        raise ReturnRefused(exc.code, **exc.params) from None
    _decide(session, entry, official, election)
    entry.state, entry.rejected_by_id, entry.rejected_at = ReturnState.REJECTED, official.id, now or utcnow()
    entry.rejection_reason = reason
    session.flush()
    record(session, actor=official, action="voting.return_rejected", target=election.audit_target,
           details={"consulate": entry.consulate.code, "contest": entry.contest.code,
                    "entered_by": entry.entered_by_id})
    return entry


def confirmed_returns(session, election) -> list[dict]:
    """The election's confirmed in-person returns as the record's `in_person.json`
    (DESIGN.md §8): ``{"consulate", "contest", "counts", "entered_by", "confirmed_by"}``
    with counts in option order and integer staff ids, sorted by consulate code, then
    by the contests' manifest order."""
    rows = session.scalars(select(InPersonReturn).where(
        InPersonReturn.election_id == election.id, InPersonReturn.state == ReturnState.CONFIRMED)).all()
    # Code point order in Python: a database collation may order codes otherwise.
    rows = sorted(rows, key=lambda r: (r.consulate.code, r.contest.position))
    return [{"consulate": r.consulate.code, "contest": r.contest.code, "counts": r.votes(),
             "entered_by": r.entered_by_id, "confirmed_by": r.confirmed_by_id} for r in rows]
