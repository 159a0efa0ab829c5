"""The trustee's side of the key ceremony and of decryption (DESIGN.md §3.5, §8).

Each step takes the trustee's secrets (the plain dict its key file seals,
see `ovote.crypto.keyfile`) and the file it downloaded, checks that file
(`ceremony_files`, `ceremony_checks`), updates the secrets in place and
returns the signed file to upload:

* `start(invitation)` -> (secrets, init file): fresh Ed25519 signing and
  X25519 encryption keys; the invitation pins the server's key.
* `deal(secrets, deal_request)` -> deal file: the polynomial f_i, its
  commitments with Schnorr proofs, f_i(j) encrypted to each other trustee.
* `receive(secrets, receive_request | settlement)` -> receive file: every
  share checked against its dealer's commitments; an acceptance with S_j,
  or complaints. After a settlement (the accused published the disputed
  shares and they match), the acceptance.
* `answer(secrets, answer_request)` -> answer file: f_i(j) in clear for
  each complaint against this trustee, signed by its accuser.
* `decrypt(secrets, decrypt_request)` -> decryption file: D_j = s_j·alpha
  with Chaum-Pedersen proofs for every sum of a §8 `tally.json`.

A step asked for again after it was done gives the same file again (the
trustee may have lost it); a step asked for too early is `out_of_order`.
"""

from nacl.signing import SigningKey
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from ovote.crypto import ceremony_checks as checks
from ovote.crypto.ceremony_files import (
    CeremonyFileError,
    check_signature,
    expect,
    public_key_of,
    read_document,
    sign_document,
)
from ovote.crypto.complaints import answer_complaint
from ovote.crypto.errors import CeremonyError, DecodeError
from ovote.crypto.group import Scalar, base_mul
from ovote.crypto.share_encryption import (
    EncryptedShare,
    ceremony_public_from_hex,
    ceremony_public_hex,
    decrypt_share,
    encrypt_share,
)
from ovote.crypto.threshold import (
    Complaint,
    Polynomial,
    TrusteeCommitment,
    check_share,
    combine_received_shares,
    verification_key,
)
from ovote.crypto.threshold import deal as deal_polynomial

#: The trustee's progress, in order.
STEPS = ("invited", "dealt", "complained", "accepted")


def refuse(message: str, code: str = "out_of_order"):
    return CeremonyFileError(message, code=code)


def sign_output(secrets: dict, kind: str, body: dict) -> dict:
    document = sign_document(kind, election=secrets["election"], attempt=secrets["attempt"],
                             trustee=secrets["trustee"], body=body,
                             signing_key=SigningKey(bytes.fromhex(secrets["signing_key"])))
    secrets.setdefault("outputs", {})[kind] = document
    return document


def _roster(secrets: dict) -> dict:
    return {int(i): keys for i, keys in secrets["roster"].items()}


def _commitments(secrets: dict) -> dict:
    return {int(i): TrusteeCommitment.from_dict(c) for i, c in secrets["commitments"].items()}


def from_server(secrets: dict, data, kinds) -> dict:
    document = read_document(data)
    expect(document, kinds=kinds, election=secrets["election"], attempt=secrets["attempt"],
           trustee=secrets["trustee"])
    check_signature(document, bytes.fromhex(secrets["server_key"]), who="the election server")
    return document


def _check_roster_shape(body: dict, me: int):
    threshold, trustees = body.get("threshold"), body.get("trustees")
    if (isinstance(threshold, bool) or not isinstance(threshold, int) or not isinstance(trustees, list)
            or not all(isinstance(t, int) and not isinstance(t, bool) and t >= 1 for t in trustees)
            or trustees != sorted(set(trustees)) or not 1 <= threshold <= len(trustees)):
        raise refuse("The invitation's list of trustees or threshold is malformed.", "bad_content")
    if me not in trustees:
        raise refuse(f"This invitation is for trustee {me}, who is not on its list of trustees.",
                    "wrong_trustee")
    return threshold, trustees


def start(data) -> tuple[dict, dict]:
    """Accept an invitation: new ceremony keys; returns (secrets, init file)."""
    invitation = read_document(data)
    expect(invitation, kinds="invitation", election=invitation["election"],
           attempt=invitation["attempt"])
    body = invitation["body"]
    if not isinstance(body, dict) or set(body) != {"threshold", "trustees", "server_key"}:
        raise refuse("The invitation's content is malformed.", "bad_content")
    server_key = checks.key_from_hex(body["server_key"], what="server key")
    check_signature(invitation, server_key, who="the election server")
    threshold, trustees = _check_roster_shape(body, invitation["trustee"])
    signing, encryption = SigningKey.generate(), X25519PrivateKey.generate()
    secrets = {
        "election": invitation["election"], "attempt": invitation["attempt"],
        "trustee": invitation["trustee"], "threshold": threshold, "trustees": trustees,
        "server_key": body["server_key"], "step": "invited",
        "signing_key": bytes(signing).hex(),
        "encryption_key": encryption.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption()).hex(),
    }
    init = sign_output(secrets, "init", {"signing_key": public_key_of(signing),
                                   "encryption_key": ceremony_public_hex(encryption)})
    return secrets, init


def _encryption_key(secrets: dict) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(bytes.fromhex(secrets["encryption_key"]))


def deal(secrets: dict, data) -> dict:
    """Check everyone's ceremony keys, deal f_i; returns the deal file."""
    request = from_server(secrets, data, "deal-request")
    if secrets["step"] != "invited":
        return secrets["outputs"]["deal"]
    body, me = request["body"], secrets["trustee"]
    if (not isinstance(body, dict) or set(body) != {"threshold", "trustees", "inits"}
            or (body["threshold"], body["trustees"]) != (secrets["threshold"], secrets["trustees"])
            or not isinstance(body["inits"], list)):
        raise refuse("This file's threshold or list of trustees is not the invitation's.",
                    "bad_content")
    roster = {}
    for item in body["inits"]:
        init = read_document(item)
        trustee = init["trustee"]
        if trustee in roster or trustee not in secrets["trustees"]:
            raise refuse(f"Trustee {trustee}'s keys are listed twice or unexpected.", "bad_content")
        roster[trustee] = checks.check_init(init, election=secrets["election"],
                                            attempt=secrets["attempt"], trustee=trustee)
    if sorted(roster) != secrets["trustees"]:
        raise refuse("This file does not hold the ceremony keys of every trustee.", "bad_content")
    if roster[me] != secrets["outputs"]["init"]["body"]:
        raise refuse("The keys listed for you are not the ones in your key file.", "bad_content")
    polynomial, commitment = deal_polynomial(secrets["election"], me, secrets["threshold"])
    sender_key = _encryption_key(secrets)
    shares = [
        encrypt_share(election_id=secrets["election"], sender=me, sender_key=sender_key,
                      recipient=j, recipient_public=ceremony_public_from_hex(keys["encryption_key"]),
                      share=polynomial.evaluate(j)).to_dict()
        for j, keys in sorted(roster.items()) if j != me
    ]
    secrets.update(roster={str(i): k for i, k in roster.items()},
                   polynomial=polynomial.to_dict(), step="dealt")
    return sign_output(secrets, "deal", {"commitment": commitment.to_dict(), "shares": shares})


def _judge_deals(secrets: dict, deals) -> tuple[dict, dict, list]:
    """Commitments of every dealer, the shares that check, and complaints."""
    roster, me, election = _roster(secrets), secrets["trustee"], secrets["election"]
    if not isinstance(deals, list):
        raise refuse("This file's content is malformed.", "bad_content")
    commitments, shares, complaints = {}, {}, []
    for item in deals:
        document = read_document(item)
        dealer = document["trustee"]
        if dealer in commitments or dealer not in roster:
            raise refuse(f"Trustee {dealer}'s deal is listed twice or unexpected.", "bad_content")
        checks.check_trustee_file(document, "deal", election=election, attempt=secrets["attempt"],
                                  trustee=dealer, roster=roster)
        try:
            commitment = TrusteeCommitment.from_dict(document["body"]["commitment"])
            commitments[dealer] = commitment
            if dealer == me:
                continue
            commitment_ok = commitment.trustee == dealer and commitment.verify(
                election, secrets["threshold"])
            mine = [s for s in document["body"]["shares"] if s.get("recipient") == me]
        except (DecodeError, KeyError, TypeError, AttributeError):
            raise refuse(f"Trustee {dealer}'s deal is malformed.", "bad_content") from None
        if not commitment_ok:
            complaints.append(Complaint(election, me, dealer, "bad_commitment"))
            continue
        try:
            if len(mine) != 1:
                raise CeremonyError("no share", complaint=None, code="undecryptable")
            share = decrypt_share(
                EncryptedShare.from_dict(mine[0]), election_id=election, recipient=me,
                recipient_key=_encryption_key(secrets),
                sender_public=ceremony_public_from_hex(roster[dealer]["encryption_key"]))
        except (CeremonyError, DecodeError):
            complaints.append(Complaint(election, me, dealer, "undecryptable"))
            continue
        if not check_share(commitment, me, share):
            complaints.append(Complaint(election, me, dealer, "bad_share"))
            continue
        shares[dealer] = share
    if sorted(commitments) != secrets["trustees"]:
        raise refuse("This file does not hold the deal of every trustee.", "bad_content")
    if commitments[me].to_dict() != secrets["outputs"]["deal"]["body"]["commitment"]:
        raise refuse("The commitments listed for you are not the ones you made.", "bad_content")
    return commitments, shares, complaints


def _accept(secrets: dict, commitments: dict, shares: dict) -> dict:
    me = secrets["trustee"]
    polynomial = Polynomial.from_dict(secrets["polynomial"])
    shares = {**shares, me: polynomial.evaluate(me)}
    share = combine_received_shares(secrets["election"], me, secrets["threshold"],
                                    commitments, shares)
    public = verification_key(commitments.values(), me)
    if base_mul(share) != public:  # cannot happen once every share checked; never publish it
        raise refuse("Your share does not match the commitments.", "bad_share")
    secrets.update(share=share.hex(), verification_key=public.hex(), step="accepted")
    secrets.pop("received", None)
    return sign_output(secrets, "receive", {"accepted": True, "verification_key": public.hex(),
                                      "complaints": []})


def receive(secrets: dict, data) -> dict:
    """Check the shares received (or the settlement of complaints); returns the receive file."""
    document = from_server(secrets, data, ("receive-request", "settlement"))
    if secrets["step"] == "invited":
        raise refuse("Run `ovote trustee deal` first: you have not dealt your shares yet.")
    if document["kind"] == "settlement":
        return _settle(secrets, document["body"])
    if secrets["step"] != "dealt":
        return secrets["outputs"]["receive"]
    commitments, shares, complaints = _judge_deals(secrets, document["body"].get("deals"))
    secrets["commitments"] = {str(i): c.to_dict() for i, c in commitments.items()}
    if not complaints:
        return _accept(secrets, commitments, shares)
    secrets.update(received={str(i): s.hex() for i, s in shares.items()}, step="complained")
    return sign_output(secrets, "receive", {"accepted": False, "verification_key": None,
                                      "complaints": [c.to_dict() for c in complaints]})


def _settle(secrets: dict, body) -> dict:
    if secrets["step"] == "accepted":
        return secrets["outputs"]["receive"]
    if secrets["step"] != "complained":
        raise refuse("You have filed no complaint, so there is nothing to settle.")
    roster, me, commitments = _roster(secrets), secrets["trustee"], _commitments(secrets)
    shares = {int(i): Scalar.from_hex(s) for i, s in secrets["received"].items()}
    complaints = secrets["outputs"]["receive"]["body"]["complaints"]
    answers = body.get("answers") if isinstance(body, dict) else None
    if not isinstance(answers, list):
        raise refuse("This file's content is malformed.", "bad_content")
    for complaint in complaints:
        accused = complaint["accused"]
        found = [read_document(a) for a in answers if isinstance(a, dict) and a.get("trustee") == accused]
        if len(found) != 1:
            raise refuse(f"This file holds no answer from trustee {accused}.", "bad_answer")
        answer_body = checks.check_trustee_file(
            found[0], "answer", election=secrets["election"], attempt=secrets["attempt"],
            trustee=accused, roster=roster)
        try:
            mine = [a for a in answer_body["answers"] if a["accuser"] == me]
            share = Scalar.from_hex(mine[0]["share"]) if len(mine) == 1 else None
        except (DecodeError, KeyError, TypeError):
            raise refuse(f"Trustee {accused}'s answer is malformed.", "bad_answer") from None
        if complaint["reason"] == "bad_commitment" or share is None or not check_share(
                commitments[accused], me, share):
            raise refuse(f"Trustee {accused}'s answer does not settle your complaint: the "
                        "ceremony cannot go on with this trustee. Tell the commission.", "bad_share")
        shares[accused] = share
    return _accept(secrets, commitments, shares)


def answer(secrets: dict, data) -> dict:
    """Answer the complaints against this trustee; returns the answer file."""
    request = from_server(secrets, data, "answer-request")
    if secrets["step"] == "invited":
        raise refuse("Run `ovote trustee deal` first: you have not dealt your shares yet.")
    roster, me = _roster(secrets), secrets["trustee"]
    items = request["body"].get("complaints")
    if not isinstance(items, list) or not items:
        raise refuse("This file holds no complaint against you.", "bad_content")
    polynomial, answers = Polynomial.from_dict(secrets["polynomial"]), []
    for item in items:
        document = read_document(item)
        accuser = document["trustee"]
        if document["body"].get("accepted") is not False:
            raise refuse(f"Trustee {accuser}'s file holds no complaint.", "bad_content")
        status, complaints = checks.check_receive(
            document, election=secrets["election"], attempt=secrets["attempt"], trustee=accuser,
            roster=roster, commitments={})
        against_me = [c for c in complaints if c.accused == me] if status == "complaints" else []
        if len(against_me) != 1:
            raise refuse(f"Trustee {accuser}'s file holds no complaint against you.", "bad_content")
        answers.append(answer_complaint(polynomial, against_me[0],
                                        trustees=max(roster)).to_dict())
    answers.sort(key=lambda a: a["accuser"])
    if len({a["accuser"] for a in answers}) != len(answers):
        raise refuse("The same complaint is listed twice.", "bad_content")
    return sign_output(secrets, "answer", {"answers": answers})
