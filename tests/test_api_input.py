"""The strict JSON body reader that every JSON endpoint uses (DESIGN.md §7: 400 bad_json)."""
import pytest

from ovote.api_input import BadJson, BadJsonShape, read_json


@pytest.mark.parametrize("body, error", [
    (b'{"a": 1.0}', BadJson),
    (b'{"a": 1e3}', BadJson),
    (b'{"a": NaN}', BadJson),
    (b'{"a": Infinity}', BadJson),
    (b'{"a": 9007199254740992}', BadJson),
    (b'{"a": -9007199254740992}', BadJson),
    (b'{"a": ' + b"9" * 5000 + b"}", BadJson),
    (b'{"a": 1, "a": 2}', BadJson),
    (b'{"a": {"b": 1, "b": 1}}', BadJson),
    (b'{"a": "\\ud800"}', BadJson),
    (b'{"\\udfff": 1}', BadJson),
    (b'\xef\xbb\xbf{"a": 1}', BadJson),
    (b'{"a": "\xff"}', BadJson),
    ('{"a": "é"}'.encode("utf-16"), BadJson),
    (b"[" * 100000 + b"]" * 100000, BadJson),
    (b"", BadJson),
    (b"{", BadJson),
    (b'["a"]', BadJsonShape),
    (b'"a"', BadJsonShape),
    (b"null", BadJsonShape),
])
def test_what_canonical_json_cannot_hold_is_refused(app, body, error):
    with app.test_request_context("/api/v1/x", method="POST", data=body,
                                  content_type="application/json"):
        with pytest.raises(error):
            read_json()


def test_a_strict_body_is_read_and_the_refusal_is_the_api_shape(app):
    body = '{"a": [1, -9007199254740991, true, null, "é"], "b": {"c": "d"}}'.encode()
    with app.test_request_context("/api/v1/x", method="POST", data=body,
                                  content_type="application/json"):
        assert read_json() == {"a": [1, -9007199254740991, True, None, "é"], "b": {"c": "d"}}
        assert read_json(expect=None) == read_json()
    with app.test_request_context("/api/v1/x", method="POST", data=b"[1.5]"):
        with pytest.raises(BadJson) as refused:
            read_json()
        response = app.make_response(app.handle_user_exception(refused.value))
    assert response.status_code == 400
    assert set(response.get_json()) == {"error", "message"}
    assert response.get_json()["error"] == "bad_json"
    assert response.get_json()["message"].startswith("The request body must be UTF-8 JSON")
