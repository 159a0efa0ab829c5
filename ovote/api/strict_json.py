"""Request bodies the JSON API accepts: what canonical JSON can hold (DESIGN.md §7).

Not UTF-8, not JSON, duplicate keys, floats, NaN, integers beyond ±(2^53 − 1)
are refused as `bad_json` (400) by `ovote.crypto.canonical.parse_json`, the
same parser the verifier and the voter client use; a body over the limit is
`too_large` (413) and is not read past the limit.
"""
from flask import request

from ovote.crypto.canonical import parse_json
from ovote.crypto.errors import DecodeError
from ovote.errors import Refused

#: the largest body of any JSON request but a ballot
DEFAULT_LIMIT = 64 * 1024


def raw_body(limit: int = DEFAULT_LIMIT) -> bytes:
    """The request body, refused as too_large beyond `limit` bytes (chunked bodies
    included: at most limit + 1 bytes are ever read)."""
    if request.content_length is not None and request.content_length > limit:
        raise Refused("too_large", limit=limit)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise Refused("too_large", limit=limit)
    return data


def json_body(limit: int = DEFAULT_LIMIT):
    """The parsed body; raises Refused("bad_json") or Refused("too_large")."""
    data = raw_body(limit)
    try:
        return parse_json(data)
    except DecodeError as exc:
        raise Refused("bad_json", detail=str(exc)[:200]) from None


def json_object(limit: int = DEFAULT_LIMIT, *, fields: set | None = None) -> dict:
    """The body as an object (with exactly `fields` of string values, if given);
    bad_json otherwise."""
    body = json_body(limit)
    if not isinstance(body, dict):
        raise Refused("bad_json", detail="expected a JSON object")
    if fields is not None and (set(body) != fields
                               or not all(isinstance(body[f], str) for f in fields)):
        raise Refused("bad_json", detail=f"expected exactly the string fields {sorted(fields)}")
    return body
