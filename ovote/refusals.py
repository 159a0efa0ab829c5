"""The one table from refusal codes to HTTP statuses and translated messages.

Services raise `ovote.errors.Refused(code, **params)`; views, the JSON API and
commands turn it into a status and a message here, so that a code means the
same everywhere. Each domain keeps its codes together below, in its own block.
Messages are lazy: they are translated in the language of the request (or of
the command's locale) when they are shown, with `params` filled in.
"""
from dataclasses import dataclass

from flask import flash
from flask_babel import lazy_gettext as _l

from ovote.errors import Refused


@dataclass(frozen=True)
class Refusal:
    status: int
    message: object  # a lazy translated string with %(name)s placeholders


REFUSALS: dict[str, Refusal] = {
    "refused": Refusal(400, _l("This cannot be done.")),
    # -- the request's body as a whole (ovote.api_input, ovote.form_input) ---------------
    # bad_json and bad_structure are DESIGN.md §7's codes; 422 as for a ballot of the wrong
    # shape (§3.8), so that one code has one status
    "bad_json": Refusal(400, _l("The request body must be UTF-8 JSON without duplicate keys, "
                                "fractions, or integers of 2^53 or more.")),
    "bad_structure": Refusal(422, _l("The request body does not have the expected JSON structure.")),
    "bad_form_value": Refusal(400, _l("The field “%(field)s” was not sent as text. Fill in the form "
                                      "on the page and send it again.")),
    # -- text typed by people (every domain; ovote.text) ----------------------------------
    "text.control_characters": Refusal(422, _l("Remove the control characters from this field.")),
    "text.invisible_character": Refusal(422, _l(
        "Remove the invisible character %(char)s from this field: it changes how the text is "
        "displayed without being seen. Type the text again rather than pasting it.")),
    # -- codes and names people tell apart by eye (every domain; ovote.codes) --------------
    "code.invalid": Refusal(422, _l("The code must be %(min)d to %(max)d letters A to Z or digits "
                                    "0 to 9.")),
    "code.confusable": Refusal(422, _l("The code %(code)s can be mistaken for %(other)s, which is "
                                       "already in use. Choose a code that cannot.")),
    "name.confusable": Refusal(422, _l("This name can be mistaken for “%(other)s”, which is already "
                                       "in use. Choose a name that cannot.")),
    # -- accounts --------------------------------------------------------------------------
    "account.invalid_email": Refusal(400, _l("This is not a valid e-mail address: %(why)s")),
    "account.password_too_short": Refusal(400, _l("Choose a password of at least %(n)d characters.")),
    "account.password_is_email": Refusal(400, _l("Your password must not be your e-mail address.")),
    "account.invalid_credentials": Refusal(401, _l(
        "The e-mail address or password is not correct. If you have just signed up, open the "
        "confirmation link we e-mailed you first.")),
    "account.locked": Refusal(429, _l("Too many failed attempts. Try again after %(time)s UTC.")),
    "account.link_expired": Refusal(400, _l("This link has expired. Ask for a new one.")),
    "account.link_invalid": Refusal(400, _l("This link is not valid. Check that you copied all of it.")),
    "account.link_used": Refusal(400, _l("This link has already been used.")),
    "totp.invalid": Refusal(401, _l("That code is not correct. Enter the 6 digits your app shows now.")),
    "totp.replayed": Refusal(401, _l("That code has already been used. Wait for the next one.")),
    "totp.already_enrolled": Refusal(409, _l(
        "An authenticator was set up for this account meanwhile, in another window. Enter the "
        "6-digit code of the app used there.")),
    "staff.role": Refusal(422, _l("Choose a staff role.")),
    "staff.consulate": Refusal(422, _l(
        "A consular official needs a consulate, and only an official has one.")),
    "staff.email_taken": Refusal(422, _l("An account with this e-mail address already exists.")),
    "staff.own_role": Refusal(422, _l("You cannot change your own role.")),
    "staff.own_account": Refusal(422, _l("You cannot deactivate your own account.")),
    "staff.not_commissioner": Refusal(409, _l(
        "Your account is no longer an active commissioner: nothing was changed.")),
    # -- consulates and constituencies -------------------------------------------------------
    "consulate.country_code": Refusal(422, _l("%(code)s is not an ISO 3166 country code.")),
    "consulate.code_taken": Refusal(422, _l("Another consulate already uses the code %(code)s.")),
    "consulate.host_country": Refusal(422, _l("Choose the country the consulate is in.")),
    "consulate.timezone": Refusal(422, _l("%(tz)s is not a known time zone (e.g. Europe/Paris).")),
    "consulate.no_countries": Refusal(422, _l("A consulate must serve at least one country.")),
    "constituency.name": Refusal(422, _l("Give the constituency a name (at most 200 characters).")),
    "constituency.code_taken": Refusal(422, _l(
        "Another constituency already uses the code %(code)s.")),
    # the names of consulates and constituencies in the other languages offered
    "names.language": Refusal(422, _l("“%(language)s” is not a language this site offers.")),
    "names.length": Refusal(422, _l("Enter a name of at most 200 characters")),
    # -- registration: the voter's application ------------------------------------------------
    "application.required": Refusal(422, _l("This field is required.")),
    "application.too_long": Refusal(422, _l("Write at most %(n)d characters.")),
    "application.country_code": Refusal(422, _l("%(code)s is not a country code of ISO 3166.")),
    "application.birth_in_future": Refusal(422, _l("The date of birth cannot be in the future.")),
    "application.birth_year": Refusal(422, _l("Check the year of birth.")),
    "application.document_number": Refusal(422, _l(
        "A document number has 3 to 20 letters and digits.")),
    "application.no_document": Refusal(422, _l(
        "Give your national identity number, your passport, or both.")),
    "application.passport_expiry": Refusal(422, _l("Give the passport's expiry date.")),
    "application.mrz_without_passport": Refusal(422, _l(
        "The MRZ belongs to a passport: give its number too.")),
    "application.mrz_disagrees": Refusal(422, _l(
        "The MRZ does not agree with what you typed: %(fields)s. Check both.")),
    "application.phone": Refusal(422, _l(
        "Enter a phone number of %(country)s with its area code, or a number of another "
        "country starting with + and its country code, e.g. +33 6 12 34 56 78.")),
    "application.residence_first": Refusal(422, _l("Give your country of residence first.")),
    "application.consulate_not_serving": Refusal(422, _l(
        "This consulate does not serve residents of %(country)s. Choose one from the list.")),
    "application.constituency": Refusal(422, _l("Choose your home constituency from the list.")),
    "application.channel": Refusal(422, _l("Choose how you would like to vote.")),
    "application.document_choice": Refusal(422, _l(
        "Say whether you have a valid passport or national identity card.")),
    "application.no_document_reason": Refusal(422, _l("Choose why you do not have a valid document.")),
    "application.documents_held": Refusal(422, _l(
        "Choose the documents you have, or “Another document” if none of them fits.")),
    "application.not_editable": Refusal(409, _l(
        "This application is %(state)s: it can no longer be changed.")),
    "application.change_not_saved": Refusal(409, _l(
        "Your change was not saved: this application is %(state)s, so it can no longer be "
        "changed.")),
    "application.not_withdrawable": Refusal(409, _l(
        "This application is %(state)s: it cannot be withdrawn.")),
    "application.incomplete": Refusal(422, _l("Complete every step before you submit.")),
    "application.illegal_transition": Refusal(409, _l(
        "This application is %(state)s: that is no longer possible.")),
    "registration.closed": Refusal(403, _l("The registration deadline (%(day)s) has passed.")),
    "mrz.shape": Refusal(422, _l(
        "The MRZ must be the two lines of 44 characters printed at the bottom of the passport's "
        "photo page.")),
    "mrz.characters": Refusal(422, _l(
        "The MRZ may only hold capital letters, digits and the < sign, and its first line "
        "starts with P.")),
    "mrz.unreadable": Refusal(422, _l("The MRZ could not be read. Copy the two lines again carefully.")),
    "mrz.check_digit": Refusal(422, _l(
        "A check digit of the MRZ is wrong (%(fields)s). Copy the two lines again carefully.")),
    "document.empty": Refusal(422, _l("The file is empty. Choose the scan or photo of your document.")),
    "document.type": Refusal(422, _l(
        "This file is not a JPEG, PNG or PDF document (its content was checked, not its name). "
        "Save the scan in one of these formats.")),
    "document.too_large": Refusal(413, _l(
        "The file is larger than %(size)s. Scan it at a lower resolution.")),
    # -- registration: the consulate's decisions --------------------------------------------
    "decision.no_such_application": Refusal(404, _l("There is no such application.")),
    "decision.reason": Refusal(422, _l("Choose a reason that fits the decision.")),
    "decision.note_too_long": Refusal(422, _l("Keep the note under 2000 characters.")),
    "decision.no_longer_possible": Refusal(409, _l(
        "This application is %(state)s: that decision is no longer possible.")),
    "decision.document_taken": Refusal(409, _l(
        "Another verified application already uses this document number. Reject one of them.")),
    "decision.nothing_to_confirm": Refusal(409, _l("No verification is waiting for confirmation.")),
    "decision.same_official": Refusal(403, _l(
        "A second official must confirm: you proposed this verification yourself.")),
    "decision.not_under_review": Refusal(409, _l("Only applications under review are checked again.")),
    "decision.identity_not_checked": Refusal(409, _l(
        "This applicant has no valid document: record an identity check in person that confirms "
        "the identity before verifying.")),
    # -- registration: the identity check in person -------------------------------------------
    "appointment.not_needed": Refusal(409, _l(
        "This applicant gave a valid document: no identity check in person is needed.")),
    "appointment.not_under_review": Refusal(409, _l(
        "This application is %(state)s: appointments are booked only while it is under review.")),
    "appointment.day": Refusal(422, _l("Enter the day of the appointment, e.g. 14 12 2026.")),
    "appointment.time": Refusal(422, _l("Enter the time of the appointment as hours and minutes, "
                                        "e.g. 09:30.")),
    "appointment.not_on_clock": Refusal(422, _l(
        "%(time)s does not exist on %(day)s in %(zone)s (the clocks change): choose another time.")),
    "appointment.in_past": Refusal(422, _l("Choose a day and time after now (%(now)s).")),
    "appointment.place": Refusal(422, _l("Enter where the applicant should come (at most 300 characters).")),
    "identity_check.not_needed": Refusal(409, _l(
        "This applicant gave a valid document: no identity check in person is needed.")),
    "identity_check.not_under_review": Refusal(409, _l(
        "This application is %(state)s: an identity check is recorded only while it is under review.")),
    "identity_check.outcome": Refusal(422, _l("Say whether the identity was confirmed.")),
    "identity_check.documents_seen": Refusal(422, _l("Choose the documents you saw.")),
    "identity_check.nothing_seen": Refusal(422, _l(
        "An identity is confirmed on documents seen: choose at least one.")),
    "identity_check.notes_too_long": Refusal(422, _l("Keep the notes under 2000 characters.")),
    # -- registration: the civil registry file ------------------------------------------------
    "registry.not_utf8": Refusal(400, _l("The file is not UTF-8 text.")),
    "registry.unreadable": Refusal(400, _l("The file cannot be read as CSV: %(why)s")),
    "registry.missing_columns": Refusal(400, _l(
        "Missing columns: %(columns)s. The header must name %(all)s.")),
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

    # -- elections: key ceremony (ovote/elections/ceremony.py) ---------------------------
    "ceremony.not_running": Refusal(
        409, _l("The election is at “%(state)s”: its key ceremony is not running.")),
    "ceremony.not_trustee": Refusal(
        403, _l("You are not a trustee of the election %(slug)s in its current key ceremony.")),
    "ceremony.failed": Refusal(
        409, _l("This key ceremony has failed: trustee(s) %(culprits)s dealt shares that do not "
                "match their commitments. The commission must restart it without them.")),
    "ceremony.not_available": Refusal(
        409, _l("This file is not available yet: the other trustees have not all done the step "
                "before it, or it is not for you.")),
    "ceremony.too_large": Refusal(413, _l("This file is too large to be a ceremony file.")),
    "ceremony.not_a_file": Refusal(
        422, _l("This is not a key ceremony file made by “ovote trustee”.")),
    "ceremony.wrong_version": Refusal(
        422, _l("This file is of another format version: update ovote and make it again.")),
    "ceremony.wrong_kind": Refusal(
        422, _l("This is not a file a trustee uploads (or it is one of another step): upload the "
                "file “ovote trustee” wrote.")),
    "ceremony.wrong_election": Refusal(
        422, _l("This file is for another election.")),
    "ceremony.wrong_trustee": Refusal(
        422, _l("This file is another trustee's: each trustee uploads only their own files.")),
    "ceremony.wrong_attempt": Refusal(
        409, _l("This file belongs to an earlier start of the key ceremony: download the current "
                "files and run the command again.")),
    "ceremony.bad_signature": Refusal(
        422, _l("The signature of this file is not your ceremony key's: it was changed, or made "
                "with another key file.")),
    "ceremony.bad_proof": Refusal(
        422, _l("A commitment in this file does not come with a valid Schnorr proof.")),
    "ceremony.share_mismatch": Refusal(
        422, _l("A share does not match its dealer's commitments.")),
    "ceremony.bad_complaint": Refusal(
        422, _l("A complaint must be by you and against another trustee of this ceremony.")),
    "ceremony.bad_answer": Refusal(
        422, _l("This answer does not answer exactly the complaints against you.")),
    "ceremony.bad_verification_key": Refusal(
        422, _l("The verification key in this acceptance is not the one the published "
                "commitments give.")),
    "ceremony.bad_content": Refusal(422, _l("The content of this ceremony file is malformed.")),
    "ceremony.out_of_order": Refusal(
        409, _l("This step cannot be done yet: the other trustees have not all done the step "
                "before it.")),
    "ceremony.already_uploaded": Refusal(
        409, _l("You have already uploaded a different file for this step (%(step)s).")),
    "ceremony.no_culprit": Refusal(
        409, _l("No trustee has been named in this ceremony: there is no one to restart without.")),
    "ceremony.no_silent_trustee": Refusal(
        409, _l("Every complaint has been answered or no answer is due yet.")),

    # -- voting: tokens, casting, the board, the JSON API's own (ovote/voting, ovote/api) --
    "too_large": Refusal(413, _l("The request body is larger than %(limit)s bytes.")),
    "login_required": Refusal(401, _l("Log in first.")),
    "csrf_failed": Refusal(400, _l("The X-CSRFToken header is missing or not this session's token.")),
    "staff_use_web": Refusal(
        403, _l("Staff accounts log in on the web site, with their authentication code.")),
    "not_eligible": Refusal(403, _l("You cannot get a ballot token for this election (%(reason)s).")),
    "issuance_closed": Refusal(409, _l("Ballot tokens are not being given out for this election now.")),
    "token_already_issued": Refusal(
        409, _l("You already have a ballot token for this election; vote with the voting kit "
                "you got it with.")),
    "voted_in_person": Refusal(
        409, _l("You voted in person at your consulate in this election: you cannot also get a "
                "ballot token to vote online.")),
    "bad_blinded_msg": Refusal(
        422, _l("blinded_msg must be lowercase hex of the unit key's length, below its modulus.")),
    "election_not_open": Refusal(409, _l("This election is not open for voting.")),
    "unknown_unit": Refusal(422, _l("This election has no reporting unit %(unit)s.")),
    "bad_token": Refusal(422, _l("The ballot token is not valid: %(detail)s.")),
    "bad_signature": Refusal(422, _l("The ballot's signature is not valid: %(detail)s.")),
    "bad_encoding": Refusal(422, _l("A value of the ballot is not encoded as required: %(detail)s.")),
    "bad_point": Refusal(422, _l("A point of the ballot is not a valid group element: %(detail)s.")),
    "bad_scalar": Refusal(422, _l("A number of the ballot is not below the group order: %(detail)s.")),
    "bad_proof": Refusal(422, _l("A proof of the ballot does not verify: %(detail)s.")),
    "too_many_revotes": Refusal(
        422, _l("This voting key has voted again %(limit)s times, the most this election allows.")),
    "unknown_tracking_code": Refusal(404, _l("No ballot with this tracking code is on the board.")),
    "bad_board_query": Refusal(400, _l("after must be a whole number ≥ 0 and limit one from 1 to 1000.")),

    # -- the tally: aggregation, decryption, publication, the record (ovote/tally) ----------
    "tally.not_closed": Refusal(409, _l(
        "The ballots of %(slug)s can be aggregated only once voting is closed (it is: %(state)s).")),
    "tally.already_aggregated": Refusal(409, _l(
        "The ballots of %(slug)s are already aggregated: each ballot is counted once.")),
    "tally.no_ceremony": Refusal(409, _l("The key ceremony of %(slug)s is not finished.")),
    "tally.not_tallying": Refusal(409, _l(
        "Decryptions are taken only while the election is being tallied (it is: %(state)s).")),
    "tally.file_too_large": Refusal(413, _l("The file is larger than %(limit)s bytes.")),
    "tally.bad_decryption": Refusal(422, _l(
        "The decryption file of trustee %(trustee)s is refused, and nothing of it was kept: "
        "%(detail)s")),
    "tally.already_decrypted": Refusal(409, _l(
        "Trustee %(trustee)s has already sent a different decryption file; the first one counts.")),
    "tally.not_enough_trustees": Refusal(409, _l(
        "%(have)s trustees have decrypted; %(need)s are needed.")),
    "tally.count_out_of_range": Refusal(409, _l(
        "The decryption of group %(group)s of %(contest)s gives no count between 0 and "
        "%(counted)s: the tally is not published. Tell the commission.")),
    "tally.bad_in_person": Refusal(409, _l("The in-person returns cannot be counted: %(detail)s")),
    "tally.not_tallied": Refusal(409, _l(
        "The results are not computed yet (the election is: %(state)s).")),
    "tally.already_published": Refusal(409, _l("The results of this election are already published.")),
    "results_not_published": Refusal(409, _l("The results of this election are not published yet.")),
    # -- voting in person: the poll book and returns (ovote/voting/poll_book.py, in_person.py) --
    "poll_book.closed": Refusal(
        409, _l("The poll book is not open: voters are marked only while the election is open "
                "for voting.")),
    "poll_book.not_registered": Refusal(
        409, _l("This person is not on the overseas register: their registration is not verified.")),
    "poll_book.other_consulate": Refusal(
        409, _l("This voter is registered at another consulate: they can vote in person only there "
                "(or online).")),
    "poll_book.registered_too_late": Refusal(
        409, _l("This voter registered after the election's registration deadline: they cannot "
                "vote in it.")),
    "poll_book.postal_voter": Refusal(
        409, _l("This voter chose to vote by post: they cannot also vote in person.")),
    "poll_book.no_ballot": Refusal(
        409, _l("This voter's home constituency has no ballot at this consulate in this election.")),
    "poll_book.too_young": Refusal(
        409, _l("This voter is under the minimum voting age on election day.")),
    "poll_book.already_marked": Refusal(
        409, _l("This voter is already marked in the poll book: they have voted in person. Do not "
                "give them a ballot paper.")),
    "poll_book.token_issued": Refusal(
        409, _l("This voter has taken a ballot token to vote online: they cannot also vote in "
                "person. Do not give them a ballot paper.")),
    "returns.other_consulate": Refusal(
        403, _l("Only an official of this consulate can enter or confirm its returns.")),
    "returns.not_open": Refusal(
        409, _l("Returns are entered after voting closes and until the tally is done: not now.")),
    "returns.contest_not_carried": Refusal(
        422, _l("The ballots of this consulate do not carry the contest %(contest)s.")),
    "returns.bad_count": Refusal(
        422, _l("Enter the votes for %(option_name)s as a whole number of 0 or more, like 12.")),
    "returns.count_above_voters": Refusal(
        422, _l("%(option_name)s cannot have %(count)d votes: only %(voters)d voters with this "
                "contest on their ballot are marked in the poll book.")),
    "returns.total_above_voters": Refusal(
        422, _l("The votes add up to %(total)d, more than the %(limit)d the poll book allows "
                "(%(voters)d voters, at most %(max)d choice(s) each). Check the counts.")),
    "returns.already_entered": Refusal(
        409, _l("The counts of %(contest)s have already been entered at this consulate. A second "
                "official confirms or rejects them; after a rejection they can be entered again.")),
    "returns.nothing_to_confirm": Refusal(
        409, _l("These counts are no longer waiting for confirmation: they were confirmed or "
                "rejected meanwhile.")),
    "returns.same_official": Refusal(
        403, _l("A second official must confirm or reject: you entered these counts yourself.")),
    "returns.reason_required": Refusal(422, _l("Say why you reject the counts.")),
    "returns.reason_too_long": Refusal(422, _l("Write at most %(n)d characters.")),
}


def status_of(error: Refused) -> int:
    return REFUSALS.get(error.code, REFUSALS["refused"]).status


def message_of(error: Refused) -> str:
    """The translated message of `error`, with its parameters filled in."""
    template = str(REFUSALS.get(error.code, REFUSALS["refused"]).message)
    return template % error.params if error.params else template


def flash_refusal(error: Refused, category: str = "danger") -> None:
    """Show `error`'s message on the next HTML page (views that redirect or re-render)."""
    flash(message_of(error), category)


def as_json(error: Refused) -> tuple[dict, int]:
    """The JSON API's body and status for `error` (DESIGN.md §7)."""
    return {"error": error.code, "message": message_of(error)}, status_of(error)
