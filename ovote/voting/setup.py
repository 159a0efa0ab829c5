"""A ready, open election built directly from rows, for the demo, the load benchmark
and the tests of voting.

It stands in for the commission's path (define, key ceremony, freeze, open) where
that path is not the point: one dealer plays every trustee, and unit keys may be
given (RSA key generation is slow). The definition is built with
`ovote.crypto.fingerprint` from the same documents a real freeze writes.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.accounts.models import Role, User, utcnow
from ovote.crypto import blindrsa
from ovote.crypto.canonical import canonical_json
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.group import Scalar
from ovote.crypto.threshold import Polynomial, deal, joint_key
from ovote.crypto.tokens import UNIT_KEY_BITS
from ovote.elections.models import (BallotStyle, BallotStyleConstituency, BallotStyleContest,
                                    Contest, ContestOption, Election, ElectionState,
                                    ElectionTrustee, ReportingUnit)
from ovote.elections.keys import RECEIPT_CONTEXT, UNIT_CONTEXT

#: two contests, as (code, labels, options, min, max)
DEFAULT_CONTESTS = (
    ("PRESIDENT", {"en": "President", "fr": "Président"},
     [("ANA", {"en": "Ana Alves"}), ("BEN", {"en": "Ben Brito"}), ("CLEO", {"en": "Cleo Costa"})],
     1, 1),
    ("REFERENDUM", {"en": "Referendum on the new constitution", "fr": "Référendum"},
     [("YES", {"en": "Yes", "fr": "Oui"}), ("NO", {"en": "No", "fr": "Non"})], 0, 1),
)


@dataclass
class OpenElection:
    election: Election
    #: the joint secret (one dealer): lets tests and the demo decrypt
    secret: Scalar
    units: dict  # unit code -> ReportingUnit


def _seal_rsa(key, cipher):
    der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return cipher.seal(der, context=UNIT_CONTEXT)


def build_open_election(session, *, slug, consulates, constituency, trustee=None,
                        contests=DEFAULT_CONTESTS, unit_keys=None, max_revotes=20,
                        min_unit_ballots=1, election_day=None, state=ElectionState.OPEN,
                        cipher, now=None) -> OpenElection:
    """An election with `contests` on one ballot style given to `constituency`, a unit
    per consulate, frozen with a real definition and opened (or left at `state`:
    FROZEN, OPEN or CLOSED). `unit_keys` are RSA private keys to reuse, one per
    consulate; `cipher` (a DataCipher) seals the private keys. Flushes; the caller commits."""
    now = now or utcnow()
    election = Election(
        slug=slug, title={"en": f"Election {slug}", "fr": f"Élection {slug}"}, timezone="UTC",
        tokens_open=now - timedelta(days=1), voting_opens=now - timedelta(hours=1),
        voting_closes=now + timedelta(days=7), election_day=election_day or (now + timedelta(days=7)).date(),
        max_revotes=max_revotes, min_unit_ballots=min_unit_ballots, threshold=1,
        state=ElectionState.CEREMONY,
    )
    style = BallotStyle(code="S1", election=election)
    for position, (code, labels, options, low, high) in enumerate(contests):
        contest = Contest(position=position, code=code, labels=labels, min_selections=low,
                          max_selections=high,
                          options=[ContestOption(position=i, code=c, labels=l)
                                   for i, (c, l) in enumerate(options)])
        election.contests.append(contest)
        style.style_contests.append(BallotStyleContest(contest=contest))
    if trustee is None:
        trustee = User(email=f"trustee-{slug}@example.org", role=Role.TRUSTEE, password_hash="!")
    election.trustees.append(ElectionTrustee(index=1, user=trustee))
    session.add(election)
    session.flush()
    session.add(BallotStyleConstituency(election_id=election.id, ballot_style=style,
                                        constituency_id=constituency.id))
    keys = list(unit_keys or [])
    units = {}
    for index, consulate in enumerate(consulates):
        key = keys[index] if index < len(keys) else blindrsa.generate_key(UNIT_KEY_BITS)
        numbers = blindrsa.public_key_to_dict(key.public_key())
        unit = ReportingUnit(election=election, code=f"{consulate.code}-{style.code}",
                             consulate=consulate, ballot_style=style, rsa_n=numbers["n"],
                             rsa_e=numbers["e"], private_key_enc=_seal_rsa(key, cipher))
        session.add(unit)
        units[unit.code] = (unit, key)
    session.flush()
    polynomial, commitment = deal(slug, 1, 1)
    receipt = Ed25519PrivateKey.generate()
    style_document = {"id": style.code, "contests": [
        {"id": c.code, "options": [o.code for o in c.options], "min": c.min_selections,
         "max": c.max_selections} for c in election.contests]}
    manifest = {"slug": slug, "title": dict(election.title), "contests": [
        {"id": c.code, "labels": dict(c.labels),
         "options": [{"id": o.code, "labels": dict(o.labels)} for o in c.options],
         "min": c.min_selections, "max": c.max_selections} for c in election.contests],
        "min_unit_ballots": min_unit_ballots, "max_revotes": max_revotes}
    definition = election_definition(
        manifest=manifest, threshold=1, trustees=[commitment], joint_key=joint_key([commitment]),
        units=[{"id": code, "consulate": unit.consulate.code, "ballot_style": style_document,
                "public_key": key.public_key()} for code, (unit, key) in units.items()],
        receipt_key=receipt.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw),
    )
    seed = receipt.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    election.freeze(
        definition=canonical_json(definition), fingerprint=election_fingerprint(definition).hex(),
        ceremony_proofs=[{"trustee": 1, "proofs": [p.to_dict() for p in commitment.proofs]}],
        receipt_key_enc=cipher.seal(seed, context=RECEIPT_CONTEXT), now=now)
    if state in (ElectionState.OPEN, ElectionState.CLOSED):
        election.open(now)
    if state is ElectionState.CLOSED:
        election.close(now)
    session.flush()
    return OpenElection(election, polynomial.coefficients[0], {c: u for c, (u, _) in units.items()})


def make_verified_voter(session, *, email, password_hash, consulate, constituency,
                        birth_date=date(1980, 5, 17), channel=None, now=None) -> User:
    """A voter with a confirmed address and a verified application (no personal data
    beyond what eligibility reads). Flushes."""
    from ovote.registration.models import Application, ApplicationState, VotingChannel

    now = now or utcnow()
    voter = User(email=email, role=Role.VOTER, password_hash=password_hash,
                 email_confirmed_at=now)
    session.add(voter)
    session.flush()
    session.add(Application(
        voter_id=voter.id, state=ApplicationState.VERIFIED, birth_date=birth_date,
        consulate_id=consulate.id, constituency_id=constituency.id,
        voting_channel=channel or VotingChannel.ONLINE, residence_country=consulate.host_country,
        submitted_at=now - timedelta(days=30), first_submitted_at=now - timedelta(days=30),
        decided_at=now - timedelta(days=20)))
    session.flush()
    return voter
