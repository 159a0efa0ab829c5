import copy
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ovote.crypto import tokens
from ovote.crypto.ballot import (
    encrypt_contest,
    ballot_ciphertexts,
    build_ballot,
    short_tracking_code,
    sign_ballot,
    tracking_code,
    voting_key_bytes,
)
from ovote.crypto.ballot_style import check_ballot_style
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.canonical import canonical_json, parse_json
from ovote.crypto.elgamal import decode_small, decrypt_to_point, encrypt
from ovote.crypto.errors import InvalidBallot
from ovote.crypto.group import L, Scalar
from ovote.crypto.proofs import SELECTION_TAG, SELECTION_VALUES, prove_range

from .hostile_points import NON_CANONICAL_POINTS, SMALL_ORDER_POINTS, mixed_order_point

UNIT = "2025-general/paris/style-a"
STYLE = {
    "id": "style-a",
    "contests": [
        {"id": "president", "options": ["ana", "ben", "cleo"], "min": 1, "max": 1},
        {"id": "referendum", "options": ["yes", "no", "blank"], "min": 0, "max": 2},
    ],
}
CHOICES = {"president": ["ben"], "referendum": ["yes", "blank"]}


def issue(unit_rsa_key, fingerprint, voting_key):
    public = unit_rsa_key.public_key()
    request = tokens.request_token(public, fingerprint, voting_key_bytes(voting_key))
    blind_sig = tokens.issue_token(unit_rsa_key, request.blinded_msg)
    return tokens.finish_token(public, request, blind_sig)


@pytest.fixture(scope="module")
def module_voting_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def election(unit_rsa_key, fingerprint, joint_key, module_voting_key):
    token = issue(unit_rsa_key, fingerprint, module_voting_key)
    ballot = build_ballot(
        fingerprint=fingerprint, unit_id=UNIT, ballot_style=STYLE, joint_key=joint_key,
        voting_key=module_voting_key, token=token, choices=CHOICES,
    )
    return {"ballot": ballot, "token": token, "voting_key": module_voting_key}


@pytest.fixture(scope="module")
def validate(unit_rsa_key, fingerprint, joint_key):
    def run(ballot):
        return validate_ballot(
            ballot, fingerprint=fingerprint, unit_id=UNIT, ballot_style=STYLE,
            unit_key=unit_rsa_key.public_key(), joint_key=joint_key,
        )
    return run


def test_style_is_well_formed():
    check_ballot_style(STYLE)
    for bad in (
        {"id": "s", "contests": []},
        {"id": "s", "contests": [{"id": "c", "options": ["a", "a"], "min": 0, "max": 1}]},
        {"id": "s", "contests": [{"id": "c", "options": ["a"], "min": 1, "max": 2}]},
        {"id": "s", "contests": [{"id": "c", "options": ["a"], "min": True, "max": 1}]},
    ):
        with pytest.raises(ValueError):
            check_ballot_style(bad)


def test_valid_ballot_passes_and_decrypts(election, validate, election_secret):
    ballot = election["ballot"]
    assert set(ballot) == {"version", "election", "unit", "voting_key", "token", "contests", "signature"}
    validated = validate(parse_json(canonical_json(ballot)))
    assert validated.tracking_code == tracking_code(ballot)
    assert validated.voting_key == voting_key_bytes(election["voting_key"])
    for source in (validated.ciphertexts, ballot_ciphertexts(ballot, STYLE),
                   ballot_ciphertexts(ballot, STYLE, validate_points=False)):
        votes = {
            cid: {o for o, ct in options.items()
                  if decode_small(decrypt_to_point(election_secret, ct), 1) == 1}
            for cid, options in source.items()
        }
        assert votes == {cid: set(chosen) for cid, chosen in CHOICES.items()}


def test_tracking_code_is_stable(election):
    ballot = election["ballot"]
    code = tracking_code(ballot)
    assert code == hashlib.sha256(canonical_json(ballot)).hexdigest()
    assert tracking_code(parse_json(canonical_json(ballot))) == code
    assert tracking_code(dict(reversed(list(ballot.items())))) == code
    assert short_tracking_code(code) == "-".join([code[0:4], code[4:8], code[8:12], code[12:16]])


def test_revote_gives_different_ciphertexts(election, validate, fingerprint, joint_key):
    again = build_ballot(
        fingerprint=fingerprint, unit_id=UNIT, ballot_style=STYLE, joint_key=joint_key,
        voting_key=election["voting_key"], token=election["token"], choices=CHOICES,
    )
    first = validate(election["ballot"])
    second = validate(again)
    assert second.voting_key == first.voting_key
    assert second.tracking_code != first.tracking_code
    assert second.ciphertexts["president"]["ana"] != first.ciphertexts["president"]["ana"]


@pytest.mark.parametrize(
    "choices",
    [
        {"president": ["ana", "ben"], "referendum": []},
        {"president": [], "referendum": []},
        {"president": ["zed"], "referendum": []},
        {"president": ["ana"]},
    ],
)
def test_builder_refuses_invalid_choices(election, fingerprint, joint_key, choices):
    with pytest.raises(ValueError):
        build_ballot(
            fingerprint=fingerprint, unit_id=UNIT, ballot_style=STYLE, joint_key=joint_key,
            voting_key=election["voting_key"], token=election["token"], choices=choices,
        )


# --- Targeted tampers --------------------------------------------------------
# Each returns a modified copy; `resign` says whether the voter re-signs it
# (a malicious voter can always sign what they send).

def _selection(ballot, contest=0, index=0):
    return ballot["contests"][contest]["selections"][index]


def _set_point(field, value):
    def tamper(ballot, ctx):
        _selection(ballot, 1, 2)[field] = value
    return tamper


def _set_scalar(value):
    def tamper(ballot, ctx):
        _selection(ballot, 0, 1)["proof"]["z"][0] = value
    return tamper


def _swap_selections(ballot, ctx):
    sels = ballot["contests"][0]["selections"]
    sels[0], sels[1] = sels[1], sels[0]


def _copy_from_other_voter(ballot, ctx):
    other = ctx["other_ballot"]
    ballot["contests"] = copy.deepcopy(other["contests"])


def _vote_for_two(ballot, ctx):
    # A contest proof honestly made for a sum of 2 in a 1-of-3 contest.
    contest = dict(STYLE["contests"][0], min=2, max=2)
    ballot["contests"][0] = encrypt_contest(
        contest, {"ana", "ben"}, joint_key=ctx["joint_key"],
        fingerprint=ctx["fingerprint"], voting_key=ctx["voting_key_bytes"],
    )


def _selection_encrypting_two(ballot, ctx):
    # Encrypt 2 under nonce r, and prove "0 or 1" for an encryption of 1
    # under the same r: the proof belongs to another ciphertext.
    ciphertext, nonce = encrypt(ctx["joint_key"], 2)
    honest, _ = encrypt(ctx["joint_key"], 1, nonce)
    proof = prove_range(
        honest, nonce, 1, SELECTION_VALUES, ctx["joint_key"], tag=SELECTION_TAG,
        fingerprint=ctx["fingerprint"], voting_key=ctx["voting_key_bytes"],
        contest_id="referendum", index=0,
    )
    ballot["contests"][1]["selections"][0] = {**ciphertext.to_dict(), "proof": proof.to_dict()}


def _other_voting_key(ballot, ctx):
    ballot["voting_key"] = voting_key_bytes(Ed25519PrivateKey.generate()).hex()


def _flip_token_signature(ballot, ctx):
    sig = ballot["token"]["signature"]
    ballot["token"]["signature"] = sig[:-1] + ("0" if sig[-1] != "0" else "1")


def _flip_signature(ballot, ctx):
    sig = ballot["signature"]
    ballot["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]


TAMPERS = [
    # (name, tamper, resign, expected code)
    ("not-an-object", lambda b, c: b.clear(), False, "bad_structure"),
    ("voting-key-not-hex", lambda b, c: b.update(voting_key="zz" * 32), True, "bad_encoding"),
    ("token-prefix-short", lambda b, c: b["token"].update(prefix="00" * 31), True, "bad_encoding"),
    ("token-missing", lambda b, c: b.pop("token"), True, "bad_structure"),
    ("token-not-an-object", lambda b, c: b.update(token="00" * 32), True, "bad_structure"),
    ("token-signature-not-a-string", lambda b, c: b["token"].update(signature=5), True, "bad_structure"),
    ("voting-key-missing", lambda b, c: b.pop("voting_key"), True, "bad_structure"),
    ("token-signature-one-byte-short",
     lambda b, c: b["token"].update(signature=b["token"]["signature"][2:]), True, "bad_encoding"),
    ("token-signature-one-byte-long",
     lambda b, c: b["token"].update(signature="00" + b["token"]["signature"]), True, "bad_encoding"),
    ("token-signature-uppercase",
     lambda b, c: b["token"].update(signature=b["token"]["signature"].upper()), True, "bad_encoding"),
    ("token-bit-flipped", _flip_token_signature, True, "bad_token"),
    ("token-prefix-changed", lambda b, c: b["token"].update(prefix="11" * 32), True, "bad_token"),
    ("token-of-other-key", _other_voting_key, False, "bad_token"),
    ("signature-flipped", _flip_signature, False, "bad_signature"),
    ("signature-63-bytes", lambda b, c: b.update(signature=b["signature"][:126]), False, "bad_encoding"),
    ("signature-missing", lambda b, c: b.pop("signature"), False, "bad_structure"),
    ("signature-not-a-string", lambda b, c: b.update(signature=None), False, "bad_structure"),
    ("field-changed-unsigned", lambda b, c: b.update(unit="other"), False, "bad_signature"),
    ("small-order-voting-key", lambda b, c: b.update(voting_key=SMALL_ORDER_POINTS[4]), False, "bad_token"),
    ("float-in-ballot", lambda b, c: b.update(extra=1.5), False, "bad_encoding"),
    ("extra-field", lambda b, c: b.update(extra=1), True, "bad_structure"),
    ("wrong-version", lambda b, c: b.update(version="ovote/v2"), True, "bad_structure"),
    ("other-election", lambda b, c: b.update(election="00" * 32), True, "bad_structure"),
    ("election-uppercase", lambda b, c: b.update(election=b["election"].upper()), True, "bad_encoding"),
    ("election-short", lambda b, c: b.update(election=b["election"][:62]), True, "bad_encoding"),
    ("election-not-a-string", lambda b, c: b.update(election=1), True, "bad_structure"),
    ("version-missing", lambda b, c: b.pop("version"), True, "bad_structure"),
    ("contests-not-a-list", lambda b, c: b.update(contests={}), True, "bad_structure"),
    ("other-unit", lambda b, c: b.update(unit="other"), True, "bad_structure"),
    ("contests-reordered", lambda b, c: b["contests"].reverse(), True, "bad_structure"),
    ("contest-dropped", lambda b, c: b["contests"].pop(), True, "bad_structure"),
    ("selection-dropped", lambda b, c: b["contests"][0]["selections"].pop(), True, "bad_structure"),
    ("proof-too-long", lambda b, c: b["contests"][1]["proof"]["c"].append("00" * 32), True, "bad_structure"),
    ("point-not-a-string", _set_point("alpha", 7), True, "bad_structure"),
    ("selection-extra-key", lambda b, c: _selection(b).update(index=0), True, "bad_structure"),
    ("point-not-hex", _set_point("alpha", "xy" * 32), True, "bad_encoding"),
    ("point-too-short", _set_point("beta", "00" * 31), True, "bad_encoding"),
    ("point-small-order", _set_point("alpha", SMALL_ORDER_POINTS[6]), True, "bad_point"),
    ("point-identity", _set_point("beta", SMALL_ORDER_POINTS[0]), True, "bad_point"),
    ("point-non-canonical", _set_point("beta", NON_CANONICAL_POINTS[0]), True, "bad_point"),
    ("point-mixed-order", _set_point("alpha", mixed_order_point()), True, "bad_point"),
    ("scalar-equal-l", _set_scalar(L.to_bytes(32, "little").hex()), True, "bad_scalar"),
    ("scalar-l-plus-1", _set_scalar((L + 1).to_bytes(32, "little").hex()), True, "bad_scalar"),
    ("scalar-uppercase", _set_scalar("AA" * 32), True, "bad_encoding"),
    ("selections-swapped", _swap_selections, True, "bad_proof"),
    ("contest-from-other-voter", _copy_from_other_voter, True, "bad_proof"),
    ("two-votes-in-1-of-3", _vote_for_two, True, "bad_proof"),
    ("selection-encrypts-two", _selection_encrypting_two, True, "bad_proof"),
    ("challenge-bumped", lambda b, c: _selection(b, 1, 1)["proof"]["c"].__setitem__(
        1, (Scalar.from_hex(_selection(b, 1, 1)["proof"]["c"][1]) + Scalar.from_int(1)).hex()), True, "bad_proof"),
]


@pytest.mark.parametrize("name,tamper,resign,code", TAMPERS, ids=[t[0] for t in TAMPERS])
def test_each_failure_has_its_code(
    election, validate, unit_rsa_key, fingerprint, joint_key, name, tamper, resign, code
):
    ballot = copy.deepcopy(election["ballot"])
    other_key = Ed25519PrivateKey.generate()
    ctx = {
        "joint_key": joint_key,
        "fingerprint": fingerprint,
        "voting_key_bytes": voting_key_bytes(election["voting_key"]),
        "other_ballot": build_ballot(
            fingerprint=fingerprint, unit_id=UNIT, ballot_style=STYLE, joint_key=joint_key,
            voting_key=other_key, token=issue(unit_rsa_key, fingerprint, other_key),
            choices=CHOICES,
        ) if name == "contest-from-other-voter" else None,
    }
    tamper(ballot, ctx)
    if resign:
        ballot = sign_ballot(ballot, election["voting_key"])
    with pytest.raises(InvalidBallot) as info:
        validate(ballot)
    assert info.value.code == code, str(info.value)


def test_error_names_contest_and_selection(election, validate):
    ballot = copy.deepcopy(election["ballot"])
    _selection(ballot, 1, 2)["alpha"] = SMALL_ORDER_POINTS[5]
    with pytest.raises(InvalidBallot, match="contest referendum selection 2 alpha"):
        validate(sign_ballot(ballot, election["voting_key"]))


def test_non_dict_ballot_is_bad_structure(validate):
    with pytest.raises(InvalidBallot) as info:
        validate(["not", "a", "ballot"])
    assert info.value.code == "bad_structure"


@pytest.mark.parametrize("weak", [SMALL_ORDER_POINTS[0], SMALL_ORDER_POINTS[4], SMALL_ORDER_POINTS[7]])
def test_small_order_voting_key_is_refused_even_with_a_token(election, validate, unit_rsa_key, fingerprint, weak):
    # A voter's client that asks for a token on a small-order "key" (or the
    # identity) gets nothing usable: anyone could sign in that key's name.
    weak_key = bytes.fromhex(weak)
    public = unit_rsa_key.public_key()
    request = tokens.request_token(public, fingerprint, weak_key)
    token = tokens.finish_token(public, request, tokens.issue_token(unit_rsa_key, request.blinded_msg))
    ballot = copy.deepcopy(election["ballot"])
    ballot.update(voting_key=weak_key.hex(), token=token)
    with pytest.raises(InvalidBallot) as info:
        validate(ballot)
    assert info.value.code == "bad_signature"


@settings(max_examples=6, deadline=None)
@given(st.data())
def test_any_allowed_choice_validates_and_decrypts(
    election, validate, unit_rsa_key, fingerprint, joint_key, election_secret, data
):
    choices = {}
    for contest in STYLE["contests"]:
        count = data.draw(st.integers(contest["min"], contest["max"]))
        options = data.draw(st.permutations(contest["options"]))
        choices[contest["id"]] = options[:count]
    ballot = build_ballot(
        fingerprint=fingerprint, unit_id=UNIT, ballot_style=STYLE, joint_key=joint_key,
        voting_key=election["voting_key"], token=election["token"], choices=choices,
    )
    validated = validate(ballot)
    for cid, options in validated.ciphertexts.items():
        for option, ciphertext in options.items():
            value = decode_small(decrypt_to_point(election_secret, ciphertext), 1)
            assert value == (option in choices[cid])
