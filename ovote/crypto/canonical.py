"""Canonical JSON and strict hex codecs (DESIGN.md §3.7).

Canonical JSON is what every signature and hash over a JSON document is
computed on: UTF-8, keys sorted, no insignificant whitespace, integers
only. Integers are further limited to the range a browser's JSON number
holds exactly (|i| < 2**53), because the browser client must reproduce the
same bytes.

For reimplementations (the contract is the `json.dumps` call of §3.7):

* Keys are sorted by Unicode code point, which is Python's string order.
  JavaScript's default `Array.prototype.sort` compares UTF-16 code units
  instead; the two differ when keys mix characters above U+FFFF with
  characters in U+E000..U+FFFF, so a client must sort by code point.
* Only ``"``, ``\\`` and U+0000..U+001F are escaped: ``\\b \\f \\n \\r \\t``
  in short form, the other controls as ``\\u00xx`` with lowercase hex
  (as `JSON.stringify` does). Everything else, U+007F and U+2028/U+2029
  included, is written as raw UTF-8; ``/`` is not escaped.
* Strings holding lone surrogates are refused here (`JSON.stringify`
  would escape them), so they never reach a signature or a hash.
"""

import json
import re

from ovote.crypto.errors import DecodeError

_HEX = re.compile(r"[0-9a-f]*")
_MAX_SAFE_INT = 2**53 - 1


def _check(value, path: str) -> None:
    # bool is an int subclass and is a legitimate JSON value: test it first.
    if value is None or isinstance(value, (bool, str)):
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise DecodeError(f"{path}: string is not valid Unicode") from None
        return
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise DecodeError(f"{path}: integer out of the safe range")
        return
    if isinstance(value, float):
        raise DecodeError(f"{path}: floats are not allowed")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise DecodeError(f"{path}: object keys must be strings")
            _check(key, path)
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, (list, tuple)):
        for position, item in enumerate(value):
            _check(item, f"{path}[{position}]")
        return
    raise DecodeError(f"{path}: {type(value).__name__} is not a JSON value")


def _check_value(obj) -> None:
    try:
        _check(obj, "$")
    except RecursionError:
        raise DecodeError("JSON nested too deeply") from None


def canonical_json(obj) -> bytes:
    """Encode `obj` as canonical JSON bytes.

    Checks: only dict (string keys), list/tuple, str, int (safe range),
    bool and None; raises `DecodeError("bad_encoding")` otherwise.
    """
    _check_value(obj)
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def _reject_constant(name):
    raise DecodeError(f"{name} is not allowed in JSON")


def _parse_int(text: str) -> int:
    # Safe integers have at most 16 digits; refusing longer ones before
    # int() also avoids its digit limit (a plain ValueError) and its cost.
    if len(text.lstrip("-")) > 16:
        raise DecodeError("integer out of the safe range")
    return int(text)


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DecodeError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def parse_json(data: bytes | str):
    """Parse JSON received from outside.

    Rejects (`DecodeError("bad_encoding")`): invalid UTF-8 or JSON,
    duplicate object keys (a signature over the re-encoded document would
    not cover what was sent), floats, NaN/Infinity, unsafe integers.
    """
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        obj = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
            parse_int=_parse_int,
        )
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise DecodeError(f"not valid JSON: {exc}") from None
    _check_value(obj)
    return obj


def hex_decode(text, length: int | None = None, *, what: str = "value") -> bytes:
    """Decode lowercase hex, optionally of exactly `length` bytes.

    Rejects (`DecodeError("bad_encoding")`): non-strings, uppercase,
    whitespace, odd length, wrong length.
    """
    if not isinstance(text, str) or not _HEX.fullmatch(text) or len(text) % 2:
        raise DecodeError(f"{what}: not lowercase hex")
    if length is not None and len(text) != 2 * length:
        raise DecodeError(f"{what}: expected {length} bytes, got {len(text) // 2}")
    return bytes.fromhex(text)


def int_to_hex(value: int) -> str:
    """Minimal big-endian lowercase hex of a non-negative integer (whole bytes)."""
    if value < 0:
        raise ValueError("negative integers have no hex form here")
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big").hex()


def int_from_hex(text, *, what: str = "integer") -> int:
    """Inverse of `int_to_hex`; rejects leading zero bytes (non-canonical)."""
    raw = hex_decode(text, what=what)
    if not raw or (len(raw) > 1 and raw[0] == 0):
        raise DecodeError(f"{what}: not a minimal big-endian encoding")
    return int.from_bytes(raw, "big")
