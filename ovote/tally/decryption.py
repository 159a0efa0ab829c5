"""The trustees' decryption of the group sums (DESIGN.md §3.5 step 5, §3.10).

Each trustee downloads a `decrypt-request` file, signed with the server key
of the ceremony attempt that made the election's key (the key its
`ovote trustee` file pins), whose body is ``{"definition", "tally"}``: the
§3.9 definition and the §8 tally.json entries of every group that may be
decrypted (a group of a contest whose whole electorate is below the floor
is never sent). `ovote trustee decrypt` answers with a `decryption` file.

On upload the server checks, with the code `ovote verify` runs
(`ovote.crypto.ceremony_decrypt.verify_decryption_file`), that the file is
bound to this election, attempt and trustee, signed by that trustee's
ceremony key, for this fingerprint and exactly these groups, and that every
share's proof verifies under the trustee's verification key S_j. A file
that fails is refused naming the trustee, and nothing of it is kept.

Once k trustees' shares are in, every group is combined and decoded by
baby-step giant-step bounded by the group's counted ballots, so a count
outside 0..counted cannot be produced; the §8 results document is built and
stored, and the election moves from tallying to tallied.
"""
import json
import logging

from sqlalchemy import select

from ovote.accounts.models import utcnow
from ovote.audit.services import record
from ovote.crypto import ceremony_checks
from ovote.crypto.canonical import canonical_json
from ovote.crypto.ceremony_decrypt import verify_decryption_file
from ovote.crypto.ceremony_files import CeremonyFileError, read_document
from ovote.crypto.elgamal import Ciphertext, decode_small
from ovote.crypto.group import Point
from ovote.crypto.proofs import SimpleProof
from ovote.crypto.threshold import PartialDecryption, combine
from ovote.elections import ceremony
from ovote.elections.models import Election, ElectionState
from ovote.errors import Refused
from ovote.record.grouping import Group
from ovote.record.results import check_in_person, results_document
from ovote.tally.models import DecryptionShare, ElectionResults, groups_of
from ovote.tally.services import in_person_returns

log = logging.getLogger(__name__)
#: Largest decryption file accepted (a few hundred groups of ten options is well under it).
MAX_FILE = 8 << 20
REQUEST_KIND = "decrypt-request"


def _attempt_and_index(session, election, user):
    attempt = ceremony.latest_attempt(session, election)
    if attempt is None or not attempt.finished:
        raise Refused("tally.no_ceremony", slug=election.slug)
    index = attempt.index_of(user.id)
    if index is None:
        raise Refused("ceremony.not_trustee", slug=election.slug)
    return attempt, index


def _tallying(election):
    if election.state is not ElectionState.TALLYING:
        raise Refused("tally.not_tallying", state=election.state.label)


def decryptable_tally(session, election) -> list[dict]:
    """The §8 tally.json entries of the groups the trustees decrypt."""
    return [g.sums_record() for g in groups_of(session, election) if g.decryptable]


def request_file(session, election, user, *, cipher) -> dict:
    """The signed decrypt-request file for trustee `user`; refuses unless the election
    is tallying and `user` is one of the trustees of its finished ceremony."""
    _tallying(election)
    attempt, index = _attempt_and_index(session, election, user)
    body = {"definition": json.loads(election.definition),
            "tally": decryptable_tally(session, election)}
    return ceremony_checks.issue(REQUEST_KIND, election=election.slug, attempt=attempt.number,
                                 trustee=index, body=body,
                                 server_key=ceremony.server_signing_key(attempt, cipher))


def decrypted_trustees(session, election) -> list[int]:
    """Indices of the trustees whose decryption is accepted, in order."""
    return sorted(set(session.scalars(select(DecryptionShare.trustee_index)
                                      .where(DecryptionShare.election_id == election.id))))


def _verification_keys(session, election):
    keys = ceremony.verification_keys(session, election) or {}
    return {index: Point.from_hex(key) for index, key in keys.items()}


def _locked(session, election_id):
    return session.scalar(select(Election).where(Election.id == election_id).with_for_update()
                          .execution_options(populate_existing=True))


def upload(session, election, user, data: bytes, *, in_person=None) -> list[DecryptionShare]:
    """Check and keep trustee `user`'s decryption file; returns the rows kept.

    Refuses (nothing stored) `tally.bad_decryption` naming the trustee for a file that
    fails any check (module docstring), `tally.already_decrypted` for a second,
    different file of the same trustee (the same file again changes nothing). When
    this makes k trustees, combines and stores the results (see `combine_results`;
    `in_person` is passed on). Audited. Flushes; the caller commits.
    """
    if len(data) > MAX_FILE:
        raise Refused("tally.file_too_large", limit=MAX_FILE)
    election = _locked(session, election.id)
    _tallying(election)
    attempt, index = _attempt_and_index(session, election, user)
    groups = {(g.contest, g.name): g for g in groups_of(session, election) if g.decryptable}
    try:
        document = read_document(data)
        lines = verify_decryption_file(
            document, election=election.slug, attempt=attempt.number, trustee=index,
            roster=ceremony.roster_keys(attempt), fingerprint=bytes.fromhex(election.fingerprint),
            tally=[g.sums_record() for g in groups.values()],
            verification_keys=_verification_keys(session, election))
    except CeremonyFileError as exc:
        raise Refused("tally.bad_decryption", trustee=index, detail=str(exc)) from None
    earlier = {row.group_id: row for row in session.scalars(
        select(DecryptionShare).where(DecryptionShare.election_id == election.id,
                                      DecryptionShare.trustee_index == index))}
    if earlier:
        same = all(earlier.get(groups[(ln["contest"], ln["group"])].id) is not None
                   and canonical_json(earlier[groups[(ln["contest"], ln["group"])].id].shares)
                   == canonical_json(ln["shares"]) for ln in lines)
        if same:
            return list(earlier.values())
        raise Refused("tally.already_decrypted", trustee=index)
    rows = [DecryptionShare(election_id=election.id, group=groups[(ln["contest"], ln["group"])],
                            trustee_index=index, shares=ln["shares"]) for ln in lines]
    session.add_all(rows)
    session.flush()
    record(session, actor=user, action="election.tally.decryption", target=election.audit_target,
           details={"trustee": index, "groups": len(rows)})
    log.info("election %s: decryption of trustee %d accepted", election.slug, index)
    if len(decrypted_trustees(session, election)) >= election.threshold:
        combine_results(session, election, in_person=in_person)
    return rows


def _partial(trustee, share) -> PartialDecryption:
    return PartialDecryption(trustee, Point.from_hex(share["D"], allow_identity=True),
                             SimpleProof.from_dict(share["proof"]))


def _record_groups(definition, rows) -> list[Group]:
    consulate_of = {u["id"]: u["consulate"] for u in definition["units"]}
    return [Group(contest=r.contest, name=r.name,
                  consulates=tuple(sorted({consulate_of[u] for u in r.units})),
                  units=tuple(r.units), counted=r.counted, decryptable=r.decryptable)
            for r in rows]


def combine_results(session, election, *, in_person=None) -> ElectionResults:
    """Tallying -> tallied: combine the first k trustees' shares of every decryptable
    group, decode each count within 0..counted, build and store the §8 results with
    the in-person returns (`in_person`, a list in the in_person.json form; by default
    `in_person_returns(session, election)`). Refuses `tally.count_out_of_range` if a
    combination decodes to no count in that range (the sums or shares are not what
    was checked: nothing is stored). Audited with the national totals."""
    _tallying(election)
    definition = json.loads(election.definition)
    returns = in_person_returns(session, election) if in_person is None else list(in_person)
    try:
        check_in_person(definition, returns)
    except ValueError as exc:
        raise Refused("tally.bad_in_person", detail=str(exc)) from None
    rows = groups_of(session, election)
    counts = {}
    for row in rows:
        if not row.decryptable:
            continue
        chosen = sorted(row.shares, key=lambda s: s.trustee_index)[:election.threshold]
        if len(chosen) < election.threshold:
            raise Refused("tally.not_enough_trustees", have=len(chosen), need=election.threshold)
        decoded = []
        for option, item in enumerate(row.sums):
            point = combine(Ciphertext.from_dict(item, allow_identity=True),
                            [_partial(s.trustee_index, s.shares[option]) for s in chosen])
            try:
                decoded.append(decode_small(point, row.counted))
            except ValueError:
                raise Refused("tally.count_out_of_range", group=row.name, contest=row.contest,
                              counted=row.counted) from None
        row.counts = decoded
        counts[(row.contest, row.name)] = decoded
    document = results_document(definition, _record_groups(definition, rows), counts, returns)
    results = ElectionResults(election_id=election.id, document=canonical_json(document),
                              computed_at=utcnow())
    session.add(results)
    election.finish_tally()
    session.flush()
    record(session, actor="system", action="election.tally.decrypted",
           target=election.audit_target,
           details={"trustees": sorted({s.trustee_index for r in rows for s in r.shares}),
                    "national": {entry["contest"]: entry["national"] for entry in document}})
    log.info("election %s tallied", election.slug)
    return results
