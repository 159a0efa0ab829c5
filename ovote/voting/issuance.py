"""Issuing ballot tokens: one blind signature per voter and election (DESIGN.md §3.6).

The `TokenIssuance` row is inserted before signing, under its unique
constraint, so that two requests at once (two sessions, two workers, two
hosts) cannot both be signed: the second waits for the first's transaction
and then meets the constraint. A retried request with the same blinded
message gets the same signature again (RSA signing is deterministic), any
other is refused. The row and its audit event carry the day only.

A voter marked in the consulate's poll book voted in person and gets no token
(`voted_in_person`). The check runs under a lock of the voter's verified
registration, the row the poll book locks before it marks a voter, so that a
token request and a mark at the same moment cannot both succeed.
"""
import hashlib
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import utcnow
from ovote.audit.services import record
from ovote.crypto.errors import BlindSignatureError
from ovote.crypto.tokens import issue_token
from ovote.elections.eligibility import verified_application
from ovote.elections.models import ElectionState
from ovote.errors import Refused
from ovote.registration.access import lock
from ovote.registration.models import ApplicationState
from ovote.voting.eligibility import eligibility
from ovote.voting.material import unit_signing_key
from ovote.voting.models import PollBookEntry, TokenIssuance


class NotEligible(Refused):
    code = "not_eligible"


class IssuanceClosed(Refused):
    code = "issuance_closed"


class TokenAlreadyIssued(Refused):
    code = "token_already_issued"


class BadBlindedMessage(Refused):
    code = "bad_blinded_msg"


class VotedInPerson(Refused):
    code = "voted_in_person"


def issuance_open(election, now=None) -> bool:
    """Tokens are given from `tokens_open` (or the opening, if none is set) until voting
    closes, while the election is frozen or open."""
    now = now or utcnow()
    if election.state is ElectionState.OPEN:
        return election.voting_closes is None or now < election.voting_closes
    if election.state is ElectionState.FROZEN:
        return election.tokens_open is not None and election.tokens_open <= now
    return False


def _digest(blinded_msg: bytes) -> str:
    return hashlib.sha256(blinded_msg).hexdigest()


def issue(session, *, election, voter, blinded_msg: bytes, settings, cipher, now=None):
    """Sign `blinded_msg` for `voter`; returns ``(unit, blind_sig, created)``.

    `created` is False for a retried identical request (same signature).
    Raises IssuanceClosed, NotEligible, VotedInPerson, TokenAlreadyIssued, BadBlindedMessage.
    The caller commits (on a refusal too: nothing is written then).
    """
    now = now or utcnow()
    if not issuance_open(election, now):
        raise IssuanceClosed()
    verdict = eligibility(session, election, voter, settings=settings)
    if not verdict.eligible:
        raise NotEligible(reason=verdict.reason)
    unit = verdict.unit
    key = unit_signing_key(election, unit, cipher=cipher)
    if len(blinded_msg) != (key.key_size + 7) // 8 or int.from_bytes(blinded_msg, "big") >= \
            key.private_numbers().public_numbers.n:
        raise BadBlindedMessage()
    digest = _digest(blinded_msg)
    application = verified_application(session, voter)
    if application is None or lock(session, application).state is not ApplicationState.VERIFIED:
        raise NotEligible(reason="not_registered")  # withdrawn meanwhile
    if voted_in_person(session, election, voter):
        raise VotedInPerson()
    existing = _issuance(session, election, voter)
    if existing is None:
        try:
            with session.begin_nested():
                session.add(TokenIssuance(election_id=election.id, voter_id=voter.id,
                                          issued_on=now.date(), blinded_msg_sha256=digest))
        except IntegrityError:  # a concurrent request of the same voter got there first
            existing = _issuance(session, election, voter)
        else:
            # The day only, like the row: the time of day could be matched to a ballot.
            record(session, actor=voter, action="voting.token_issued",
                   target=election.audit_target, at=datetime.combine(now.date(), time()))
    if existing is not None and existing.blinded_msg_sha256 != digest:
        raise TokenAlreadyIssued()
    try:
        blind_sig = issue_token(key, blinded_msg)
    except BlindSignatureError:
        raise BadBlindedMessage() from None
    return unit, blind_sig, existing is None


def _issuance(session, election, voter):
    return session.scalar(select(TokenIssuance).where(
        TokenIssuance.election_id == election.id, TokenIssuance.voter_id == voter.id)
        .execution_options(populate_existing=True))


def token_issued(session, election, voter) -> bool:
    return _issuance(session, election, voter) is not None


def voted_in_person(session, election, voter) -> bool:
    """The voter is marked in a consulate's poll book for `election`."""
    return session.scalar(select(PollBookEntry.id).where(
        PollBookEntry.election_id == election.id, PollBookEntry.voter_id == voter.id)) is not None
