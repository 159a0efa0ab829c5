"""Checking a voter's receipt on the server's own board (the "check my receipt" page).

The page is served without the session cookie (`ovote.serving.COOKIELESS_PATHS`) and
logs nothing: whoever checks a receipt is not known to the server, so checking
cannot tie a voter to a ballot.
"""
import json
from dataclasses import dataclass

from ovote.crypto.board import BoardError, check_receipt
from ovote.crypto.canonical import parse_json
from ovote.crypto.errors import DecodeError
from ovote.voting.board import UnknownTrackingCode, find

#: outcomes, each with its message on the page
OUTCOMES = ("on_board", "not_json", "not_genuine", "other_election", "not_on_board", "mismatch")


@dataclass(frozen=True)
class ReceiptCheck:
    outcome: str
    receipt: dict | None = None
    entry: dict | None = None

    @property
    def ok(self):
        return self.outcome == "on_board"


def check(session, election, text: str) -> ReceiptCheck:
    """Is `text` a receipt signed with this election's receipt key, and is its ballot
    on the board where the receipt says?"""
    try:
        receipt = parse_json(text.strip().encode("utf-8", "surrogatepass"))
    except (DecodeError, UnicodeEncodeError):
        return ReceiptCheck("not_json")
    if not isinstance(receipt, dict):
        return ReceiptCheck("not_json")
    definition = json.loads(election.definition)
    if receipt.get("election") != election.fingerprint:
        return ReceiptCheck("other_election", receipt)
    try:
        check_receipt(receipt, bytes.fromhex(definition["receipt_key"]),
                      fingerprint=bytes.fromhex(election.fingerprint))
    except BoardError:
        return ReceiptCheck("not_genuine", receipt)
    try:
        entry, _ = find(session, election, receipt["tracking_code"])
    except UnknownTrackingCode:
        return ReceiptCheck("not_on_board", receipt)
    if entry["seq"] != receipt["seq"] or entry["chain"] != receipt["board_head"]:
        return ReceiptCheck("mismatch", receipt, entry)
    return ReceiptCheck("on_board", receipt, entry)
