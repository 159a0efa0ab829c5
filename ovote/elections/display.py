"""Helpers the election pages share: labels in the reader's language, local times."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ovote.elections.services import in_zone

TIMELINE = ("registration_deadline", "tokens_open", "voting_opens", "voting_closes")
TIMELINE_LABELS = {
    "registration_deadline": _l("Registration deadline"),
    "tokens_open": _l("Ballot tokens can be asked for from"),
    "voting_opens": _l("Voting opens"),
    "voting_closes": _l("Voting closes"),
}


def label(labels, *, default_language):
    """The text of a label map in the reader's language, else `default_language`'s."""
    language = str(get_locale() or "")
    return labels.get(language) or labels.get(default_language) \
        or next(iter(labels.values()), "")


def local_timeline(election, tz_name):
    """(name, aware time in `tz_name`) of the timeline, in order."""
    return [(name, in_zone(getattr(election, name), tz_name)) for name in TIMELINE]
