"""The audit log in words: who acted (by name and role), what they did, on what.

The chain stores stable codes (`user:12`, `application.submit`); people read
these labels. An action without a label here is shown by its code."""
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "account.confirm": _l("Confirmed their e-mail address"),
    "account.confirmation_resent": _l("Asked for the confirmation link again"),
    "account.locale": _l("Chose a language"),
    "account.locked": _l("Account locked after failed attempts"),
    "account.login": _l("Logged in"),
    "account.login_failed": _l("Failed to log in"),
    "account.logout": _l("Logged out"),
    "account.password_reset": _l("Changed their password with a reset link"),
    "account.reset_requested": _l("Asked for a password reset"),
    "account.signup": _l("Created an account"),
    "account.signup_existing": _l("Tried to sign up with an address that has an account"),
    "account.totp_enrolled": _l("Set up an authenticator app"),
    "account.totp_failed": _l("Gave a wrong authenticator code"),
    "application.appointment_booked": _l("Booked an identity check in person at the consulate"),
    "application.checks": _l("Automatic checks run"),
    "application.identity_check": _l("Recorded an identity check in person"),
    "application.document_upload": _l("Uploaded an identity document"),
    "application.document_view": _l("Opened an identity document"),
    "application.queue_view": _l("Looked at the queue of applications"),
    "application.start": _l("Started an application"),
    "application.submit": _l("Submitted an application"),
    "application.update": _l("Saved a step of an application"),
    "application.verify_confirmed": _l("Confirmed a verification (second official)"),
    "application.view": _l("Opened an application"),
    "application.verify": _l("Verified an application: on the register"),
    "application.verify_proposed": _l("Proposed to verify an application (a second official must confirm)"),
    "application.reject": _l("Rejected an application"),
    "application.request_info": _l("Asked the applicant for more information"),
    "application.withdraw": _l("Withdrew an application"),
    "application.purge": _l("Deleted the personal data of an application at the end of its retention period"),
    "audit.verify": _l("Verified the audit chain"),
    "constituency.create": _l("Added a constituency"),
    "constituency.names": _l("Named a constituency in other languages"),
    "consulate.create": _l("Added a consulate"),
    "consulate.update": _l("Changed a consulate"),
    "demo.load": _l("Loaded the demo data"),
    "keys.rotate_data_key": _l("Re-encrypted the personal data under a new key"),
    "registry.import": _l("Imported the civil registry"),
    "staff.activate": _l("Activated a staff account"),
    "staff.deactivate": _l("Deactivated a staff account"),
    "staff.change_role": _l("Changed a staff member's role"),
    "staff.create": _l("Created a staff account"),
    "staff.list_view": _l("Looked at the list of staff"),
    "staff.totp_reset": _l("Reset a staff member's authenticator"),
    "staff.view": _l("Looked at a staff account"),
    "audit.list_view": _l("Looked at the audit log"),
    "account.election_reminders": _l("Changed their election reminder setting"),
    "election.create": _l("Created an election"),
    "election.update": _l("Changed an election's settings"),
    "election.timeline": _l("Set an election's timeline"),
    "election.contest.add": _l("Added a contest to an election"),
    "election.contest.remove": _l("Removed a contest from an election"),
    "election.option.add": _l("Added an option to a contest"),
    "election.style.add": _l("Added a ballot style"),
    "election.style.contest": _l("Put a contest on a ballot style"),
    "election.style.constituency": _l("Mapped a constituency to a ballot style"),
    "election.trustee.add": _l("Added a trustee to an election"),
    "election.trustee.remove": _l("Removed a trustee from an election"),
    "election.ceremony.start": _l("Started the key ceremony"),
    "election.ceremony.abandon": _l("Abandoned the key ceremony"),
    "election.ceremony.attempt": _l("Began an attempt of the key ceremony"),
    "election.ceremony.finished": _l("Finished the key ceremony"),
    "election.ceremony.restart": _l("Restarted the key ceremony without the named trustees"),
    "election.ceremony.status_view": _l("Looked at where the key ceremony stands"),
    "election.ceremony.verdict": _l("Settled a complaint of the key ceremony"),
    "election.ceremony.init": _l("Uploaded their ceremony keys (key ceremony, step 1)"),
    "election.ceremony.deal": _l("Uploaded their commitments and encrypted shares (step 2)"),
    "election.ceremony.receive": _l("Uploaded their check of the shares received (step 3)"),
    "election.ceremony.answer": _l("Answered a complaint with the disputed share"),
    "election.ceremony.settle": _l("Uploaded their acceptance after a settled complaint"),
    "voting.token_issued": _l("Was given a ballot token (the day only is recorded)"),
    "voting.poll_book_mark": _l("Marked a voter in the poll book: voted in person"),
    "voting.poll_book_search": _l("Searched the poll book for a voter"),
    "voting.return_entered": _l("Entered the in-person counts of a contest (a second official must confirm)"),
    "voting.return_confirmed": _l("Confirmed the in-person counts of a contest (second official)"),
    "voting.return_rejected": _l("Rejected the in-person counts of a contest"),
    "election.freeze.request": _l("Asked for an election to be frozen"),
    "election.freeze": _l("Froze an election: its definition and fingerprint are fixed"),
    "election.open": _l("Opened voting"),
    "election.close": _l("Closed voting"),
    "election.tally.aggregate": _l("Aggregated the counted ballots per group (tally started)"),
    "election.tally.decryption": _l("Uploaded a trustee's partial decryption, checked"),
    "election.tally.decrypted": _l("Combined the trustees' decryptions: the results are computed"),
    "election.tally.publish": _l("Published the results and the election record"),
}

SYSTEM_ACTORS = {
    "anonymous": _l("Visitor (not logged in)"),
    "cli": _l("Command line"),
    "system": _l("The system"),
}


def action_label(action):
    return ACTIONS.get(action) or action


def user_ids(events):
    """The account ids an event page names as actor or target."""
    ids = set()
    for event in events:
        for value in (event.actor, event.target):
            kind, _, number = (value or "").partition(":")
            if kind == "user" and number.isdigit():
                ids.add(int(number))
    return ids


def person_label(value, users):
    """`user:12` as "name (role)": staff by their address, voters by role and account
    number only (a voter's address stays out of the log's pages)."""
    if value in SYSTEM_ACTORS:
        return str(SYSTEM_ACTORS[value])
    kind, _, number = (value or "").partition(":")
    user = users.get(int(number)) if kind == "user" and number.isdigit() else None
    if user is None:
        return value
    if user.is_staff:
        return f"{user.email} ({user.role.label})"
    return str(_l("%(role)s, account %(id)d", role=user.role.label, id=user.id))
