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
