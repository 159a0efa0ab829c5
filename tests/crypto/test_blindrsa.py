import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from ovote.crypto import blindrsa
from ovote.crypto.blindrsa import Variant
from ovote.crypto.errors import BlindSignatureError, DecodeError

# The official RFC 9474 test vectors (Appendix A), as published for every
# implementation of the protocol; kept in the repository so that a clone alone
# can check them.
VECTORS_FILE = Path(__file__).parent / "vectors" / "rfc9474.json"


def _load_vectors():
    return json.loads(VECTORS_FILE.read_text())


def _private_key(vector) -> rsa.RSAPrivateKey:
    p, q, d = (int(vector[k], 16) for k in ("p", "q", "d"))
    public = rsa.RSAPublicNumbers(int(vector["e"], 16), int(vector["n"], 16))
    return rsa.RSAPrivateNumbers(
        p, q, d,
        rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        public,
    ).private_key()


VECTORS = _load_vectors()


def test_vectors_cover_all_four_variants():
    assert {Variant.from_name(v["name"]) for v in VECTORS} == set(Variant)


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_rfc9474_vector(vector):
    variant = Variant.from_name(vector["name"])
    private_key = _private_key(vector)
    public_key = private_key.public_key()
    n = int(vector["n"], 16)
    msg = bytes.fromhex(vector["msg"])
    prefix = bytes.fromhex(vector["msg_prefix"])
    input_msg = bytes.fromhex(vector["input_msg"])
    salt = bytes.fromhex(vector["salt"])
    inv = int(vector["inv"], 16)

    assert input_msg == prefix + msg
    assert variant.randomized == (vector["is_randomized"] == "0x01")
    assert variant.salt_length == int(vector["sLen"], 16)
    if "encoded_msg" in vector:
        encoded = blindrsa.emsa_pss_encode(input_msg, n.bit_length() - 1, salt)
        assert encoded.hex() == vector["encoded_msg"]

    blinded_msg, got_inv = blindrsa.blind(public_key, input_msg, variant, salt=salt, r=pow(inv, -1, n))
    assert got_inv == inv
    assert blinded_msg.hex() == vector["blinded_msg"]
    blind_sig = blindrsa.blind_sign(private_key, blinded_msg)
    assert blind_sig.hex() == vector["blind_sig"]
    sig = blindrsa.finalize(public_key, input_msg, blind_sig, inv, variant)
    assert sig.hex() == vector["sig"]
    assert blindrsa.verify(public_key, input_msg, sig, variant)


@pytest.mark.parametrize("variant", list(Variant), ids=lambda v: v.rfc_name)
def test_round_trip_with_fresh_key(unit_rsa_key, variant):
    public_key = unit_rsa_key.public_key()
    assert public_key.key_size == 3072
    input_msg = blindrsa.prepare(b"ovote token", variant)
    assert len(input_msg) == len(b"ovote token") + (32 if variant.randomized else 0)
    blinded_msg, inv = blindrsa.blind(public_key, input_msg, variant)
    sig = blindrsa.finalize(public_key, input_msg, blindrsa.blind_sign(unit_rsa_key, blinded_msg), inv, variant)
    assert blindrsa.verify(public_key, input_msg, sig, variant)
    assert not blindrsa.verify(public_key, input_msg + b"x", sig, variant)
    tampered = bytes([sig[0] ^ 1]) + sig[1:]
    assert not blindrsa.verify(public_key, input_msg, tampered, variant)


def test_blind_sign_rejects_bad_input(unit_rsa_key):
    n = unit_rsa_key.public_key().public_numbers().n
    with pytest.raises(BlindSignatureError):
        blindrsa.blind_sign(unit_rsa_key, b"\x01" * 10)
    with pytest.raises(BlindSignatureError):
        blindrsa.blind_sign(unit_rsa_key, n.to_bytes(384, "big"))


def test_finalize_rejects_signature_from_other_key(unit_rsa_key):
    other = blindrsa.generate_key(2048)
    public_key = unit_rsa_key.public_key()
    input_msg = blindrsa.prepare(b"m")
    blinded_msg, inv = blindrsa.blind(public_key, input_msg)
    wrong = pow(int.from_bytes(blinded_msg, "big") % other.public_key().public_numbers().n,
                other.private_numbers().d, other.public_key().public_numbers().n)
    with pytest.raises(BlindSignatureError):
        blindrsa.finalize(public_key, input_msg, wrong.to_bytes(384, "big"), inv)


def test_public_key_dict_round_trip(unit_rsa_key):
    public_key = unit_rsa_key.public_key()
    data = blindrsa.public_key_to_dict(public_key)
    assert data["e"] == "010001"
    assert blindrsa.public_key_from_dict(data).public_numbers() == public_key.public_numbers()


def test_public_key_from_dict_rejects_non_keys():
    for data in (None, {}, {"n": "ff"}, ["n", "e"]):
        with pytest.raises(DecodeError):
            blindrsa.public_key_from_dict(data)
    with pytest.raises(DecodeError):
        blindrsa.public_key_from_dict({"n": "0100", "e": "010001"})
    with pytest.raises(DecodeError):
        blindrsa.public_key_from_dict({"n": "00ff", "e": "03"})
