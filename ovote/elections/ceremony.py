"""The server's side of the key ceremony: relay the trustees' files, check what it can.

The trustees run `ovote trustee` on their own machines (DESIGN.md §3.5); the
server hands each the file its next step needs and takes back the file it
made. On every upload it checks what public data allows, with the same
code the trustees run (`ovote.crypto.ceremony_checks`): the file is bound
to this election, this attempt and the uploading trustee, its signature is
that trustee's ceremony key, the commitments' Schnorr proofs hold, each
dealer sends one share to every other trustee, an acceptance's
verification key is the one the commitments give, a complaint is by its
author against another trustee, and an answer is judged from public data
(`ovote.crypto.complaints`). A refused file is not stored. Shares are
relayed opaque: the server never holds one it could open.

Complaints are settled, not trusted: the accused publishes the disputed
share; if it matches its commitments the complaint is dismissed and no one
is named (the accuser then takes it), otherwise the dealer is named and the
attempt has failed. The commission then restarts the ceremony without the
named trustees (`restart_without_culprits`), as a new attempt.
"""
import logging

from nacl.signing import SigningKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import User
from ovote.audit.services import record
from ovote.crypto import ceremony_checks as checks
from ovote.crypto.canonical import canonical_json
from ovote.crypto.ceremony_files import (CeremonyFileError, expect, public_key_of,
                                         read_document)
from ovote.crypto.complaints import judge_complaint
from ovote.crypto.threshold import Complaint, TrusteeCommitment, verification_key
from ovote.elections import ceremony_link
from ovote.elections.ceremony_models import (CeremonyAttempt, CeremonyComplaint, CeremonyUpload,
                                             Step, Verdict)
from ovote.elections.models import Election, ElectionState, ElectionTrustee
from ovote.errors import Refused

log = logging.getLogger(__name__)
#: Largest file accepted (a deal file to 64 trustees is well under it).
MAX_FILE = 1 << 20
#: CeremonyFileError code -> refusal code (ovote.refusals, "elections: key ceremony").
REFUSAL_OF = {
    "not_a_ceremony_file": "ceremony.not_a_file", "wrong_version": "ceremony.wrong_version",
    "wrong_kind": "ceremony.wrong_kind", "wrong_election": "ceremony.wrong_election",
    "wrong_trustee": "ceremony.wrong_trustee", "wrong_attempt": "ceremony.wrong_attempt",
    "bad_file_signature": "ceremony.bad_signature", "bad_commitment": "ceremony.bad_proof",
    "bad_share": "ceremony.share_mismatch", "bad_complaint": "ceremony.bad_complaint",
    "bad_answer": "ceremony.bad_answer", "bad_verification_key": "ceremony.bad_verification_key",
    "bad_content": "ceremony.bad_content", "out_of_order": "ceremony.out_of_order",
}
#: The trustee's file kind -> the step it is.
STEP_OF_KIND = {"init": Step.INIT, "deal": Step.DEAL, "receive": Step.RECEIVE,
                "answer": Step.ANSWER}


def _refused(exc: CeremonyFileError) -> Refused:
    return Refused(REFUSAL_OF.get(exc.code, "ceremony.bad_content"), detail=str(exc))


# -- the current attempt -------------------------------------------------------------

def _roster_of(election):
    return [{"index": t.index, "user_id": t.user_id} for t in election.trustees]


def latest_attempt(session, election):
    return session.scalar(select(CeremonyAttempt).where(CeremonyAttempt.election_id == election.id)
                          .order_by(CeremonyAttempt.number.desc()).limit(1))


def current_attempt(session, election, *, cipher):
    """The attempt the election's ceremony is at, started if it has none yet.

    A new attempt starts when the election is in its ceremony and the latest
    attempt was made for other trustees or another threshold (the commission
    went back to the draft and changed them). A failed attempt stays current
    until the commission restarts without the trustees it names.
    """
    latest = latest_attempt(session, election)
    if election.state is not ElectionState.CEREMONY:
        return latest
    if latest is not None and latest.roster == _roster_of(election) \
            and latest.threshold == election.threshold:
        return latest
    seed = SigningKey.generate()
    attempt = CeremonyAttempt(election_id=election.id, number=(latest.number if latest else 0) + 1,
                              threshold=election.threshold, roster=_roster_of(election),
                              server_key=public_key_of(seed),
                              server_key_enc=cipher.seal(bytes(seed), context="ceremony.server_key"))
    try:
        with session.begin_nested():
            session.add(attempt)
            session.flush()
    except IntegrityError:  # a concurrent request started it a moment ago
        return latest_attempt(session, election)
    record(session, actor="system", action="election.ceremony.attempt",
           target=election.audit_target, details={"attempt": attempt.number,
                                                  "trustees": attempt.indices})
    return attempt


def _running(session, election, user, *, cipher):
    """(attempt, index) for `user` uploading or downloading; refuses otherwise."""
    if election.state is not ElectionState.CEREMONY:
        raise Refused("ceremony.not_running", state=election.state.label)
    attempt = current_attempt(session, election, cipher=cipher)
    index = attempt.index_of(user.id)
    if index is None:
        raise Refused("ceremony.not_trustee", slug=election.slug)
    if attempt.failed:
        raise Refused("ceremony.failed", culprits=_names(attempt.culprits))
    return attempt, index


def _names(indices):
    return ", ".join(str(i) for i in indices)


def server_signing_key(attempt, cipher):
    """The key that signs the files the server issues in `attempt` (decryption requests too)."""
    return SigningKey(cipher.open(attempt.server_key_enc, context="ceremony.server_key"))


def _document(upload):
    return read_document(upload.document)


def roster_keys(attempt):
    """{index: {"signing_key", "encryption_key"}} from the init files."""
    return {u.trustee_index: _document(u)["body"] for u in attempt.uploads if u.step is Step.INIT}


def commitments(attempt):
    """{index: TrusteeCommitment} from the deal files."""
    return {u.trustee_index: TrusteeCommitment.from_dict(_document(u)["body"]["commitment"])
            for u in attempt.uploads if u.step is Step.DEAL}


def _everyone(attempt, step):
    return attempt.done(step) == set(attempt.indices)


# -- what each trustee downloads -------------------------------------------------------

def available_downloads(attempt, index):
    """The server files trustee `index` can download now, in step order."""
    found = ["invitation"]
    if _everyone(attempt, Step.INIT):
        found.append("deal-request")
    if _everyone(attempt, Step.DEAL):
        found.append("receive-request")
    pending = [c for c in attempt.complaints if c.verdict is Verdict.PENDING]
    if _everyone(attempt, Step.RECEIVE) and any(c.accused == index for c in pending):
        found.append("answer-request")
    mine = [c for c in attempt.complaints if c.accuser == index]
    if mine and all(c.verdict is Verdict.DISMISSED for c in mine):
        found.append("settlement")
    return found


def download(session, election, user, kind, *, cipher):
    """The signed server file `kind` for `user`; refuses one that is not available yet."""
    attempt, index = _running(session, election, user, cipher=cipher)
    if kind not in available_downloads(attempt, index):
        raise Refused("ceremony.not_available")
    bound = {"election": election.slug, "attempt": attempt.number, "trustee": index}
    if kind == "invitation":
        body = {"threshold": attempt.threshold, "trustees": attempt.indices,
                "server_key": attempt.server_key}
    elif kind == "deal-request":
        body = {"threshold": attempt.threshold, "trustees": attempt.indices,
                "inits": _files(attempt, Step.INIT)}
    elif kind == "receive-request":
        body = {"deals": _files(attempt, Step.DEAL)}
    elif kind == "answer-request":
        accusers = {c.accuser for c in attempt.complaints if c.accused == index}
        body = {"complaints": [_document(attempt.upload(a, Step.RECEIVE)) for a in sorted(accusers)]}
    else:
        accused = {c.accused for c in attempt.complaints if c.accuser == index}
        body = {"answers": [_document(attempt.upload(a, Step.ANSWER)) for a in sorted(accused)]}
    return checks.issue(kind, body=body, server_key=server_signing_key(attempt, cipher), **bound)


def _files(attempt, step):
    return [_document(u) for u in sorted(attempt.uploads, key=lambda u: u.trustee_index)
            if u.step is step]


# -- uploads ---------------------------------------------------------------------------

def upload(session, election, user, data: bytes, *, cipher):
    """Check and keep a file trustee `user` uploaded; returns the `CeremonyUpload`.

    Refuses (`Refused`, nothing stored) a file that is not a ceremony file, is
    bound to another election, attempt or trustee, is signed by anyone but
    the uploader's ceremony key, comes out of order or twice, or fails a
    check public data allows (see the module's docstring).
    """
    if len(data) > MAX_FILE:
        raise Refused("ceremony.too_large")
    attempt, index = _running(session, election, user, cipher=cipher)
    try:
        document = read_document(data)
        expect(document, kinds=tuple(STEP_OF_KIND), election=election.slug,
               attempt=attempt.number, trustee=index)
        step = STEP_OF_KIND[document["kind"]]
        if step is Step.RECEIVE and attempt.upload(index, Step.RECEIVE) is not None \
                and attempt.upload(index, Step.RECEIVE).accepted is False:
            step = Step.SETTLE
        earlier = attempt.upload(index, step)
        if earlier is not None:
            if earlier.document == canonical_json(document):
                return earlier  # the same file again: nothing to do
            raise Refused("ceremony.already_uploaded", step=step.label)
        accepted, verdicts = _check(attempt, index, step, document)
    except CeremonyFileError as exc:
        raise _refused(exc) from None
    kept = CeremonyUpload(trustee_index=index, step=step, accepted=accepted,
                          document=canonical_json(document), uploaded_by_id=user.id)
    try:
        with session.begin_nested():
            attempt.uploads.append(kept)
            session.flush()
    except IntegrityError:
        raise Refused("ceremony.already_uploaded", step=step.label) from None
    record(session, actor=user, action=f"election.ceremony.{step.value}",
           target=election.audit_target,
           details={"attempt": attempt.number, "trustee": index,
                    **({"accepted": accepted} if accepted is not None else {})})
    _after(session, election, attempt, index, document, verdicts)
    return kept


def _out_of_order(message):
    return CeremonyFileError(message, code="out_of_order")


def _check(attempt, index, step, document):
    """The checks of one upload; returns (`accepted` of a receive file, verdicts of an answer)."""
    bound = {"election": attempt.election.slug, "attempt": attempt.number, "trustee": index}
    if step is Step.INIT:
        checks.check_init(document, **bound)
        return None, []
    roster = roster_keys(attempt)
    if step is Step.DEAL:
        if not _everyone(attempt, Step.INIT):
            raise _out_of_order("Every trustee must start before anyone deals.")
        checks.check_deal(document, threshold=attempt.threshold, roster=roster, **bound)
        return None, []
    if not _everyone(attempt, Step.DEAL):
        raise _out_of_order("Every trustee must deal before anyone receives.")
    found = commitments(attempt)
    if step in (Step.RECEIVE, Step.SETTLE):
        status, _ = checks.check_receive(document, roster=roster, commitments=found, **bound)
        if step is Step.SETTLE:
            mine = [c for c in attempt.complaints if c.accuser == index]
            if status != "accepted" or not all(c.verdict is Verdict.DISMISSED for c in mine):
                raise _out_of_order("Your complaints are not all settled yet.")
        return status == "accepted", []
    pending = [c for c in attempt.complaints if c.accused == index]
    if not pending or not _everyone(attempt, Step.RECEIVE):
        raise _out_of_order("There is no complaint against you to answer now.")
    return None, checks.check_answer(
        document, threshold=attempt.threshold, roster=roster, commitment=found[index],
        complaints=[_complaint(attempt, c) for c in pending], **bound)


def _complaint(attempt, row):
    return Complaint(attempt.election.slug, row.accuser, row.accused, row.reason)


def _after(session, election, attempt, index, document, verdicts):
    """What an upload sets going: complaints to answer, verdicts, the end of the ceremony."""
    if document["kind"] == "receive" and document["body"]["accepted"] is False:
        for data in document["body"]["complaints"]:
            attempt.complaints.append(CeremonyComplaint(
                accuser=index, accused=data["accused"], reason=data["reason"]))
        session.flush()
    if verdicts:
        pending = [c for c in attempt.complaints if c.accused == index]
        for row, verdict in zip(pending, verdicts):
            row.judge(verdict)
            record(session, actor="system", action="election.ceremony.verdict",
                   target=election.audit_target,
                   details={"attempt": attempt.number, "accuser": row.accuser,
                            "accused": row.accused, "upheld": verdict.upheld,
                            "reason": verdict.reason})
        session.flush()
    if attempt.finished:
        record(session, actor="system", action="election.ceremony.finished",
               target=election.audit_target, details={"attempt": attempt.number})


# -- the outcome, for the freeze ------------------------------------------------------

@ceremony_link.provide_ceremony_outcome
def outcome(session, election):
    """Per trustee index ``{"commitments", "proofs"}`` of the finished current attempt, or None."""
    attempt = latest_attempt(session, election)
    if attempt is None or not attempt.finished or attempt.roster != _roster_of(election) \
            or attempt.threshold != election.threshold:
        return None
    return {i: {"commitments": [a.hex() for a in c.commitments],
                "proofs": [p.to_dict() for p in c.proofs]}
            for i, c in sorted(commitments(attempt).items())}


def verification_keys(session, election):
    """{index: S_j hex} of the finished ceremony (for decryption checks), or None."""
    attempt = latest_attempt(session, election)
    if attempt is None or not attempt.finished:
        return None
    found = commitments(attempt)
    return {i: verification_key(found.values(), i).hex() for i in attempt.indices}


def elections_of_trustee(session, user):
    """The elections `user` is (now) a trustee of, newest first."""
    return session.scalars(select(Election).join(ElectionTrustee)
                           .where(ElectionTrustee.user_id == user.id)
                           .order_by(Election.created_at.desc())).all()


def by_slug(session, slug):
    election = session.scalar(select(Election).where(Election.slug == slug)) \
        if isinstance(slug, str) else None
    if election is None:
        raise Refused("unknown_election", slug=str(slug)[:64])
    return election


# -- the commission's actions ----------------------------------------------------------

def trustee_emails(session, attempt):
    """{index: e-mail} of an attempt's trustees, for the commission's page."""
    if attempt is None:
        return {}
    users = {u.id: u.email for u in session.scalars(
        select(User).where(User.id.in_([e["user_id"] for e in attempt.roster])))}
    return {e["index"]: users.get(e["user_id"], "?") for e in attempt.roster}


def name_silent_trustees(session, election, *, actor):
    """Uphold, as `no_answer`, every complaint still pending once everyone has received:
    the accused was asked for the disputed share and did not publish it."""
    attempt = latest_attempt(session, election)
    pending = [c for c in attempt.complaints if c.verdict is Verdict.PENDING] if attempt else []
    if not pending or not _everyone(attempt, Step.RECEIVE) or attempt.failed:
        raise Refused("ceremony.no_silent_trustee")
    found = commitments(attempt)
    for row in pending:
        verdict = judge_complaint(_complaint(attempt, row), found[row.accused], None,
                                  election_id=election.slug, threshold=attempt.threshold)
        row.judge(verdict)
        record(session, actor=actor, action="election.ceremony.verdict",
               target=election.audit_target,
               details={"attempt": attempt.number, "accuser": row.accuser,
                        "accused": row.accused, "upheld": verdict.upheld,
                        "reason": verdict.reason})
    session.flush()
    return attempt.culprits


def restart_without_culprits(session, election, *, actor):
    """Take the trustees a failed attempt names off the election's roster and start the
    ceremony again (a new attempt, which refuses every earlier file).

    Returns True when the ceremony started again; False when the election stays a draft
    because the definition is no longer complete (fewer trustees than the threshold):
    the commission then adds a trustee or lowers k and starts the ceremony itself.
    """
    from ovote.elections import services as definition

    attempt = latest_attempt(session, election)
    if attempt is None or not attempt.failed or election.state is not ElectionState.CEREMONY:
        raise Refused("ceremony.no_culprit")
    culprits = {e["user_id"] for e in attempt.roster if e["index"] in attempt.culprits}
    definition.abandon_ceremony(session, election, actor=actor)
    for trustee in sorted((t for t in election.trustees if t.user_id in culprits),
                          key=lambda t: -t.index):
        definition.remove_trustee(session, election, trustee.index, actor=actor)
    record(session, actor=actor, action="election.ceremony.restart", target=election.audit_target,
           details={"attempt": attempt.number, "without": attempt.culprits})
    try:
        definition.start_ceremony(session, election, actor=actor)
    except Refused:
        return False
    return True
