"""The demo's open election, three verified voters who can vote at once, and one who
voted in person at the consulate in Paris (marked in its poll book).

Called by `ovote demo`; skipped when the election is already there. One dealer
plays the single trustee (threshold 1): the demo shows voting, not the ceremony.
"""
from datetime import date

from sqlalchemy import select

from ovote.accounts.models import User
from ovote.consulates.services import constituency_by_code, consulate_by_code
from ovote.elections.models import Election
from ovote.registration.matching import document_index
from ovote.registration.models import Application, VotingChannel
from ovote.registration.personal import seal
from ovote.voting import poll_book
from ovote.voting.setup import build_open_election, make_verified_voter

SLUG = "demo-vote"
#: e-mail, given names, surname, birth date, consulate
VOTERS = [
    ("dora@demo.ovote.example", "Dora", "Almeida", date(1984, 3, 2), "PAR"),
    ("emil@demo.ovote.example", "Emil", "Sousa", date(1991, 6, 19), "PAR"),
    ("farah@demo.ovote.example", "Farah", "Nunes", date(1979, 12, 5), "LON"),
]
#: the voter who came to the consulate in Paris, with their passport number
IN_PERSON = ("gil@demo.ovote.example", "Gil", "Ramos", date(1990, 1, 8), "PAR", "PG7000007")
#: the demo official who marked them
POLL_OFFICIAL = "official.par@demo.ovote.example"


def load(session, password_hash, *, cipher, settings=None):
    """Create the open election `demo-vote` (units PAR-S1 and LON-S1, for the NORTH
    constituency) and its verified voters, unless it exists; with `settings`, the
    in-person voter is marked in the poll book of PAR by its demo official."""
    if session.scalar(select(Election).where(Election.slug == SLUG)) is not None:
        return False
    north = constituency_by_code(session, "NORTH")
    consulates = {code: consulate_by_code(session, code) for code in ("PAR", "LON")}
    election = build_open_election(session, slug=SLUG, consulates=list(consulates.values()),
                                   constituency=north, cipher=cipher).election
    for email, given, surname, born, code in VOTERS:
        if session.scalar(select(User).where(User.email == email)) is not None:
            continue
        voter = make_verified_voter(session, email=email, password_hash=password_hash,
                                    consulate=consulates[code], constituency=north, birth_date=born)
        application = session.scalar(select(Application).where(Application.voter_id == voter.id))
        seal(application, "given_names_enc", given, cipher=cipher)
        seal(application, "surname_enc", surname, cipher=cipher)
    session.flush()
    official = session.scalar(select(User).where(User.email == POLL_OFFICIAL))
    if settings is not None and official is not None:
        _vote_in_person(session, election, north, consulates, official, password_hash,
                        cipher=cipher, settings=settings)
    return True


def _vote_in_person(session, election, north, consulates, official, password_hash, *, cipher,
                    settings):
    email, given, surname, born, code, passport = IN_PERSON
    if session.scalar(select(User).where(User.email == email)) is not None:
        return
    voter = make_verified_voter(session, email=email, password_hash=password_hash,
                                consulate=consulates[code], constituency=north, birth_date=born,
                                channel=VotingChannel.IN_PERSON)
    application = session.scalar(select(Application).where(Application.voter_id == voter.id))
    seal(application, "given_names_enc", given, cipher=cipher)
    seal(application, "surname_enc", surname, cipher=cipher)
    seal(application, "passport_number_enc", passport, cipher=cipher)
    application.passport_index = document_index(passport, cipher=cipher)
    session.flush()
    poll_book.mark(session, election, application, official=official, settings=settings)


def describe(server="http://127.0.0.1:5000"):
    """Lines for the demo's printout."""
    lines = [f"Voting: election {SLUG} is open; these verified voters can vote now "
             f"(same password), in the browser at {server}/elections/{SLUG}/vote or with:"]
    for email, *_ in VOTERS:
        lines.append(f"  ovote vote --server {server} --election {SLUG} --email {email}")
    lines.append(f"  bulletin board: {server}/elections/{SLUG}/board")
    email, given, surname, *_rest, code, passport = IN_PERSON
    lines.append(f"In person: {given} {surname} ({email}) voted at the consulate {code}, marked in "
                 f"its poll book by {POLL_OFFICIAL} (passport {passport}); the poll book and the "
                 f"returns: {server}/consulates/{code}/elections/{SLUG}/poll-book")
    return lines
