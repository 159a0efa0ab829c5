"""Known-answer tests of the wire contract (DESIGN.md §3), recomputed independently.

Everything expected here is rebuilt from DESIGN.md with hashlib, json,
`nacl.bindings`, `cryptography` and integer arithmetic only, never with
ovote's own hashing or encoding helpers, and compared with what ovote
produces. A browser client, a command-line client or an auditor's verifier
written from DESIGN.md alone must get these same bytes.
"""

import hashlib
import json
import re

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl import bindings as nb

from ovote.crypto import tokens
from ovote.crypto.ballot import build_ballot, tracking_code, voting_key_bytes
from ovote.crypto.ballot_validation import validate_ballot
from ovote.crypto.canonical import canonical_json
from ovote.crypto.elgamal import decode_small, encrypt
from ovote.crypto.errors import DecodeError
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.group import Point, Scalar, base_mul, small_multiple
from ovote.crypto.proofs import challenge
from ovote.crypto.threshold import (
    combine,
    deal,
    lagrange_at_zero,
    partial_decrypt,
    verification_key,
)

from .hostile_points import NON_CANONICAL_POINTS, SMALL_ORDER_POINTS, mixed_order_point

SETTINGS = settings(max_examples=60, deadline=None)

# --- Independent primitives (DESIGN §3.1, §3.2) ------------------------------

L = 2**252 + 27742317777372353535851937790883648493
IDENTITY = b"\x01" + bytes(31)
B = nb.crypto_scalarmult_ed25519_base_noclamp((1).to_bytes(32, "little"))
HEX64 = re.compile(r"[0-9a-f]{64}")


def le32(value: int) -> bytes:
    return (value % L).to_bytes(32, "little")


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def scalar_of(text: str) -> int:
    assert HEX64.fullmatch(text), text
    value = int.from_bytes(bytes.fromhex(text), "little")
    assert value < L
    return value


def point_of(text: str) -> bytes:
    assert HEX64.fullmatch(text), text
    raw = bytes.fromhex(text)
    assert nb.crypto_core_ed25519_is_valid_point(raw)
    return raw


def mul(k: int, point: bytes) -> bytes:
    """k·P with the identity handled outside libsodium (DESIGN §3.1)."""
    k %= L
    if k == 0 or point == IDENTITY:
        return IDENTITY
    if point == B:
        return nb.crypto_scalarmult_ed25519_base_noclamp(le32(k))
    return nb.crypto_scalarmult_ed25519_noclamp(le32(k), point)


def add(p: bytes, q: bytes) -> bytes:
    return nb.crypto_core_ed25519_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return nb.crypto_core_ed25519_sub(p, q)


def H(tag: str, *parts: bytes) -> int:
    """reduce_l(SHA-512(tag || 0x00 || len(p1)_4BE || p1 || ...))."""
    data = tag.encode("ascii") + b"\x00"
    for part in parts:
        data += u32(len(part)) + part
    digest = hashlib.sha512(data).digest()
    reduced = int.from_bytes(nb.crypto_core_ed25519_scalar_reduce(digest), "little")
    assert reduced == int.from_bytes(digest, "little") % L
    return reduced


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- §3.2 hash to scalar ------------------------------------------------------


def test_hash_to_scalar_of_every_part_kind():
    point = base_mul(Scalar.from_int(5))
    assert point.to_bytes() == mul(5, B)
    expected = H(
        "ovote/v1/test",
        mul(5, B), le32(7), "contest é".encode("utf-8"), u32(3), u32(0xFFFFFFFF), b"", bytes(range(32)),
    )
    got = challenge(
        "ovote/v1/test", point, Scalar.from_int(7), "contest é", 3, 0xFFFFFFFF, b"", bytes(range(32))
    )
    assert int(got) == expected


part_strategy = st.one_of(
    st.binary(max_size=70),
    st.text(max_size=20).filter(lambda t: not any(0xD800 <= ord(ch) <= 0xDFFF for ch in t)),
    st.integers(min_value=0, max_value=2**32 - 1),
)


def raw_part(part) -> bytes:
    if isinstance(part, bytes):
        return part
    if isinstance(part, str):
        return part.encode("utf-8")
    return u32(part)


@SETTINGS
@given(st.lists(part_strategy, max_size=6))
def test_hash_to_scalar_framing_property(parts):
    assert int(challenge("ovote/v1/p", *parts)) == H("ovote/v1/p", *map(raw_part, parts))


# --- §3.4 proofs inside a ballot, §3.6 token, §3.7 signature and tracking code

FINGERPRINT = hashlib.sha256(b"contract election").digest()
STYLE = {
    "id": "style-1",
    "contests": [
        {"id": "président", "options": ["ana", "ben", "cléo"], "min": 1, "max": 1},
        {"id": "council", "options": ["w", "x", "y", "z"], "min": 0, "max": 2},
    ],
}
CHOICES = {"président": ["cléo"], "council": ["w", "z"]}


@pytest.fixture(scope="module")
def secret():
    return 0x1234567890ABCDEF1234567890ABCDEF % L


@pytest.fixture(scope="module")
def election_key(secret):
    return mul(secret, B)


@pytest.fixture(scope="module")
def ballot_and_key(unit_rsa_key, election_key):
    voting_key = Ed25519PrivateKey.generate()
    public = unit_rsa_key.public_key()
    request = tokens.request_token(public, FINGERPRINT, voting_key_bytes(voting_key))
    token = tokens.finish_token(public, request, tokens.issue_token(unit_rsa_key, request.blinded_msg))
    ballot = build_ballot(
        fingerprint=FINGERPRINT, unit_id="unit-paris", ballot_style=STYLE,
        joint_key=Point.from_bytes(election_key), voting_key=voting_key, token=token,
        choices=CHOICES,
    )
    return json.loads(json.dumps(ballot)), voting_key


def range_commitments(alpha, beta, key, values, cs, zs):
    parts = []
    for v, c, z in zip(values, cs, zs, strict=True):
        parts.append(sub(mul(z, B), mul(c, alpha)))
        parts.append(sub(mul(z, key), mul(c, sub(beta, mul(v, B)))))
    return parts


def range_proof_holds(tag, voting_key, contest_id, index, alpha, beta, key, values, proof):
    cs = [scalar_of(c) for c in proof["c"]]
    zs = [scalar_of(z) for z in proof["z"]]
    parts = range_commitments(alpha, beta, key, values, cs, zs)
    expected = H(
        tag, FINGERPRINT, voting_key, contest_id.encode("utf-8"), u32(index), alpha, beta, *parts
    )
    return sum(cs) % L == expected


def test_ballot_proofs_recomputed(ballot_and_key, election_key, secret):
    ballot, _ = ballot_and_key
    voting_key = bytes.fromhex(ballot["voting_key"])
    assert [c["id"] for c in ballot["contests"]] == [c["id"] for c in STYLE["contests"]]
    for contest, entry in zip(STYLE["contests"], ballot["contests"]):
        total_alpha = total_beta = IDENTITY
        for index, selection in enumerate(entry["selections"]):
            alpha, beta = point_of(selection["alpha"]), point_of(selection["beta"])
            assert range_proof_holds(
                "ovote/v1/selection", voting_key, contest["id"], index,
                alpha, beta, election_key, [0, 1], selection["proof"],
            )
            # The index is the 0-based position: 1-based would not verify.
            assert not range_proof_holds(
                "ovote/v1/selection", voting_key, contest["id"], index + 1,
                alpha, beta, election_key, [0, 1], selection["proof"],
            )
            # It encrypts what was chosen: beta − x·alpha = m·B.
            chosen = contest["options"][index] in CHOICES[contest["id"]]
            assert sub(beta, mul(secret, alpha)) == (mul(1, B) if chosen else IDENTITY)
            total_alpha, total_beta = add(total_alpha, alpha), add(total_beta, beta)
        values = list(range(contest["min"], contest["max"] + 1))
        assert range_proof_holds(
            "ovote/v1/contest", voting_key, contest["id"], 0xFFFFFFFF,
            total_alpha, total_beta, election_key, values, entry["proof"],
        )
        # Bound to the voting key: the same proof does not hold for another voter.
        assert not range_proof_holds(
            "ovote/v1/contest", bytes(32), contest["id"], 0xFFFFFFFF,
            total_alpha, total_beta, election_key, values, entry["proof"],
        )


def test_ballot_token_is_rfc9474_pss_over_prefix_and_message(ballot_and_key, unit_rsa_key):
    ballot, _ = ballot_and_key
    prefix = bytes.fromhex(ballot["token"]["prefix"])
    signature = bytes.fromhex(ballot["token"]["signature"])
    assert len(prefix) == 32 and len(signature) == 384
    assert ballot["token"]["signature"] == signature.hex()
    msg = b"ovote/token/v1" + b"\x00" + FINGERPRINT + bytes.fromhex(ballot["voting_key"])
    assert tokens.token_message(FINGERPRINT, bytes.fromhex(ballot["voting_key"])) == msg
    public = unit_rsa_key.public_key()
    public.verify(
        signature, prefix + msg,
        padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48), hashes.SHA384(),
    )
    # EMSA-PSS by hand (RFC 8017 §9.1.2): 48-byte salt, SHA-384, MGF1-SHA-384.
    numbers = public.public_numbers()
    em = pow(int.from_bytes(signature, "big"), numbers.e, numbers.n).to_bytes(384, "big")
    assert em[-1] == 0xBC and em[0] & 0x80 == 0
    masked_db, h = em[: 384 - 48 - 1], em[384 - 48 - 1 : -1]
    mask = b"".join(hashlib.sha384(h + u32(i)).digest() for i in range(8))[: len(masked_db)]
    db = bytearray(a ^ b for a, b in zip(masked_db, mask))
    db[0] &= 0x7F
    salt = bytes(db[-48:])
    assert bytes(db[:-49]) == bytes(len(db) - 49) and db[-49] == 0x01
    assert h == hashlib.sha384(bytes(8) + hashlib.sha384(prefix + msg).digest() + salt).digest()


def test_ballot_signature_and_tracking_code(ballot_and_key, unit_rsa_key, election_key):
    ballot, voting_key = ballot_and_key
    public = bytes.fromhex(ballot["voting_key"])
    assert public == voting_key_bytes(voting_key)
    assert set(ballot) == {"version", "election", "unit", "voting_key", "token", "contests", "signature"}
    assert ballot["version"] == "ovote/v1" and ballot["election"] == FINGERPRINT.hex()
    unsigned = {k: v for k, v in ballot.items() if k != "signature"}
    Ed25519PublicKey.from_public_bytes(public).verify(bytes.fromhex(ballot["signature"]), canonical(unsigned))
    assert re.fullmatch(r"[0-9a-f]{128}", ballot["signature"])
    code = hashlib.sha256(canonical(ballot)).hexdigest()
    assert tracking_code(ballot) == code
    validated = validate_ballot(
        ballot, fingerprint=FINGERPRINT, unit_id="unit-paris", ballot_style=STYLE,
        unit_key=unit_rsa_key.public_key(), joint_key=Point.from_bytes(election_key),
    )
    assert validated.tracking_code == code


# --- §3.4 Schnorr, §3.5 ceremony, decryption shares ---------------------------

ELECTION_ID = "élection-2026"


def schnorr_context(election_id: str, trustee: int, t: int) -> bytes:
    eid = election_id.encode("utf-8")
    return u32(len(eid)) + eid + u32(4) + u32(trustee) + u32(4) + u32(t)


@pytest.fixture(scope="module")
def ceremony():
    """3-of-4 dealt by ovote; shares and keys are recomputed here by hand."""
    dealt = {i: deal(ELECTION_ID, i, 3) for i in (1, 2, 3, 4)}
    coefficients = {i: [int(a) for a in poly.coefficients] for i, (poly, _) in dealt.items()}
    return dealt, coefficients


def f(coefficients, x):
    return sum(a * x**t for t, a in enumerate(coefficients)) % L


def test_schnorr_proofs_of_commitments(ceremony):
    dealt, coefficients = ceremony
    for i, (_, commitment) in dealt.items():
        data = commitment.to_dict()
        assert data["election"] == ELECTION_ID and data["trustee"] == i
        for t, (a_hex, proof) in enumerate(zip(data["commitments"], data["proofs"])):
            A = point_of(a_hex)
            assert A == mul(coefficients[i][t], B)
            c, z = scalar_of(proof["c"]), scalar_of(proof["z"])
            T = sub(mul(z, B), mul(c, A))
            assert H("ovote/v1/schnorr", schnorr_context(ELECTION_ID, i, t), A, T) == c


def test_verification_keys_lagrange_and_decryption_proofs(ceremony):
    dealt, coefficients = ceremony
    commitments = [c for _, c in dealt.values()]
    joint = IDENTITY
    for i in dealt:
        joint = add(joint, mul(coefficients[i][0], B))
    shares = {j: sum(f(coefficients[i], j) for i in dealt) % L for j in dealt}
    for j, s_j in shares.items():
        S_j = IDENTITY
        for i in dealt:
            for t, a_hex in enumerate(dealt[i][1].to_dict()["commitments"]):
                S_j = add(S_j, mul(pow(j, t, L), point_of(a_hex)))
        assert S_j == mul(s_j, B) == verification_key(commitments, j).to_bytes()

    ciphertext, _ = encrypt(Point.from_bytes(joint), 5)
    alpha, beta = ciphertext.alpha.to_bytes(), ciphertext.beta.to_bytes()
    chosen = [1, 3, 4]
    partials = []
    for j in chosen:
        partial = partial_decrypt(FINGERPRINT, j, Scalar.from_int(shares[j]), ciphertext.alpha)
        data = partial.to_dict()
        D = bytes.fromhex(data["share"])
        assert D == mul(shares[j], alpha)
        c, z = scalar_of(data["proof"]["c"]), scalar_of(data["proof"]["z"])
        S_j = mul(shares[j], B)
        u, v = sub(mul(z, B), mul(c, S_j)), sub(mul(z, alpha), mul(c, D))
        assert H("ovote/v1/decrypt", FINGERPRINT, S_j, alpha, D, u, v) == c
        partials.append(partial)
    M = beta
    for j, partial in zip(chosen, partials):
        lam = 1
        for m in chosen:
            if m != j:
                lam = lam * m * pow(m - j, -1, L) % L
        assert int(lagrange_at_zero(j, chosen)) == lam
        M = sub(M, mul(lam, partial.share.to_bytes()))
    assert M == mul(5, B) == combine(ciphertext, partials).to_bytes()


def test_decryption_proof_of_an_empty_aggregate(ceremony):
    # alpha = identity (a sum over no ballot): D is the identity, the proof holds.
    s = 0xABCDEF
    S = mul(s, B)
    partial = partial_decrypt(FINGERPRINT, 1, Scalar.from_int(s), Point.IDENTITY)
    data = partial.to_dict()
    assert data["share"] == IDENTITY.hex()
    c, z = scalar_of(data["proof"]["c"]), scalar_of(data["proof"]["z"])
    u, v = sub(mul(z, B), mul(c, S)), IDENTITY
    assert H("ovote/v1/decrypt", FINGERPRINT, S, IDENTITY, IDENTITY, u, v) == c


# --- §3.7 canonical JSON --------------------------------------------------------


def test_canonical_json_bytes():
    obj = {
        "zeta": [1, -2, 0, True, False, None], "Alpha": {"é": "ü\u2028", "a": "\x00\x1f\x7f\"\\/"},
        "\U0001F600": "emoji key", "\uff01": "fullwidth key", "n": 2**53 - 1,
    }
    assert canonical_json(obj) == canonical(obj)
    # Code point order: U+FF01 before U+1F600 (UTF-16 code-unit order differs).
    assert canonical(obj).index("\uff01".encode()) < canonical(obj).index("\U0001F600".encode())


json_text = st.text(max_size=12).filter(lambda t: not any(0xD800 <= ord(ch) <= 0xDFFF for ch in t))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | json_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(json_text, inner, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(json_values)
def test_canonical_json_property(obj):
    assert canonical_json(obj) == canonical(obj)


# --- §3.9 fingerprint -------------------------------------------------------


def test_fingerprint_document_and_hash(ceremony, unit_rsa_key):
    dealt, coefficients = ceremony
    commitments = [c for _, c in dealt.values()]
    joint = IDENTITY
    for i in dealt:
        joint = add(joint, mul(coefficients[i][0], B))
    receipt_key = bytes(range(32, 64))
    manifest = {"title": "Élections générales", "contests": ["président", "council"]}
    public = unit_rsa_key.public_key()
    units = [
        {"id": "u-b", "consulate": "berlin", "ballot_style": STYLE, "public_key": public},
        {"id": "u-a", "consulate": "paris", "ballot_style": STYLE, "public_key": public},
    ]
    definition = election_definition(
        manifest=manifest, threshold=3, trustees=commitments[::-1],
        joint_key=Point.from_bytes(joint), units=units, receipt_key=receipt_key,
    )
    numbers = public.public_numbers()

    def minimal_hex(x):
        return x.to_bytes((x.bit_length() + 7) // 8, "big").hex()

    expected = {
        "version": "ovote/v1",
        "manifest": manifest,
        "threshold": 3,
        "trustees": [
            {"index": i, "commitments": [mul(a, B).hex() for a in coefficients[i]]}
            for i in sorted(coefficients)
        ],
        "joint_key": joint.hex(),
        "units": [
            {"id": "u-a", "consulate": "paris", "ballot_style": STYLE,
             "n": minimal_hex(numbers.n), "e": minimal_hex(numbers.e)},
            {"id": "u-b", "consulate": "berlin", "ballot_style": STYLE,
             "n": minimal_hex(numbers.n), "e": minimal_hex(numbers.e)},
        ],
        "receipt_key": receipt_key.hex(),
    }
    assert definition == expected
    assert expected["units"][0]["e"] == "010001" and len(expected["units"][0]["n"]) == 768
    assert election_fingerprint(definition) == hashlib.sha256(canonical(expected)).digest()


# --- §3.1 encodings and the identity -------------------------------------------


def test_lowercase_hex_only():
    point_hex, scalar_hex = mul(9, B).hex(), le32(0xABCDEF).hex()
    assert Point.from_hex(point_hex).to_bytes() == mul(9, B)
    for bad in (point_hex.upper(), " " + point_hex, point_hex[:-1], point_hex + "00"):
        with pytest.raises(DecodeError):
            Point.from_hex(bad)
    assert int(Scalar.from_hex(scalar_hex)) == 0xABCDEF
    for bad in (scalar_hex.upper(), scalar_hex[:-2]):
        with pytest.raises(DecodeError):
            Scalar.from_hex(bad)


@pytest.mark.parametrize("value", [L, L + 1, L + 5, 2**255, 2**256 - 1])
def test_scalars_at_or_above_l_are_refused_not_reduced(value):
    with pytest.raises(DecodeError) as info:
        Scalar.from_hex(value.to_bytes(32, "little").hex())
    assert info.value.code == "bad_scalar"


@SETTINGS
@given(st.binary(min_size=32, max_size=32))
def test_scalar_decoding_property(raw):
    value = int.from_bytes(raw, "little")
    if value < L:
        assert Scalar.from_bytes(raw).to_bytes() == raw
    else:
        with pytest.raises(DecodeError):
            Scalar.from_bytes(raw)


def point_accepted(raw: bytes, allow_identity=False) -> bool:
    try:
        Point.from_bytes(raw, allow_identity=allow_identity)
    except DecodeError:
        return False
    return True


@pytest.mark.parametrize(
    "text", SMALL_ORDER_POINTS + NON_CANONICAL_POINTS + [mixed_order_point(), mul(3, B).hex()]
)
def test_point_validation_is_libsodiums(text):
    raw = bytes.fromhex(text)
    assert point_accepted(raw) == bool(nb.crypto_core_ed25519_is_valid_point(raw))
    assert point_accepted(raw, allow_identity=True) == (
        raw == IDENTITY or bool(nb.crypto_core_ed25519_is_valid_point(raw))
    )


@SETTINGS
@given(st.one_of(st.binary(min_size=32, max_size=32),
                 st.integers(1, L - 1).map(lambda k: mul(k, B))))
def test_point_validation_property(raw):
    assert point_accepted(raw) == bool(nb.crypto_core_ed25519_is_valid_point(raw))


def test_identity_is_explicit():
    assert Point.IDENTITY.to_bytes() == IDENTITY
    assert base_mul(Scalar.from_int(0)).to_bytes() == IDENTITY
    assert small_multiple(0).to_bytes() == IDENTITY
    p = base_mul(Scalar.from_int(77))
    assert (p - p).to_bytes() == IDENTITY == (p + (-p)).to_bytes()
    assert (Scalar.from_int(5) * Point.IDENTITY).to_bytes() == IDENTITY
    assert (Scalar.from_int(0) * p).to_bytes() == IDENTITY
    # A tally of zero: Enc(0) plus the sum cancelling to the identity decodes to 0.
    key = Point.from_bytes(mul(11, B))
    ciphertext, nonce = encrypt(key, 0, Scalar.from_int(3))
    assert ciphertext.alpha.to_bytes() == mul(3, B)
    assert ciphertext.beta.to_bytes() == mul(33, B)
    m_point = ciphertext.beta - Scalar.from_int(11) * ciphertext.alpha
    assert m_point.to_bytes() == IDENTITY and decode_small(m_point, 0) == 0


# --- Cheap properties of the counting arithmetic ---------------------------------


@SETTINGS
@given(st.integers(0, 300), st.integers(0, 320))
def test_decode_small_never_answers_out_of_bound(bound, m):
    point = Point.from_bytes(mul(m, B), allow_identity=True)
    if m <= bound:
        assert decode_small(point, bound) == m
    else:
        with pytest.raises(ValueError):
            decode_small(point, bound)


@SETTINGS
@given(
    st.lists(st.integers(1, L - 1), min_size=1, max_size=4),
    st.sets(st.integers(1, 40), min_size=4, max_size=6),
)
def test_lagrange_interpolates_the_constant_term(coefficients, indices):
    chosen = sorted(indices)
    total = 0
    for j in chosen:
        total += int(lagrange_at_zero(j, chosen)) * f(coefficients, j)
    assert total % L == coefficients[0]
