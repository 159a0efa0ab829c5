"""Every word of the browser voting client (frontend/src/vote/page.js), in the app's
translation catalogue.

The voting page embeds `catalogue()` as a JSON data block that the client reads
(`<script type="application/json" id="ovote-vote-text">`: data, never run, so the
Content-Security-Policy allows it): one catalogue, messages.po, holds the client's
words with the rest of the app's. Placeholders are the client's, {name}; the keys
are the ones page.js asks for (tests/voting/test_vote_page.py checks that each has
its message here).
"""
from flask_babel import lazy_gettext as _l

CLIENT_TEXT = {
    # -- checking the election ---------------------------------------------------------
    "loading": _l("Checking the election"),
    "loading_p": _l("Your device is checking the election's keys before anything else…"),
    "check_h": _l("The election is checked"),
    "check_p": _l("Your device recomputed the election's fingerprint and checked every key in "
                  "it. Fingerprint:"),
    "not_open": _l("Voting is not open for this election: nothing can be cast now."),
    "start": _l("Start voting"),
    "revote_h": _l("You have already voted"),
    "revote_p": _l("You can vote again: a later vote replaces an earlier one, and only your "
                   "latest vote counts. Your receipts from this device:"),
    "earlier_at": _l("received {at}"),
    "latest": _l("your latest vote, the one that counts"),
    "replaced": _l("replaced by a later vote"),
    # -- the voting key and the ballot token ---------------------------------------------
    "kit_h": _l("Your voting key"),
    "kit_have": _l("Your voting kit for this election is kept on this device."),
    "kit_new": _l("Your device makes a voting key and gets a ballot token for it. The server "
                  "signs the token without seeing your key."),
    "kit_get": _l("Make my key and get my token"),
    "kit_other_device": _l("Already have a voting kit from another device?"),
    "kit_elsewhere": _l("Your ballot token was given to another device. Load the voting kit "
                        "file you saved there to vote from this one."),
    "kit_use": _l("Use a voting kit file"),
    "kit_use_p": _l("Choose the file ovote-kit-….json that you saved with “Save my voting kit”."),
    "kit_save": _l("Save my voting kit"),
    "kit_save_p": _l("The kit file lets you vote again from another device. Keep it private: "
                     "whoever has it can vote in your place."),
    "kit_working": _l("Getting your ballot token…"),
    # -- choosing -------------------------------------------------------------------------
    "step": _l("Contest {i} of {n}"),
    "choose_hint_1": _l("Choose one option."),
    "choose_hint_n": _l("Choose exactly {n} options."),
    "choose_hint_0_1": _l("Choose one option, or leave this contest blank."),
    "choose_hint_0_n": _l("Choose up to {n} options, or none to leave this contest blank."),
    "choose_hint_range": _l("Choose between {min} and {max} options."),
    "choose_error": _l("Error: {hint}"),
    "blank": _l("Leave this contest blank"),
    "blank_word": _l("Blank (no choice)"),
    "continue": _l("Continue"),
    "back": _l("Back"),
    "not_cast_short": _l("Not cast yet."),
    "not_confirmed": _l("Not confirmed: you have no receipt for this ballot yet."),
    "not_cast_note": _l("Your vote counts only once you cast it and see its receipt."),
    "review_h": _l("Check your choices"),
    "review_p": _l("Next, your device encrypts your choices. You then cast the encrypted "
                   "ballot, or check it first."),
    "change": _l("Change"),
    "change_label": _l("Change {contest}"),
    "replaces": _l("This ballot will replace your earlier vote: only your latest vote counts."),
    # -- encrypting, cast or check ----------------------------------------------------------
    "encrypt": _l("Encrypt my ballot"),
    "encrypting_h": _l("Encrypting your ballot"),
    "encrypting": _l("Encrypting your ballot on this device…"),
    "encrypted_h": _l("Your ballot is encrypted"),
    "not_cast": _l("Your vote is NOT cast yet."),
    "not_cast_p": _l("Cast it now, or first check that it holds your choices."),
    "tracking": _l("Tracking code"),
    "tracking_p": _l("Note the tracking code: your receipt and the bulletin board show the same "
                     "one."),
    "cast": _l("Cast this ballot"),
    "audit_q": _l("Check before casting?"),
    "audit_p": _l("Checking shows what this encrypted ballot contains. A checked ballot is never "
                  "cast: your device then encrypts your choices afresh."),
    "audit": _l("Check this encryption"),
    "audit_h": _l("This encryption contains"),
    "audit_not_cast": _l("This checked ballot will never be cast. Encrypt again to vote."),
    "audit_match": _l("If these are your choices, your device encrypts honestly: encrypt again "
                      "and cast. If they are not, do not vote on this device and tell the "
                      "election commission."),
    "audit_note": _l("Nothing was sent: the randomness of this ballot is in the audit file, "
                     "which “ovote vote audit FILE” checks independently."),
    "audit_download": _l("Download the audit file"),
    "again": _l("Encrypt again"),
    "change_choices": _l("Change my choices"),
    # -- casting and the receipt ------------------------------------------------------------
    "casting_h": _l("Casting your ballot"),
    "casting": _l("Sending your ballot…"),
    "receipt_h": _l("Your vote is cast"),
    "cast_ok": _l("Your ballot was received and counts."),
    "receipt_p": _l("The election signed this receipt; your device checked the signature."),
    "received": _l("Received {at}, position {seq} on the bulletin board."),
    "board_checking": _l("Looking for your ballot on the bulletin board…"),
    "board_found": _l("Your ballot is on the bulletin board, where the receipt says."),
    "board_later": _l("The bulletin board could not be reached; check your receipt on it later."),
    "board_link": _l("Your ballot on the bulletin board"),
    "qr_alt": _l("QR code of the link to your ballot on the bulletin board"),
    "receipt_download": _l("Download the receipt"),
    "earlier_h": _l("Your votes from this device"),
    "earlier_p": _l("Only the latest counts. The earlier ones stay on the board, marked "
                    "superseded."),
    "vote_again_h": _l("Changed your mind?"),
    "vote_again_p": _l("You can vote again until voting closes: the later vote replaces this one."),
    "vote_again": _l("Vote again"),
    # -- problems and their ways forward -----------------------------------------------------
    "stop": _l("Your vote has stopped"),
    "problem": _l("Your vote could not go on"),
    "stopped_p": _l("Nothing was cast after the failed check. Do not vote through this server."),
    "contact": _l("Contact the election commission"),
    "account": _l("Back to my account"),
    "program_link": _l("Or vote with the ovote program"),
    "earlier_counts": _l("Your earlier vote still counts."),
    "retry": _l("Try again"),
    "resend": _l("Send the same ballot again"),
    "reload": _l("Reload the page"),
    "err_network": _l("The connection was lost. Nothing is lost on this device: try again."),
    "err_network_cast": _l("The connection was lost after your ballot was sent: it may or may not "
                           "have arrived. Send it again; sending the same ballot twice is safe."),
    "err_bad_answer": _l("The server's answer is not what an ovote server sends."),
    "err_bad_fingerprint": _l("The server's election does not match its fingerprint. Report it "
                              "to the election commission."),
    "err_bad_definition": _l("The server's election data fails a check ({detail}). Report it to "
                             "the election commission."),
    "err_kit_other": _l("Your voting kit was made for another version of this election. Report "
                        "it to the election commission."),
    "err_bad_receipt": _l("The server's receipt does not check out ({detail}). Your vote cannot "
                          "be confirmed; report it to the election commission."),
    "err_bad_token": _l("The server's ballot token does not check out. Report it to the election "
                        "commission."),
    "err_bad_board": _l("The bulletin board does not show your ballot as the receipt says "
                        "({detail}). Report it to the election commission."),
    "err_bad_kit": _l("This file is not a voting kit for this election ({detail})."),
    "err_login": _l("You are no longer logged in. Log in again, then come back to this page."),
    "err_csrf": _l("This page has expired. Reload it and try again."),
    "err_token_already_issued": _l("A ballot token was already issued to you for this election, "
                                   "probably on another device. Use the voting kit file saved "
                                   "there."),
    "err_not_eligible": _l("You cannot vote in this election online ({detail})."),
    "err_issuance_closed": _l("Ballot tokens are not given out for this election now."),
    "err_election_not_open": _l("Voting is closed for this election: your ballot was not cast."),
    "err_too_many_revotes": _l("You have changed your vote as many times as this election "
                               "allows: your ballot was not cast."),
    "err_unknown_election": _l("This election is not on this server."),
    "err_other": _l("Something went wrong ({detail}). Try again later, or contact the election "
                    "commission."),
}


def catalogue() -> dict[str, str]:
    """The client's messages in the current language (call within a request)."""
    return {key: str(text) for key, text in CLIENT_TEXT.items()}
