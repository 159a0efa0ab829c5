"""The poll book of a consular polling station (DESIGN.md §3.10).

An official of a consulate finds a registered voter of that consulate and marks
them as having voted in person. Since an online ballot cannot be linked to its
voter, the poll book and token issuance keep each other out: a voter who got a
token is refused here, and `ovote.voting.issuance` refuses a token to a voter
marked here. Both take the same row lock first (the voter's verified
registration, SELECT ... FOR UPDATE; SQLite's single writer does the same), so a
token request and a mark at the same moment cannot both succeed, on any number
of workers. Then the audit log's lock, in this order on both paths.

Finding a voter never reads personal data in clear: the reference number is the
application's id, and document numbers and names with the date of birth are
looked up by their blind indexes (`ovote.registration.matching`).
"""
import logging
import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import Role
from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.elections import eligibility as electorate
from ovote.elections.models import Election, ElectionState, ReportingUnit
from ovote.errors import Refused
from ovote.extensions import MAX_ID
from ovote.registration.access import lock
from ovote.registration.matching import document_index, person_index
from ovote.registration.models import Application, ApplicationState, VotingChannel
from ovote.voting.models import PollBookEntry, TokenIssuance

log = logging.getLogger(__name__)

#: "OV-000123", "ov 123": the reference number voters are given (the application's id)
_REFERENCE = re.compile(r"^\s*OV[\s\-]*0*(\d{1,10})\s*$", re.IGNORECASE)
#: electorate reasons -> this module's refusal codes
_NOT_ELIGIBLE = {"not_registered": "poll_book.not_registered", "no_ballot_style": "poll_book.no_ballot",
                 "no_unit": "poll_book.no_ballot", "too_young": "poll_book.too_young"}


class PollBookRefused(Refused):
    """The voter cannot be marked; the code says why (`poll_book.*` in ovote.refusals)."""


def poll_book_open(election, now=None) -> bool:
    """Voters are marked while the election is open for voting, until it closes."""
    now = now or utcnow()
    return election.state is ElectionState.OPEN and (election.voting_closes is None
                                                     or now < election.voting_closes)


def consulate_unit_ids(session, election, consulate):
    return set(session.scalars(select(ReportingUnit.id).where(
        ReportingUnit.election_id == election.id, ReportingUnit.consulate_id == consulate.id)))


def station_elections(session, consulate):
    """Elections, open for voting or later, in which `consulate` has a reporting unit, the
    latest first."""
    later = [s for s in ElectionState if s.frozen and s is not ElectionState.FROZEN]
    return list(session.scalars(
        select(Election).where(Election.state.in_(later), Election.id.in_(
            select(ReportingUnit.election_id).where(ReportingUnit.consulate_id == consulate.id)))
        .order_by(Election.voting_opens.desc(), Election.id.desc())))


def marked_count(session, election, consulate) -> int:
    """How many voters the consulate's poll book holds for `election`."""
    return session.scalar(select(func.count()).select_from(PollBookEntry).where(
        PollBookEntry.election_id == election.id, PollBookEntry.consulate_id == consulate.id))


def entry_of(session, election, voter_id):
    return session.scalar(select(PollBookEntry).where(
        PollBookEntry.election_id == election.id, PollBookEntry.voter_id == voter_id)
        .execution_options(populate_existing=True))


def _has_token(session, election, voter_id) -> bool:
    return session.scalar(select(TokenIssuance.id).where(
        TokenIssuance.election_id == election.id, TokenIssuance.voter_id == voter_id)) is not None


def check_voter(session, election, application, *, consulate, settings):
    """The reporting unit in which the voter of `application` votes in person at
    `consulate`; raises PollBookRefused with the first reason they cannot (the same
    rules as a token's, the channel aside: a voter who chose to vote online may still
    come to the consulate, if they have not taken a token)."""
    if application.state is not ApplicationState.VERIFIED:
        raise PollBookRefused("poll_book.not_registered")
    if application.consulate_id != consulate.id:
        raise PollBookRefused("poll_book.other_consulate")
    voter = application.voter
    if voter.role is not Role.VOTER:
        raise PollBookRefused("poll_book.not_registered")
    deadline = election.registration_deadline
    if deadline is not None and (application.first_submitted_at is None
                                 or application.first_submitted_at > deadline):
        raise PollBookRefused("poll_book.registered_too_late")
    if application.voting_channel is VotingChannel.POSTAL:
        raise PollBookRefused("poll_book.postal_voter")
    verdict = electorate.eligibility(session, election, voter, settings=settings)
    if not verdict.eligible:
        raise PollBookRefused(_NOT_ELIGIBLE[verdict.reason])
    entry = entry_of(session, election, voter.id)
    if entry is not None:
        raise PollBookRefused("poll_book.already_marked")
    if _has_token(session, election, voter.id):
        raise PollBookRefused("poll_book.token_issued")
    return verdict.unit


def mark(session, election, application, *, official, settings, now=None) -> PollBookEntry:
    """Mark the voter of `application` as having voted in person, by `official` (an
    official of the voter's consulate). Returns the new entry; raises PollBookRefused
    (`poll_book.closed`, `poll_book.other_consulate`, `poll_book.already_marked`,
    `poll_book.token_issued`, or why the voter may not vote) and then writes nothing.
    Flushes; the caller commits."""
    now = now or utcnow()
    if official.role is not Role.OFFICIAL or official.consulate_id is None:
        raise PollBookRefused("poll_book.other_consulate")
    if not poll_book_open(election, now):
        raise PollBookRefused("poll_book.closed")
    lock(session, application)  # the row token issuance locks too
    unit = check_voter(session, election, application, consulate=official.consulate, settings=settings)
    entry = PollBookEntry(election_id=election.id, voter_id=application.voter_id,
                          application_id=application.id, consulate_id=application.consulate_id,
                          unit_id=unit.id, marked_by_id=official.id, marked_at=now)
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:  # the lock makes this unlikely; the constraint makes it certain
        raise PollBookRefused("poll_book.already_marked") from None
    record(session, actor=official, action="voting.poll_book_mark", target=f"application:{application.id}",
           details={"election": election.slug, "consulate": official.consulate.code, "unit": unit.code})
    log.info("official %s marked application %s in the poll book of %s", official.id, application.id,
             election.slug)
    return entry


# -- finding a voter ------------------------------------------------------------------

@dataclass(frozen=True)
class Found:
    """A verified registration a search found, and whether it can be marked here."""

    application: Application
    #: None when the voter can be marked now, else the PollBookRefused that says why
    refusal: PollBookRefused | None
    entry: PollBookEntry | None

    @property
    def ours(self):
        """The registration is at the searching consulate (only then are its details shown)."""
        return self.refusal is None or self.refusal.code != "poll_book.other_consulate"


def reference_id(text):
    """The application id of a reference number "OV-000123", or None."""
    match = _REFERENCE.match(text or "")
    if match and 0 < int(match.group(1)) <= MAX_ID:
        return int(match.group(1))
    return None


def search(session, election, *, consulate, settings, cipher, number=None, surname=None,
           given_names=None, birth_date=None, limit=20) -> list[Found]:
    """Verified registrations found by a reference number or a document number
    (`number`), or by names and date of birth, each with its verdict for `consulate`'s
    poll book. Registrations at another consulate are found too (the official can tell
    the voter where to go), but the page shows nothing of them but that."""
    query = select(Application).where(Application.state == ApplicationState.VERIFIED)
    if number:
        reference = reference_id(number)
        if reference is not None:
            query = query.where(Application.id == reference)
        else:
            index = document_index(number, cipher=cipher)
            if index is None:
                return []
            query = query.where(or_(Application.passport_index == index,
                                    Application.national_id_index == index))
    else:
        index = person_index(surname, given_names, birth_date, cipher=cipher)
        if index is None:
            return []
        query = query.where(Application.person_index == index)
    found = []
    for application in session.scalars(query.order_by(Application.id).limit(limit)):
        try:
            check_voter(session, election, application, consulate=consulate, settings=settings)
            refusal = None
        except PollBookRefused as exc:
            refusal = exc
        found.append(Found(application, refusal, entry_of(session, election, application.voter_id)))
    return found
