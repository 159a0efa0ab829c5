"""Interoperability vectors for the browser client, made by `ovote.crypto`.

The JavaScript suite (`frontend/test/`) checks its encodings, hashes,
canonical JSON, definition checks, tokens, receipts and ballots against
these, so that the browser produces byte for byte what the Python side
expects. Keys are fresh on every run (nothing secret is committed); the
ballot built "with given randomness" draws its scalars from a fixed
sequence that the vectors list, so the JS must rebuild it exactly.

    python tests/frontend/make_vectors.py frontend/test/vectors.json
"""

import contextlib
import hashlib
import json
import os
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl import bindings

from ovote.crypto import blindrsa, tokens
from ovote.crypto.ballot import build_ballot, tracking_code, voting_key_bytes
from ovote.crypto.canonical import canonical_json
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.group import BASE, IDENTITY, L, Point, Scalar, base_mul
from ovote.crypto.proofs import challenge, frame
from ovote.crypto.threshold import deal, joint_key as joint_key_of

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.crypto.hostile_points import (  # noqa: E402
    NON_CANONICAL_POINTS,
    SMALL_ORDER_POINTS,
    mixed_order_point,
)

RFC9474 = Path(__file__).resolve().parents[1] / "crypto" / "vectors" / "rfc9474.json"
SLUG = "présidentielle-2027"

MANIFEST = {
    "slug": SLUG,
    "title": {"en": "Presidential election 2027", "fr": "Élection présidentielle 2027", "ar": "الانتخابات الرئاسية"},
    "min_unit_ballots": 10,
    "max_revotes": 20,
    "contests": [
        {"id": "president", "labels": {"en": "President", "fr": "Président·e"},
         "options": [{"id": f"cand-{i}", "labels": {"en": f"Candidate {i}", "fr": f"Candidat·e n° {i} 🗳"}} for i in range(4)],
         "min": 1, "max": 1},
        {"id": "council", "labels": {"en": "Council of the diaspora", "fr": "Conseil de la diaspora"},
         "options": [{"id": f"c{i}", "labels": {"en": f"Councillor {i}", "pt-BR": f"Conselheiro {i} — ção"}} for i in range(5)],
         "min": 0, "max": 3},
        {"id": "referendum", "labels": {"en": "Referendum", "ar": "استفتاء"},
         "options": [{"id": "yes", "labels": {"en": "Yes", "fr": "Oui"}}, {"id": "no", "labels": {"en": "No", "fr": "Non"}}],
         "min": 0, "max": 1},
    ],
}


def style_of(style_id, contest_ids):
    return {
        "id": style_id,
        "contests": [
            {"id": c["id"], "options": [o["id"] for o in c["options"]], "min": c["min"], "max": c["max"]}
            for c in MANIFEST["contests"] if c["id"] in contest_ids
        ],
    }


STYLE_FULL = style_of("full", {"president", "council", "referendum"})
STYLE_SHORT = style_of("short", {"president", "referendum"})


def point_vectors():
    valid = [base_mul(Scalar.from_int(v)).hex() for v in (1, 2, 7, 2**200 + 5, L - 1)]
    randoms = [os.urandom(32).hex() for _ in range(48)]
    hostile = SMALL_ORDER_POINTS + NON_CANONICAL_POINTS + [mixed_order_point()]
    return [
        {"hex": text, "valid": bindings.crypto_core_ed25519_is_valid_point(bytes.fromhex(text))}
        for text in valid + hostile + randoms
    ]


def arithmetic_vectors():
    out = []
    for _ in range(4):
        a, b = Scalar.random(), Scalar.random()
        p = base_mul(Scalar.random())
        out.append({
            "a": a.hex(), "b": b.hex(), "P": p.hex(),
            "aB": base_mul(a).hex(), "aP": (a * p).hex(),
            "sum": (base_mul(a) + base_mul(b)).hex(), "diff": (base_mul(a) - p).hex(),
            "a_plus_b": (a + b).hex(), "a_times_b": (a * b).hex(),
        })
    return out


def scalar_vectors():
    edge = [0, 1, L - 1, L, L + 1, 2**255, 2**256 - 1]
    return [{"hex": v.to_bytes(32, "little").hex(), "valid": v < L} for v in edge]


def reduce_vectors():
    return [{"wide": w.hex(), "reduced": Scalar.reduce(w).hex()}
            for w in (bytes(64), b"\xff" * 64, os.urandom(64), os.urandom(64))]


def hash_vectors():
    point, scalar = base_mul(Scalar.from_int(3)), Scalar.from_int(2**250 + 1)
    cases = [
        ("ovote/v1/schnorr", []),
        ("ovote/v1/selection", [{"bytes": point.hex()}, {"bytes": scalar.hex()}, {"int": 0}, {"int": 0xFFFFFFFF}]),
        ("ovote/v1/contest", [{"str": "président 🗳 \u2028"}, {"str": ""}, {"bytes": ""}, {"int": 7}]),
    ]
    out = []
    for tag, parts in cases:
        py = [bytes.fromhex(p["bytes"]) if "bytes" in p else p.get("str", p.get("int")) for p in parts]
        out.append({"tag": tag, "parts": parts, "frame": frame(*py).hex(), "challenge": challenge(tag, *py).hex()})
    return out


CANONICAL_VALUES = [
    {"b": 1, "a": [True, False, None, -0, -(2**53 - 1), 2**53 - 1]},
    {"é": "ünïcödé", "e": "plain", "z": "\u00e9\u0301", "ـ": "ar"},
    # Keys above U+FFFF sort after U+E000..U+FFFF by code point (not by UTF-16).
    {"\U0001F600": 1, "\uFFFD": 2, "\uE000": 3, "\U00010000": 4, "a": 5, "": 6},
    {"controls": "\x00\x01\x08\x09\x0a\x0c\x0d\x1f\x7f \u2028\u2029 \"\\ / <>&'"},
    {"nested": {"list": [{"y": [], "x": {}}], "emoji": "🗳️👩🏽‍⚖️", "cjk": "選挙"}},
    MANIFEST,
]

# JSON texts that JSON.parse reads but canonical JSON must refuse.
CANONICAL_REFUSED = ["1.5", "9007199254740992", "-9007199254740993", '"\\ud800"', '{"a":"x\\udc00"}', "1e400"]


def definition_and_keys():
    trustees = [deal(SLUG, i, 2)[1] for i in (1, 2, 3)]
    unit_key = blindrsa.generate_key(3072)
    receipt_key = Ed25519PrivateKey.generate()
    units = [
        {"id": "FR01-full", "consulate": "FR01", "ballot_style": STYLE_FULL, "public_key": unit_key.public_key()},
        {"id": "BR02-short", "consulate": "BR02", "ballot_style": STYLE_SHORT, "public_key": unit_key.public_key()},
    ]
    definition = election_definition(
        manifest=MANIFEST, threshold=2, trustees=trustees, joint_key=joint_key_of(trustees),
        units=units, receipt_key=voting_key_bytes(receipt_key),
    )
    return definition, unit_key, receipt_key


@contextlib.contextmanager
def fixed_randomness(seed: bytes):
    """Make `Scalar.random` draw from a seeded sequence, recording the draws."""
    draws = []
    original = Scalar.__dict__["random"]

    def draw(cls):
        value = Scalar.reduce(hashlib.sha512(seed + len(draws).to_bytes(4, "big")).digest())
        draws.append(value.hex())
        return value

    Scalar.random = classmethod(draw)
    try:
        yield draws
    finally:
        Scalar.random = original


def make_token(unit_key, fingerprint, public):
    request = tokens.request_token(unit_key.public_key(), fingerprint, public)
    return tokens.finish_token(unit_key.public_key(), request, tokens.issue_token(unit_key, request.blinded_msg))


def sign_receipt(receipt_key, fields):
    message = b"ovote/receipt/v1\x00" + canonical_json(fields)
    return {**fields, "signature": receipt_key.sign(message).hex()}


def make_vectors() -> dict:
    definition, unit_key, receipt_key = definition_and_keys()
    fingerprint = election_fingerprint(definition)
    joint_key = Point.from_hex(definition["joint_key"])
    context = dict(fingerprint=fingerprint, joint_key=joint_key)

    # A ballot with fresh randomness, for the JS validator.
    voter = Ed25519PrivateKey.generate()
    ballot = build_ballot(
        unit_id="FR01-full", ballot_style=STYLE_FULL, voting_key=voter,
        token=make_token(unit_key, fingerprint, voting_key_bytes(voter)),
        choices={"president": ["cand-2"], "council": ["c0", "c4"], "referendum": []}, **context,
    )

    # A ballot with given randomness and voting key, that JS must rebuild byte for byte.
    seed = hashlib.sha256(b"ovote/test/voting-key").digest()
    fixed_voter = Ed25519PrivateKey.from_private_bytes(seed)
    fixed_token = make_token(unit_key, fingerprint, voting_key_bytes(fixed_voter))
    fixed_choices = {"president": ["cand-0"], "referendum": ["no"]}
    with fixed_randomness(b"ovote/test/randomness") as draws:
        fixed = build_ballot(
            unit_id="BR02-short", ballot_style=STYLE_SHORT, voting_key=fixed_voter,
            token=fixed_token, choices=fixed_choices, **context,
        )

    receipt = sign_receipt(receipt_key, {
        "election": fingerprint.hex(), "tracking_code": tracking_code(ballot), "seq": 1,
        "received_at": "2026-12-01T07:00:00Z",
        "board_head": hashlib.sha256(fingerprint + bytes.fromhex(tracking_code(ballot))).hexdigest(),
    })

    rfc = json.loads(RFC9474.read_text())
    for vector in rfc:
        n, inv = int(vector["n"], 16), int(vector["inv"], 16)
        vector["r"] = format(pow(inv, -1, n), "x")

    pub = unit_key.public_key().public_numbers()
    return {
        "points": point_vectors(),
        "arithmetic": arithmetic_vectors(),
        "scalars": scalar_vectors(),
        "reduce": reduce_vectors(),
        "hash": hash_vectors(),
        "canonical": [{"value": v, "json": canonical_json(v).decode("utf-8")} for v in CANONICAL_VALUES],
        "canonical_refused": CANONICAL_REFUSED,
        "definition": definition,
        "fingerprint": fingerprint.hex(),
        "token_message": {
            "voting_key": voting_key_bytes(voter).hex(),
            "message": tokens.token_message(fingerprint, voting_key_bytes(voter)).hex(),
        },
        # The unit's private key, for the JS suite to act as the signing
        # server in its own round trip (fresh each run, for tests only).
        "unit_private": {k: format(v, "x") for k, v in {
            "n": pub.n, "e": pub.e, "d": unit_key.private_numbers().d,
            "p": unit_key.private_numbers().p, "q": unit_key.private_numbers().q,
            "dp": unit_key.private_numbers().dmp1, "dq": unit_key.private_numbers().dmq1,
            "qi": unit_key.private_numbers().iqmp,
        }.items()},
        "rfc9474": rfc,
        "ballot": {"ballot": ballot, "tracking_code": tracking_code(ballot)},
        "fixed_ballot": {
            "voting_secret": seed.hex(), "unit": "BR02-short", "token": fixed_token,
            "choices": fixed_choices, "randomness": draws,
            "ballot": fixed, "canonical": canonical_json(fixed).decode("utf-8"),
            "tracking_code": tracking_code(fixed),
        },
        "receipt": receipt,
    }


def main(argv) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[2] / "frontend" / "test" / "vectors.json"
    target.write_text(json.dumps(make_vectors(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
