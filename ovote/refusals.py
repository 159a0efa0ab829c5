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
    # -- request input (ovote.api_input, ovote.form_input): the body as a whole --
    "bad_json": Refusal(400, _l("The request body must be UTF-8 JSON without duplicate keys, "
                                "fractions, or integers of 2^53 or more.")),
    # 422 as for a ballot of the wrong shape (DESIGN.md §3.8, §7): one code, one status
    "bad_structure": Refusal(422, _l("The request body does not have the expected JSON structure.")),
    "bad_form_value": Refusal(400, _l("The field “%(field)s” was not sent as text. Fill in the form "
                                      "on the page and send it again.")),
    # -- visible text (ovote.visible_text): names, places, addresses, notes --
    "control_character": Refusal(422, _l("Remove the control characters from this field.")),
    "invisible_character": Refusal(422, _l(
        "Remove the invisible character %(char)s from this field: it changes how the text is "
        "displayed without being seen. Type the text again rather than pasting it.")),
    # -- codes and look-alike names (ovote.codes) --
    "bad_code": Refusal(422, _l("The code must be %(min)d to %(max)d letters A to Z or digits 0 to 9.")),
    "confusable_code": Refusal(422, _l("The code %(code)s can be mistaken for %(other)s, which is "
                                       "already in use. Choose a code that cannot.")),
    "confusable_name": Refusal(422, _l("This name can be mistaken for “%(other)s”, which is already "
                                       "in use. Choose a name that cannot.")),
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
