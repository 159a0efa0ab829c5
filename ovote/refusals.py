"""The one table from refusal codes to HTTP statuses and translated messages.

Services raise `ovote.errors.Refused(code, **params)`; views, the JSON API and
commands turn it into a status and a message here, so that a code means the
same everywhere. Each domain keeps its codes together below, in its own block.
Messages are lazy: they are translated in the language of the request (or of
the command's locale) when they are shown, with `params` filled in.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ovote.errors import Refused


@dataclass(frozen=True)
class Refusal:
    status: int
    message: object  # a lazy translated string with %(name)s placeholders


REFUSALS: dict[str, Refusal] = {
    "refused": Refusal(400, _l("This cannot be done.")),
    # -- elections: definition, state machine, freeze (ovote/elections) ------------------
    "unknown_election": Refusal(404, _l("There is no election %(slug)s.")),
    "election_not_frozen": Refusal(
        409, _l("The election %(slug)s is not frozen yet: it has no definition to publish.")),
    "election_illegal_transition": Refusal(
        409, _l("The election is at “%(state)s”: it cannot go to “%(target)s” from there.")),
    "election_frozen": Refusal(
        409, _l("The election is at “%(state)s”: its definition can no longer be changed.")),
    "ceremony_unfinished": Refusal(
        409, _l("The key ceremony is not finished: the election cannot be frozen yet.")),
    "ceremony_bad_commitment": Refusal(
        422, _l("The commitments of trustee %(trustee)s do not verify: they are malformed, not "
                "one per threshold step, or their Schnorr proofs fail.")),
    "freeze_in_progress": Refusal(
        409, _l("The election is being frozen: wait until its unit keys are made.")),
    "election_bad_slug": Refusal(
        422, _l("The short name must be 1 to 64 lower-case letters a-z, digits or hyphens, "
                "starting and ending with a letter or digit.")),
    "election_slug_taken": Refusal(409, _l("Another election already uses the short name %(slug)s.")),
    "election_bad_code": Refusal(
        422, _l("“%(code)s” is not a valid code: use 1 to 32 upper-case letters A-Z and digits 0-9.")),
    "election_code_taken": Refusal(409, _l("The code %(code)s is already used here.")),
    "election_bad_language": Refusal(422, _l("“%(language)s” is not a language this site offers.")),
    "election_missing_label": Refusal(
        422, _l("Give the text in %(language)s, the commission's default language.")),
    "election_bad_label": Refusal(
        422, _l("Each text must be 1 to 200 characters long, without control characters.")),
    "election_bad_number": Refusal(422, _l("Give a whole number of at least %(least)s.")),
    "election_bad_timezone": Refusal(
        422, _l("“%(timezone)s” is not a known time zone (e.g. Europe/Lisbon).")),
    "election_bad_timeline": Refusal(
        422, _l("The dates must follow each other: registration deadline, token issuance opens, "
                "voting opens, then voting closes (later than it opens).")),
    "contest_min_above_max": Refusal(
        422, _l("The minimum number of choices (%(min)s) is more than the maximum (%(max)s).")),
    "contest_too_few_options": Refusal(
        409, _l("Contest %(contest)s has %(options)s option(s), fewer than its maximum of %(max)s.")),
    "contest_on_no_style": Refusal(409, _l("Contest %(contest)s is on no ballot style.")),
    "style_without_contest": Refusal(409, _l("Ballot style %(style)s has no contest.")),
    "style_without_constituency": Refusal(
        409, _l("Ballot style %(style)s is given to no home constituency.")),
    "style_contest_twice": Refusal(
        422, _l("Ballot style %(style)s already carries contest %(contest)s.")),
    "unknown_contest": Refusal(404, _l("This election has no contest %(contest)s.")),
    "unknown_ballot_style": Refusal(404, _l("This election has no ballot style %(style)s.")),
    "unknown_constituency": Refusal(422, _l("There is no home constituency %(code)s.")),
    "constituency_has_style": Refusal(
        409, _l("Home constituency %(code)s already gets ballot style %(style)s.")),
    "election_no_contest": Refusal(409, _l("The election has no contest yet.")),
    "election_timeline_incomplete": Refusal(
        409, _l("Set the whole timeline and the election day first.")),
    "trustee_not_trustee": Refusal(
        422, _l("%(email)s is not an active staff account with the trustee role.")),
    "trustee_already": Refusal(409, _l("%(email)s is already a trustee of this election.")),
    "election_bad_threshold": Refusal(
        409, _l("The threshold (%(k)s) must be between 1 and the number of trustees (%(n)s).")),
    "election_no_unit": Refusal(
        409, _l("No consulate has a verified voter of a home constituency with a ballot style: "
                "there would be no reporting unit.")),
    # -- voting: tokens, casting, the board, the JSON API's own (ovote/voting, ovote/api) --
    "bad_json": Refusal(400, _l("The request body is not acceptable JSON: %(detail)s.")),
    "too_large": Refusal(413, _l("The request body is larger than %(limit)s bytes.")),
    "login_required": Refusal(401, _l("Log in first.")),
    "csrf_failed": Refusal(400, _l("The X-CSRFToken header is missing or not this session's token.")),
    "invalid_credentials": Refusal(401, _l("The e-mail address or password is not correct.")),
    "account_locked": Refusal(429, _l("Too many failed attempts. Try again after %(time)s UTC.")),
    "staff_use_web": Refusal(
        403, _l("Staff accounts log in on the web site, with their authentication code.")),
    "not_eligible": Refusal(403, _l("You cannot get a ballot token for this election (%(reason)s).")),
    "issuance_closed": Refusal(409, _l("Ballot tokens are not being given out for this election now.")),
    "token_already_issued": Refusal(
        409, _l("You already have a ballot token for this election; vote with the voting kit "
                "you got it with.")),
    "bad_blinded_msg": Refusal(
        422, _l("blinded_msg must be lowercase hex of the unit key's length, below its modulus.")),
    "election_not_open": Refusal(409, _l("This election is not open for voting.")),
    "unknown_unit": Refusal(422, _l("This election has no reporting unit %(unit)s.")),
    "bad_token": Refusal(422, _l("The ballot token is not valid: %(detail)s.")),
    "bad_signature": Refusal(422, _l("The ballot's signature is not valid: %(detail)s.")),
    "bad_structure": Refusal(422, _l("The ballot is not built as its ballot style says: %(detail)s.")),
    "bad_encoding": Refusal(422, _l("A value of the ballot is not encoded as required: %(detail)s.")),
    "bad_point": Refusal(422, _l("A point of the ballot is not a valid group element: %(detail)s.")),
    "bad_scalar": Refusal(422, _l("A number of the ballot is not below the group order: %(detail)s.")),
    "bad_proof": Refusal(422, _l("A proof of the ballot does not verify: %(detail)s.")),
    "too_many_revotes": Refusal(
        422, _l("This voting key has voted again %(limit)s times, the most this election allows.")),
    "unknown_tracking_code": Refusal(404, _l("No ballot with this tracking code is on the board.")),
    "bad_board_query": Refusal(400, _l("after must be a whole number ≥ 0 and limit one from 1 to 1000.")),
}


def status_of(error: Refused) -> int:
    return REFUSALS.get(error.code, REFUSALS["refused"]).status


def message_of(error: Refused) -> str:
    """The translated message of `error`, with its parameters filled in."""
    template = str(REFUSALS.get(error.code, REFUSALS["refused"]).message)
    return template % error.params if error.params else template


def as_json(error: Refused) -> tuple[dict, int]:
    """The JSON API's body and status for `error` (DESIGN.md §7)."""
    return {"error": error.code, "message": message_of(error)}, status_of(error)
