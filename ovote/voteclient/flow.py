"""The voter's steps, on `ovote.crypto` and the JSON API only.

Each step that sends something first saves what it will send in the kit
(`save` is called), so an interrupted run repeats the same request.
"""

from collections.abc import Callable, Iterable, Mapping

from ovote.crypto import tokens
from ovote.crypto.ballot import build_ballot, tracking_code, voting_key_bytes
from ovote.crypto.board import BoardError, check_receipt, verify_chain
from ovote.crypto.canonical import hex_decode
from ovote.crypto.definition import CheckedDefinition, DefinitionError, check_definition
from ovote.crypto.errors import CryptoError
from ovote.voteclient.api import ApiError, Public, Voter
from ovote.voteclient.kit import Kit


class FlowError(Exception):
    """A step cannot go on; the message is for the voter."""


def fetch_election(public: Public, slug: str, *, fingerprint: str | None = None):
    """The election's public document and its checked definition.

    Recomputes the fingerprint, validates every point and the unit keys
    (`check_definition`); with `fingerprint` (from a kit or a receipt),
    the election must still be that one."""
    info = public.election(slug)
    if not isinstance(info, dict) or not isinstance(info.get("definition"), dict):
        raise FlowError(f"election {slug}: not frozen yet, nothing to vote on")
    try:
        checked = check_definition(info["definition"], fingerprint=info.get("fingerprint"))
    except DefinitionError as exc:
        raise FlowError(f"the server's election definition does not check out: {exc}") from None
    if checked.manifest.get("slug") != slug:
        raise FlowError("the definition is for another election")
    if fingerprint is not None and checked.fingerprint.hex() != fingerprint:
        raise FlowError("the election's fingerprint changed since this kit was made")
    return info, checked


def obtain_token(voter: Voter, kit: Kit, checked: CheckedDefinition, save: Callable[[], None]):
    """Ask for the blind signature on the kit's voting key and keep the token."""
    eligibility = voter.eligibility(kit.election)
    if not eligibility.get("eligible"):
        raise FlowError(f"not eligible: {eligibility.get('reason', 'no reason given')}")
    unit = checked.units.get(eligibility.get("unit"))
    if unit is None:
        raise FlowError("the server named a unit that is not in the definition")
    public_key = voting_key_bytes(kit.voting_key)
    if kit.token_request is not None and kit.unit == unit.id:
        request = tokens.TokenRequest.from_dict(kit.token_request)
    else:
        request = tokens.request_token(unit.public_key, checked.fingerprint, public_key)
        kit.unit, kit.token_request = unit.id, request.to_dict()
        save()
    _, answer = voter.token(kit.election, request.blinded_msg)
    if answer.get("unit") != unit.id:
        raise FlowError("the server answered for another unit")
    try:
        blind_sig = hex_decode(answer.get("blind_sig"), what="blind_sig")
        kit.token = tokens.finish_token(unit.public_key, request, blind_sig)
    except CryptoError as exc:
        raise FlowError(f"the server's blind signature does not verify: {exc}") from None
    kit.token_request = None
    save()


def parse_choices(texts: Iterable[str], style: Mapping) -> dict:
    """``contest=opt,opt`` items (also several in one text, separated by
    ";") into ``{contest: [options]}``; every contest of the style must be
    named (``contest=`` selects nothing)."""
    choices = {}
    for text in texts:
        for item in filter(None, (part.strip() for part in text.split(";"))):
            contest, sep, options = item.partition("=")
            if not sep:
                raise FlowError(f"choice {item!r}: expected contest=option,option")
            choices[contest.strip()] = [o.strip() for o in options.split(",") if o.strip()]
    contests = {c["id"]: c for c in style["contests"]}
    unknown = set(choices) - set(contests)
    if unknown:
        raise FlowError(f"no such contest on your ballot: {', '.join(sorted(unknown))}")
    missing = [c for c in contests if c not in choices]
    if missing:
        raise FlowError(f"choose in every contest; missing: {', '.join(missing)}")
    for cid, chosen in choices.items():
        contest = contests[cid]
        bad = [o for o in chosen if o not in contest["options"]]
        if bad:
            raise FlowError(f"contest {cid}: no option {', '.join(bad)}")
        if len(set(chosen)) != len(chosen) or not contest["min"] <= len(chosen) <= contest["max"]:
            raise FlowError(
                f"contest {cid}: choose between {contest['min']} and {contest['max']} options"
            )
    return choices


def build(kit: Kit, checked: CheckedDefinition, choices: Mapping) -> dict:
    unit = checked.units[kit.unit]
    return build_ballot(
        fingerprint=checked.fingerprint, unit_id=unit.id, ballot_style=unit.ballot_style,
        joint_key=checked.joint_key, voting_key=kit.voting_key, token=kit.token,
        choices=choices,
    )


def send_pending(public: Public, kit: Kit, checked: CheckedDefinition, save) -> dict:
    """Cast the kit's pending ballot; check and keep its receipt."""
    ballot = kit.pending_ballot
    _, answer = public.cast(kit.election, ballot)
    receipt = answer.get("receipt") if isinstance(answer, dict) else None
    try:
        check_receipt(receipt, checked.receipt_key, fingerprint=checked.fingerprint)
    except BoardError as exc:
        raise FlowError(f"the server's receipt does not check out: {exc}") from None
    if receipt["tracking_code"] != tracking_code(ballot):
        raise FlowError("the receipt is for another ballot")
    if receipt not in kit.receipts:
        kit.receipts.append(receipt)
    kit.pending_ballot = None
    save()
    return receipt


def cast(public: Public, kit: Kit, checked: CheckedDefinition, choices, save) -> dict:
    """Encrypt `choices`, save the ballot as pending, send it."""
    kit.pending_ballot = build(kit, checked, choices)
    save()
    return send_pending(public, kit, checked, save)


def _board_prefix(public: Public, slug: str, last_seq: int) -> list:
    entries, after = [], 0
    while after < last_seq:
        page = public.board(slug, after=after, limit=1000)["entries"]
        if not page:
            break
        entries.extend(page)
        after = page[-1]["seq"]
    return [e for e in entries if e["seq"] <= last_seq]


def check_on_board(public: Public, slug: str, receipt, *, checked=None) -> dict:
    """Confirm a receipt: its signature, its ballot on the board under its
    seq and chain value, and the chain from the fingerprint up to it.
    Returns the board entry (its "superseded" says whether it still counts)."""
    if checked is None:
        if not isinstance(receipt, dict) or not isinstance(receipt.get("election"), str):
            raise FlowError("not a receipt")
        _, checked = fetch_election(public, slug, fingerprint=receipt["election"])
    try:
        check_receipt(receipt, checked.receipt_key, fingerprint=checked.fingerprint)
    except BoardError as exc:
        raise FlowError(f"the receipt is not genuine: {exc}") from None
    try:
        found = public.board_entry(slug, receipt["tracking_code"])
    except ApiError as exc:
        if exc.code == "unknown_tracking_code":
            raise FlowError("the ballot of this receipt is NOT on the board") from None
        raise
    entry, ballot = found["entry"], found["ballot"]
    if tracking_code(ballot) != receipt["tracking_code"]:
        raise FlowError("the board's ballot does not match its tracking code")
    if entry["seq"] != receipt["seq"] or entry["chain"] != receipt["board_head"]:
        raise FlowError("the board shows this ballot at another place than the receipt")
    try:
        _, head = verify_chain(checked.fingerprint, _board_prefix(public, slug, entry["seq"]))
    except BoardError as exc:
        raise FlowError(f"the board's chain is broken: {exc}") from None
    if head.hex() != receipt["board_head"]:
        raise FlowError("the board's chain does not lead to this receipt")
    return entry
