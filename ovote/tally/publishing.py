"""Publishing the results (tallied -> published) and writing the election record (§8).

The record is the six files of DESIGN.md §8, read from the database: the board
streamed in seq order through a server-side cursor, so that its size does not
bound the memory, and `publication.json`, the receipt key's signature over the
in-person returns and the results, which no other signature covers (see
`ovote.crypto.board.sign_publication`).
"""
import json
import logging
import os
import tempfile
from pathlib import Path

from sqlalchemy import select

from ovote.accounts.models import utcnow
from ovote.audit.services import record
from ovote.crypto.board import format_received_at, sign_publication
from ovote.elections import documents
from ovote.elections.models import Election, ElectionState
from ovote.errors import Refused
from ovote.record.files import write_record
from ovote.tally.models import DecryptionShare, ElectionResults, TallyGroup, groups_of
from ovote.tally.services import in_person_returns
from ovote.voting.material import receipt_key
from ovote.voting.models import BoardEntry

log = logging.getLogger(__name__)
#: board rows fetched per round trip while the record is written
BATCH = 1000


def _locked(session, election_id):
    return session.scalar(select(Election).where(Election.id == election_id).with_for_update()
                          .execution_options(populate_existing=True))


def results_of(session, election) -> ElectionResults | None:
    return session.scalar(select(ElectionResults).where(ElectionResults.election_id == election.id))


def publish(session, election, *, actor, now=None) -> ElectionResults:
    """Tallied -> published: the results and the record become public. Refuses
    `tally.not_tallied` before the trustees' decryptions are combined,
    `tally.already_published` after. Audited;
    the caller commits."""
    election = _locked(session, election.id)
    results = results_of(session, election)
    if election.state is ElectionState.PUBLISHED:
        raise Refused("tally.already_published")
    if election.state is not ElectionState.TALLIED or results is None:
        raise Refused("tally.not_tallied", state=election.state.label)
    election.publish()
    results.published_at = now or utcnow()
    session.flush()
    record(session, actor=actor, action="election.tally.publish", target=election.audit_target,
           details={"fingerprint": election.fingerprint})
    log.info("election %s: results published", election.slug)
    return results


def _ballots(session, election):
    rows = session.execute(select(BoardEntry).where(BoardEntry.election_id == election.id)
                           .order_by(BoardEntry.seq)
                           .execution_options(yield_per=BATCH, stream_results=True)).scalars()
    for entry in rows:
        yield {"seq": entry.seq, "received_at": format_received_at(entry.received_at),
               "tracking_code": entry.tracking_code, "chain": entry.chain,
               "superseded": entry.superseded, "ballot": json.loads(entry.ballot)}
        session.expunge(entry)  # the identity map must not keep the whole board


def _decryptions(session, election):
    rows = session.execute(
        select(TallyGroup.contest, TallyGroup.name, DecryptionShare.trustee_index,
               DecryptionShare.shares)
        .join(TallyGroup, DecryptionShare.group_id == TallyGroup.id)
        .where(DecryptionShare.election_id == election.id)
        .order_by(TallyGroup.contest, TallyGroup.name, DecryptionShare.trustee_index))
    for contest, group, trustee, shares in rows:
        yield {"contest": contest, "group": group, "trustee": trustee, "shares": shares}


def export_record(session, election, target, *, cipher, as_zip=False) -> Path:
    """Write the record of a tallied or published election into the folder (or, with
    `as_zip`, the zip file) `target`; refuses `tally.not_tallied` before that."""
    results = results_of(session, election)
    if election.state not in (ElectionState.TALLIED, ElectionState.PUBLISHED) or results is None:
        raise Refused("tally.not_tallied", state=election.state.label)
    in_person = in_person_returns(session, election)
    document = json.loads(results.document)
    fingerprint = bytes.fromhex(election.fingerprint)
    head = {"slug": election.slug, "fingerprint": election.fingerprint,
            "definition": documents.definition_of(election), "ceremony": election.ceremony_proofs,
            "close": election.close_statement}
    return write_record(
        target, election=head, ballots=_ballots(session, election),
        tally=[g.sums_record() for g in groups_of(session, election)],
        decryption=_decryptions(session, election), in_person=in_person, results=document,
        publication=sign_publication(receipt_key(election, cipher=cipher), fingerprint,
                                     in_person, document),
        as_zip=as_zip)


def published_record_zip(session, election, folder, *, cipher) -> Path:
    """The published record of `election` as a zip in `folder`, written the first time it
    is asked for (a published record never changes: its name carries the fingerprint);
    written under a temporary name and renamed, so that no reader sees half a file."""
    if election.state is not ElectionState.PUBLISHED:
        raise Refused("results_not_published")
    folder = Path(folder)
    path = folder / f"{election.slug}-{election.fingerprint[:16]}-record.zip"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".record-", suffix=".zip",
                                         delete=False) as partial:
            temporary = Path(partial.name)
        try:
            export_record(session, election, temporary, cipher=cipher, as_zip=True)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return path
