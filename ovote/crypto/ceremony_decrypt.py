"""The trustee's partial decryption of a tally (DESIGN.md §3.5 step 5, §8).

`decrypt(secrets, decrypt_request)` takes the server's `decrypt-request`
file, whose body is ``{"definition": <the §3.9 definition>, "tally": [<§8
tally.json group>, ...]}``, and returns the trustee's `decryption` file,
whose body is ``{"fingerprint": hex, "decryptions": [<§8 decryption.jsonl
line>, ...]}``, one line ``{"contest", "group", "trustee", "shares": [{"D",
"proof": {"c","z"}} per option]}`` per group.

Before using its share the trustee checks that the definition is the one
its ceremony made (its threshold, every trustee's commitments as received,
the joint key), and computes the fingerprint itself, so its proofs cannot
be bound to an election it did not help make. It cannot check the sums
against the board (it does not hold it); `ovote verify` does that.
`verify_decryption_file` is the server's and the verifier's check.
"""

from typing import Mapping

from ovote.crypto.ceremony import from_server, refuse, sign_output
from ovote.crypto.ceremony_checks import check_trustee_file
from ovote.crypto.elgamal import Ciphertext
from ovote.crypto.errors import DecodeError
from ovote.crypto.fingerprint import election_fingerprint, joint_key_of
from ovote.crypto.group import Point, Scalar
from ovote.crypto.proofs import SimpleProof
from ovote.crypto.threshold import PartialDecryption, partial_decrypt, verify_partial_decryption

_GROUP_FIELDS = {"contest", "group", "units", "counted", "sums"}


def _check_definition(secrets: dict, definition) -> bytes:
    try:
        trustees = {t["index"]: t["commitments"] for t in definition["trustees"]}
        joint_key_of(definition)
        slug = definition["manifest"]["slug"]
    except (DecodeError, KeyError, TypeError, ValueError):
        raise refuse("The election definition in this file is malformed.", "bad_content") from None
    mine = {int(i): c["commitments"] for i, c in secrets["commitments"].items()}
    if slug != secrets["election"] or definition["threshold"] != secrets["threshold"] \
            or trustees != mine:
        raise refuse("This election definition is not the one your key ceremony made (its "
                    "trustees' commitments differ): do not decrypt, tell the commission.",
                    "bad_content")
    return election_fingerprint(definition)


def _options_per_contest(definition) -> dict:
    try:
        return {c["id"]: len(c["options"]) for c in definition["manifest"]["contests"]}
    except (KeyError, TypeError):
        raise refuse("The election definition in this file is malformed.", "bad_content") from None


def decrypt(secrets: dict, data) -> dict:
    """Partial decryptions of every sum of the tally; returns the decryption file."""
    request = from_server(secrets, data, "decrypt-request")
    if secrets["step"] != "accepted":
        raise refuse("Your key ceremony is not finished: there is no share to decrypt with yet.")
    body = request["body"]
    if not isinstance(body, dict) or set(body) != {"definition", "tally"} \
            or not isinstance(body["tally"], list):
        raise refuse("This file's content is malformed.", "bad_content")
    fingerprint = _check_definition(secrets, body["definition"])
    options = _options_per_contest(body["definition"])
    me, share = secrets["trustee"], Scalar.from_hex(secrets["share"])
    public = Point.from_hex(secrets["verification_key"])
    lines, seen = [], set()
    for group in body["tally"]:
        if not isinstance(group, dict) or set(group) != _GROUP_FIELDS \
                or group["contest"] not in options or not isinstance(group["sums"], list) \
                or len(group["sums"]) != options[group["contest"]] \
                or (group["contest"], group["group"]) in seen:
            raise refuse("A group of this tally is malformed (or listed twice).", "bad_content")
        seen.add((group["contest"], group["group"]))
        try:
            sums = [Ciphertext.from_dict(s, allow_identity=True) for s in group["sums"]]
        except DecodeError as exc:
            raise refuse(f"A sum of this tally is not valid: {exc}", "bad_content") from None
        shares = []
        for ciphertext in sums:
            partial = partial_decrypt(fingerprint, me, share, ciphertext.alpha, public)
            shares.append({"D": partial.share.hex(), "proof": partial.proof.to_dict()})
        lines.append({"contest": group["contest"], "group": group["group"], "trustee": me,
                      "shares": shares})
    return sign_output(secrets, "decryption", {"fingerprint": fingerprint.hex(), "decryptions": lines})


def verify_decryption_line(line: Mapping, *, fingerprint: bytes, group: Mapping,
                           verification_keys: Mapping[int, Point]) -> bool:
    """True iff every share of a §8 decryption line verifies against its trustee's S_j
    and the group's sums (the same check `ovote verify` makes)."""
    try:
        trustee = line["trustee"]
        sums = [Ciphertext.from_dict(s, allow_identity=True) for s in group["sums"]]
        if (line["contest"], line["group"]) != (group["contest"], group["group"]) \
                or trustee not in verification_keys or len(line["shares"]) != len(sums):
            return False
        for ciphertext, item in zip(sums, line["shares"]):
            partial = PartialDecryption(trustee, Point.from_hex(item["D"], allow_identity=True),
                                        SimpleProof.from_dict(item["proof"]))
            if not verify_partial_decryption(fingerprint, partial, ciphertext.alpha,
                                             verification_keys[trustee]):
                return False
    except (DecodeError, KeyError, TypeError):
        return False
    return True


def verify_decryption_file(document: dict, *, election: str, attempt: int, trustee: int,
                           roster, fingerprint: bytes, tally: list,
                           verification_keys: Mapping[int, Point]) -> list:
    """The server's check of an uploaded decryption file; returns its lines."""
    body = check_trustee_file(document, "decryption", election=election, attempt=attempt,
                              trustee=trustee, roster=roster)
    groups = {(g["contest"], g["group"]): g for g in tally}
    lines = body.get("decryptions") if isinstance(body, dict) else None
    if body.get("fingerprint") != fingerprint.hex() or not isinstance(lines, list) \
            or sorted((ln.get("contest"), ln.get("group")) for ln in lines) != sorted(groups):
        raise refuse("This decryption file is not for this tally.", "bad_content")
    for line in lines:
        group = groups[(line["contest"], line["group"])]
        if line.get("trustee") != trustee or not verify_decryption_line(
                line, fingerprint=fingerprint, group=group, verification_keys=verification_keys):
            raise refuse(f"A partial decryption of trustee {trustee} does not verify.", "bad_share")
    return lines
