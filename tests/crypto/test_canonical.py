import pytest

from ovote.crypto.canonical import (
    canonical_json,
    hex_decode,
    int_from_hex,
    int_to_hex,
    parse_json,
)
from ovote.crypto.errors import DecodeError


def test_canonical_json_sorts_keys_and_strips_whitespace():
    assert canonical_json({"b": [1, "é"], "a": None}) == '{"a":null,"b":[1,"é"]}'.encode()


@pytest.mark.parametrize(
    "value",
    [1.0, {"a": float("nan")}, [2**53], {1: "x"}, b"bytes", "\ud800"],
    ids=["float", "nan", "unsafe-int", "int-key", "bytes", "lone-surrogate"],
)
def test_canonical_json_rejects(value):
    with pytest.raises(DecodeError) as info:
        canonical_json(value)
    assert info.value.code == "bad_encoding"


@pytest.mark.parametrize(
    "text",
    ['{"a":1,"a":2}', '{"a":1.5}', "[NaN]", "[Infinity]", "{", b"\xff"],
    ids=["duplicate-key", "float", "nan", "infinity", "truncated", "not-utf8"],
)
def test_parse_json_rejects(text):
    with pytest.raises(DecodeError):
        parse_json(text)


def test_parse_json_round_trip():
    doc = {"z": [1, 2, {"y": "ü"}], "a": True}
    assert parse_json(canonical_json(doc)) == doc


@pytest.mark.parametrize(
    "text,length",
    [("AB", None), ("0g", None), ("abc", None), (" ab", None), ("ab", 2), (12, None)],
)
def test_hex_decode_rejects(text, length):
    with pytest.raises(DecodeError):
        hex_decode(text, length)


@pytest.mark.parametrize("value", [0, 1, 255, 256, 65537, 2**3071 + 5])
def test_int_hex_round_trip(value):
    assert int_from_hex(int_to_hex(value)) == value


def test_int_from_hex_rejects_leading_zero():
    assert int_to_hex(65537) == "010001"
    with pytest.raises(DecodeError):
        int_from_hex("00010001")


def test_deep_nesting_is_rejected_not_crashing():
    deep = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(DecodeError):
        canonical_json(deep)
    with pytest.raises(DecodeError):
        parse_json("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize("text", ["1" * 5000, '{"a": [-' + "9" * 5000 + "]}", "1" * 17, "-" + "1" * 17])
def test_huge_integers_are_a_decode_error(text):
    # 5000 digits used to escape as the plain ValueError of int()'s digit limit.
    with pytest.raises(DecodeError):
        parse_json(text)


@pytest.mark.parametrize("value", [2**53 - 1, -(2**53) + 1, 0, -0, 10**15])
def test_safe_integers_still_parse(value):
    assert parse_json(str(value)) == value
