"""Freezing an election into its fingerprinted definition (DESIGN.md §3.9).

The freeze takes the key ceremony's outcome as plain data (per trustee index, the
commitments and their Schnorr proofs; see `ceremony_link`), checks every proof,
makes one 3072-bit RSA key per reporting unit — each (consulate, ballot style)
with at least one verified voter — and the receipt key, builds the definition with
`ovote.crypto.fingerprint` and stores its canonical bytes.

Unit keys take minutes for hundreds of units, so no transaction stays open while
they are made: the election is claimed with a lease (a conditional UPDATE, so two
processes never make its keys at once), keys are made in batches with no
transaction open, each batch is stored in a short transaction, and the last step
checks the units again, under the election's row lock, before it fixes the
definition. A freeze that stops half-way carries on where it stopped when run
again: the units already made are kept.
"""
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update

from ovote.accounts.models import utcnow
from ovote.audit.services import record
from ovote.consulates.models import Consulate
from ovote.crypto import blindrsa
from ovote.crypto.canonical import canonical_json
from ovote.crypto.errors import DecodeError
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.threshold import TrusteeCommitment, joint_key
from ovote.elections import ceremony_link, documents, keys
from ovote.elections.models import (BallotStyle, BallotStyleConstituency, Election, ElectionState,
                                    IllegalElectionTransition, ReportingUnit)
from ovote.elections.services import check_complete
from ovote.errors import Refused
from ovote.registration.models import Application, ApplicationState

log = logging.getLogger(__name__)
#: a freeze that has not renewed its claim for this long is taken to have died
LEASE = timedelta(minutes=5)


class CeremonyBadCommitment(Refused):
    code = "ceremony_bad_commitment"


@dataclass(frozen=True)
class PlannedUnit:
    code: str
    consulate_id: int
    consulate_code: str
    ballot_style_id: int


def commitments_of(election, ceremony):
    """The ceremony's outcome as verified `TrusteeCommitment`s, sorted by index.

    Raises Refused("ceremony_unfinished") when there is no outcome or it leaves out a
    trustee of the election, and CeremonyBadCommitment naming the first trustee whose
    commitments are malformed, not k of them, or whose Schnorr proofs fail."""
    if not ceremony:
        raise Refused("ceremony_unfinished")
    wanted = {t.index for t in election.trustees}
    if set(ceremony) != wanted:
        raise Refused("ceremony_unfinished")
    found = []
    for index in sorted(ceremony):
        entry = ceremony[index]
        try:
            if not isinstance(entry, Mapping):
                raise DecodeError("malformed")
            commitment = TrusteeCommitment.from_dict({
                "election": election.slug, "trustee": index,
                "commitments": entry.get("commitments"), "proofs": entry.get("proofs")})
        except (DecodeError, KeyError, TypeError, ValueError):
            raise CeremonyBadCommitment(trustee=index) from None
        if not commitment.verify(election.slug, election.threshold):
            raise CeremonyBadCommitment(trustee=index)
        found.append(commitment)
    return found


def planned_units(session, election):
    """Every (consulate, ballot style) with at least one verified voter now, sorted by unit id."""
    rows = session.execute(
        select(Consulate.id, Consulate.code, BallotStyle.id, BallotStyle.code)
        .select_from(Application)
        .join(Consulate, Consulate.id == Application.consulate_id)
        .join(BallotStyleConstituency, (BallotStyleConstituency.constituency_id
                                        == Application.constituency_id)
              & (BallotStyleConstituency.election_id == election.id))
        .join(BallotStyle, BallotStyle.id == BallotStyleConstituency.ballot_style_id)
        .where(Application.state == ApplicationState.VERIFIED, Consulate.active.is_(True))
        .group_by(Consulate.id, Consulate.code, BallotStyle.id, BallotStyle.code)).all()
    units = [PlannedUnit(documents.unit_code(c_code, s_code), c_id, c_code, s_id)
             for c_id, c_code, s_id, s_code in rows]
    return sorted(units, key=lambda u: u.code)


def _made(session, election_id):
    return set(session.scalars(select(ReportingUnit.code)
                               .where(ReportingUnit.election_id == election_id)))


def progress_of(session, election):
    """(units made, units needed) of a freeze, for its progress page."""
    plan = {u.code for u in planned_units(session, election)}
    return len(plan & _made(session, election.id)), len(plan)


def _claim(session, election_id, now):
    free = or_(Election.freeze_lease_until.is_(None), Election.freeze_lease_until < now)
    claimed = session.execute(
        update(Election).where(Election.id == election_id, Election.state == ElectionState.CEREMONY,
                               free)
        .values(freeze_lease_until=now + LEASE).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _release(session, election_id):
    session.rollback()
    session.execute(update(Election).where(Election.id == election_id,
                                           Election.state == ElectionState.CEREMONY)
                    .values(freeze_lease_until=None).execution_options(synchronize_session=False))
    session.commit()


def check_freezable(session, election, ceremony):
    """Everything the freeze checks before it makes a key; returns the verified commitments."""
    if election.state is not ElectionState.CEREMONY:
        raise IllegalElectionTransition(election.state, ElectionState.FROZEN)
    check_complete(election)
    commitments = commitments_of(election, ceremony)
    if not planned_units(session, election):
        raise Refused("election_no_unit")
    return commitments


def freeze(session, election, *, actor, ceremony, cipher, make_keys=None, batch_size=24,
           progress=None, now=None):
    """Freeze `election` (in its ceremony) with the ceremony's outcome `ceremony`.

    `make_keys(count)` returns fresh unit private keys (default: one process);
    `progress(done, total)` is called after every batch. Commits as it goes. Raises
    what `check_freezable` raises, and Refused("freeze_in_progress") while another
    process holds the election's claim. `cipher` seals the unit and receipt keys.
    Returns the frozen election."""
    election_id, slug = election.id, election.slug
    commitments = check_freezable(session, election, ceremony)
    if not _claim(session, election_id, now or utcnow()):
        session.rollback()
        raise Refused("freeze_in_progress")
    session.commit()
    make_keys = make_keys or keys.UnitKeyMaker(1)
    try:
        while True:
            election = session.get(Election, election_id)
            plan = planned_units(session, election)
            missing = [u for u in plan if u.code not in _made(session, election_id)]
            if not missing and _finish(session, election, plan, commitments, actor, now, cipher):
                break
            _make_units(session, election_id, plan, missing, make_keys, batch_size, progress, now,
                        cipher)
    except BaseException:
        _release(session, election_id)
        raise
    log.info("election %s frozen with %s units", slug, len(plan))
    return session.get(Election, election_id)


def _make_units(session, election_id, plan, missing, make_keys, batch_size, progress, now, cipher):
    total, done = len(plan), len(plan) - len(missing)
    session.commit()  # no transaction (nor SQLite's write lock) while keys are made
    for start in range(0, len(missing), batch_size):
        batch = missing[start:start + batch_size]
        made = make_keys(len(batch))
        for unit, private_key in zip(batch, made):
            public = blindrsa.public_key_to_dict(private_key.public_key())
            session.add(ReportingUnit(election_id=election_id, code=unit.code,
                                      consulate_id=unit.consulate_id,
                                      ballot_style_id=unit.ballot_style_id, rsa_n=public["n"],
                                      rsa_e=public["e"],
                                      private_key_enc=keys.seal_unit_key(private_key, cipher=cipher)))
        session.execute(update(Election).where(Election.id == election_id)
                        .values(freeze_lease_until=(now or utcnow()) + LEASE)
                        .execution_options(synchronize_session=False))
        session.commit()
        done += len(batch)
        if progress:
            progress(done, total)


def _finish(session, election, plan, commitments, actor, now, cipher):
    """Fix the definition in one short transaction, if the units still match the voters
    (under the row lock); False when a unit is missing after all (a voter was verified
    meanwhile at a new consulate)."""
    session.commit()
    election = session.scalar(select(Election).where(Election.id == election.id).with_for_update())
    if election.state is not ElectionState.CEREMONY:
        raise IllegalElectionTransition(election.state, ElectionState.FROZEN)
    plan = planned_units(session, election)
    made = _made(session, election.id)
    if any(u.code not in made for u in plan):
        session.rollback()
        return False
    wanted = {u.code for u in plan}
    session.execute(delete(ReportingUnit).where(ReportingUnit.election_id == election.id,
                                                ReportingUnit.code.not_in(wanted)))
    session.expire(election, ["units"])
    styles = {s.id: documents.ballot_style_document(s) for s in election.ballot_styles}
    consulates = {u.consulate_id: u.consulate_code for u in plan}
    units = [{"id": u.code, "consulate": consulates[u.consulate_id],
              "ballot_style": styles[u.ballot_style_id], "public_key": documents.unit_public_key(u)}
             for u in election.units]
    receipt_key, receipt_sealed = keys.new_receipt_key(cipher=cipher)
    definition = election_definition(
        manifest=documents.manifest_of(election), threshold=election.threshold,
        trustees=commitments, joint_key=joint_key(commitments), units=units,
        receipt_key=receipt_key.verify_key.encode())
    fingerprint = election_fingerprint(definition).hex()
    election.freeze(definition=canonical_json(definition), fingerprint=fingerprint,
                    ceremony_proofs=documents.published_proofs(commitments),
                    receipt_key_enc=receipt_sealed, now=now)
    session.flush()
    record(session, actor=actor, action="election.freeze", target=election.audit_target,
           details={"fingerprint": fingerprint, "units": len(units)})
    session.commit()
    return True


def count_units(session, election):
    return session.scalar(select(func.count()).select_from(ReportingUnit)
                          .where(ReportingUnit.election_id == election.id))


# -- a freeze asked for from the web, carried out by a worker -----------------------

def request_freeze(session, election, *, actor):
    """Ask for the freeze (the web page): checked now, carried out by `run_requested_freezes`."""
    check_freezable(session, election, ceremony_link.ceremony_outcome(session, election))
    if election.freeze_requested_at is None:
        election.freeze_requested_at = utcnow()
        record(session, actor=actor, action="election.freeze.request", target=election.audit_target)
    session.flush()
    return election


def run_requested_freezes(session, *, actor, cipher, make_keys=None, batch_size=24, now=None):
    """Freeze every election whose freeze was asked for and that nobody is freezing; returns
    the slugs frozen. A refusal (the ceremony was reopened meanwhile) drops the request."""
    now = now or utcnow()
    ids = session.scalars(select(Election.id).where(
        Election.state == ElectionState.CEREMONY, Election.freeze_requested_at.is_not(None),
        or_(Election.freeze_lease_until.is_(None), Election.freeze_lease_until < now))).all()
    session.commit()
    frozen = []
    for election_id in ids:
        election = session.get(Election, election_id)
        try:
            freeze(session, election, actor=actor,
                   ceremony=ceremony_link.ceremony_outcome(session, election), cipher=cipher,
                   make_keys=make_keys, batch_size=batch_size, now=now)
        except Refused as refusal:
            session.rollback()
            if refusal.code == "freeze_in_progress":
                continue
            log.warning("freeze of election %s refused: %s", election_id, refusal.code)
            session.execute(update(Election).where(Election.id == election_id)
                            .values(freeze_requested_at=None))
            session.commit()
            continue
        frozen.append(election.slug)
    return frozen
