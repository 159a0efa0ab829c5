"""The demo's open election and three verified voters who can vote at once.

Called by `ovote demo`; skipped when the election is already there. One dealer
plays the single trustee (threshold 1): the demo shows voting, not the ceremony.
"""
from datetime import date

from sqlalchemy import select

from ovote.accounts.models import User
from ovote.consulates.services import constituency_by_code, consulate_by_code
from ovote.elections.models import Election
from ovote.registration.models import Application
from ovote.registration.personal import seal
from ovote.voting.setup import build_open_election, make_verified_voter

SLUG = "demo-vote"
#: e-mail, given names, surname, birth date, consulate
VOTERS = [
    ("dora@demo.ovote.example", "Dora", "Almeida", date(1984, 3, 2), "PAR"),
    ("emil@demo.ovote.example", "Emil", "Sousa", date(1991, 6, 19), "PAR"),
    ("farah@demo.ovote.example", "Farah", "Nunes", date(1979, 12, 5), "LON"),
]


def load(session, password_hash, *, cipher):
    """Create the open election `demo-vote` (units PAR-S1 and LON-S1, for the NORTH
    constituency) and its verified voters, unless it exists."""
    if session.scalar(select(Election).where(Election.slug == SLUG)) is not None:
        return False
    north = constituency_by_code(session, "NORTH")
    consulates = {code: consulate_by_code(session, code) for code in ("PAR", "LON")}
    build_open_election(session, slug=SLUG, consulates=list(consulates.values()),
                        constituency=north, cipher=cipher)
    for email, given, surname, born, code in VOTERS:
        if session.scalar(select(User).where(User.email == email)) is not None:
            continue
        voter = make_verified_voter(session, email=email, password_hash=password_hash,
                                    consulate=consulates[code], constituency=north, birth_date=born)
        application = session.scalar(select(Application).where(Application.voter_id == voter.id))
        seal(application, "given_names_enc", given, cipher=cipher)
        seal(application, "surname_enc", surname, cipher=cipher)
    session.flush()
    return True


def describe(server="http://127.0.0.1:5000"):
    """Lines for the demo's printout."""
    lines = [f"Voting: election {SLUG} is open; these verified voters can vote now "
             f"(same password), in the browser at {server}/elections/{SLUG}/vote or with:"]
    for email, *_ in VOTERS:
        lines.append(f"  ovote vote --server {server} --election {SLUG} --email {email}")
    lines.append(f"  bulletin board: {server}/elections/{SLUG}/board")
    return lines
