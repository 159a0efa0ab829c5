"""The fixed reasons an official gives with a decision, and their labels."""
from flask_babel import lazy_gettext as _l

ACTIONS = ("verify", "request_info", "reject")
#: the fixed reason codes: code -> (the decisions it may go with, label)
REASONS = {
    "identity_confirmed": (("verify",), _l("Identity and eligibility confirmed")),
    "reviewed_manually": (("verify",), _l("Confirmed after checking the flagged points by hand")),
    "identity_seen_in_person": (("verify",), _l("Identity confirmed in person at the consulate")),
    "document_unreadable": (("request_info",), _l("The document cannot be read")),
    "document_incomplete": (("request_info",), _l("A page of the document is missing")),
    "details_mismatch": (("request_info", "reject"), _l("The details do not match the document")),
    "address_unclear": (("request_info",), _l("The address abroad is incomplete")),
    "constituency_unclear": (("request_info",), _l("The home constituency needs checking")),
    "not_in_registry": (("reject",), _l("Not found in the civil registry")),
    "not_citizen": (("reject",), _l("Not a citizen")),
    "under_age": (("reject",), _l("Under the minimum age")),
    "disqualified": (("reject",), _l("Disqualified from voting")),
    "not_abroad": (("reject",), _l("Not resident abroad")),
    "document_expired": (("reject",), _l("The document has expired")),
    "duplicate": (("reject",), _l("Already registered")),
    "deadline_passed": (("reject",), _l("Received after the registration deadline")),
    "identity_not_established": (("request_info", "reject"),
                                 _l("The identity could not be established in person")),
}


def reason_label(code):
    entry = REASONS.get(code)
    return str(entry[1]) if entry else (code or "")


ACTION_LABELS = {
    "verify": _l("Verify"),
    "request_info": _l("Ask for more information"),
    "reject": _l("Reject"),
}


def reasons_for(action):
    """The (code, label) pairs of the reasons that may go with `action`."""
    return [(code, label) for code, (actions, label) in REASONS.items() if action in actions]


def reason_choices():
    """The reasons grouped by the decision they go with (a select with one group per decision)."""
    return {ACTION_LABELS[action]: [(code, label) for code, (actions, label) in REASONS.items()
                                    if action in actions]
            for action in ACTIONS}
