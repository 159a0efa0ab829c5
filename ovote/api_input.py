"""Strict reading of a JSON request body, for every JSON endpoint (DESIGN.md §7).

The JSON API signs and hashes what it receives as canonical JSON, so it accepts
only bodies canonical JSON can hold: UTF-8, valid JSON, no duplicate keys (a
signature over the re-encoded document would not cover what was sent), no
floats, NaN or Infinity, integers of magnitude below 2**53, no lone surrogates.
Anything else is refused with 400 `bad_json` before a view sees it; a body of
the wrong shape (an array where an object is expected) is 422 `bad_structure`
(the code and status DESIGN.md §3.8 and §7 give a wrong JSON type). Like every
refusal no view catches, they are answered by `ovote.web.errors`: JSON for a
JSON client, the error page for a browser.

Use `read_json()` in every view that takes a JSON body, the coming `/api/v1`
included, instead of `request.get_json()`, which accepts all of the above.
"""
from flask import request

from ovote.crypto.canonical import parse_json
from ovote.crypto.errors import DecodeError
from ovote.errors import Refused


class BadInput(Refused):
    """Base of the refusals of a request's body as a whole (its syntax or shape, not a rule)."""


class BadJson(BadInput):
    code = "bad_json"


class BadJsonShape(BadInput):
    code = "bad_structure"


class TooLarge(BadInput):
    code = "too_large"


def read_body(limit=None) -> bytes:
    """The current request's body; beyond `limit` bytes (if given) TooLarge, having read at
    most `limit` + 1 bytes, chunked bodies included. Read once and cached."""
    if limit is not None:
        if request.content_length is not None and request.content_length > limit:
            raise TooLarge(limit=limit)
        if "ovote.body" not in request.environ:
            request.environ["ovote.body"] = request.stream.read(limit + 1)
        data = request.environ["ovote.body"]
        if len(data) > limit:
            raise TooLarge(limit=limit)
        return data
    return request.get_data(cache=True)


def read_json(expect=dict, *, limit=None, fields=None):
    """The current request's body parsed strictly; raises BadJson, BadJsonShape or TooLarge.

    `expect` is the type the top level must have (dict by default; None accepts any);
    `fields`, if given, the exact set of keys an object must have, each a string.
    The body is read once and cached, so a form reading it afterwards sees the same.
    """
    try:
        value = parse_json(read_body(limit))
    except DecodeError:
        raise BadJson() from None
    if expect is not None and not isinstance(value, expect):
        raise BadJsonShape(expected="object" if expect is dict else expect.__name__)
    if fields is not None and (set(value) != set(fields)
                               or not all(isinstance(value[f], str) for f in fields)):
        raise BadJsonShape(expected=", ".join(sorted(fields)))
    return value
