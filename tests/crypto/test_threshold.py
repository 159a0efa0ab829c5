import itertools

import pytest

from ovote.crypto.elgamal import decode_small, encrypt
from ovote.crypto.errors import CeremonyError, DecodeError
from ovote.crypto.group import BASE, L, Point, Scalar, base_mul
from ovote.crypto.share_encryption import (
    EncryptedShare,
    ceremony_public_from_hex,
    ceremony_public_hex,
    decrypt_share,
    encrypt_share,
    generate_ceremony_key,
)
from ovote.crypto.threshold import (
    MAX_TRUSTEES,
    Complaint,
    PartialDecryption,
    Polynomial,
    TrusteeCommitment,
    combine,
    combine_received_shares,
    deal,
    decrypt,
    joint_key,
    partial_decrypt,
    verification_key,
    verify_partial_decryption,
)

ELECTION = "2025-parliament"


def run_ceremony(n, k, *, corrupt=None):
    """Every trustee deals, encrypts shares to the others, and combines.

    `corrupt=(sender, recipient)` makes one share wrong before encryption.
    Returns (commitments, secret shares keyed by trustee).
    """
    trustees = range(1, n + 1)
    keys = {i: generate_ceremony_key() for i in trustees}
    published_keys = {i: ceremony_public_from_hex(ceremony_public_hex(keys[i])) for i in trustees}
    polynomials, commitments, outbox = {}, {}, []
    for i in trustees:
        polynomial, commitment = deal(ELECTION, i, k)
        polynomials[i] = polynomial
        commitments[i] = TrusteeCommitment.from_dict(commitment.to_dict())
        for j in trustees:
            if j == i:
                continue
            share = polynomial.evaluate(j)
            if corrupt == (i, j):
                share = share + Scalar.from_int(1)
            outbox.append(encrypt_share(
                election_id=ELECTION, sender=i, sender_key=keys[i],
                recipient=j, recipient_public=published_keys[j], share=share,
            ).to_dict())
    secret_shares = {}
    for j in trustees:
        received = {j: polynomials[j].evaluate(j)}
        for message in outbox:
            encrypted = EncryptedShare.from_dict(message)
            if encrypted.recipient == j:
                received[encrypted.sender] = decrypt_share(
                    encrypted, election_id=ELECTION, recipient=j,
                    recipient_key=keys[j], sender_public=published_keys[encrypted.sender],
                )
        secret_shares[j] = combine_received_shares(ELECTION, j, k, commitments, received)
    return commitments, secret_shares


@pytest.fixture(scope="module")
def ceremony_5_3():
    return run_ceremony(5, 3)


def test_public_keys_match_secret_shares(ceremony_5_3):
    commitments, shares = ceremony_5_3
    for j, s_j in shares.items():
        assert verification_key(commitments.values(), j) == base_mul(s_j)


@pytest.mark.parametrize("subset", list(itertools.combinations(range(1, 6), 3)))
def test_every_three_of_five_decrypt(ceremony_5_3, fingerprint, subset):
    commitments, shares = ceremony_5_3
    key = joint_key(commitments.values())
    ciphertext, _ = encrypt(key, 7)
    partials = []
    for j in subset:
        partial = partial_decrypt(fingerprint, j, shares[j], ciphertext.alpha)
        partial = PartialDecryption.from_dict(partial.to_dict())
        assert verify_partial_decryption(
            fingerprint, partial, ciphertext.alpha, verification_key(commitments.values(), j)
        )
        partials.append(partial)
    assert decode_small(decrypt(ciphertext, partials, threshold=3), 20) == 7


@pytest.mark.parametrize("subset", list(itertools.combinations(range(1, 6), 2)))
def test_two_shares_do_not_decrypt(ceremony_5_3, fingerprint, subset):
    commitments, shares = ceremony_5_3
    ciphertext, _ = encrypt(joint_key(commitments.values()), 7)
    partials = [partial_decrypt(fingerprint, j, shares[j], ciphertext.alpha) for j in subset]
    with pytest.raises(ValueError):
        decrypt(ciphertext, partials, threshold=3)
    # Interpolating through too few points gives an unrelated group element.
    assert combine(ciphertext, partials) != base_mul(Scalar.from_int(7))


def test_corrupted_partial_decryption_fails_its_proof(ceremony_5_3, fingerprint):
    commitments, shares = ceremony_5_3
    ciphertext, _ = encrypt(joint_key(commitments.values()), 1)
    honest = partial_decrypt(fingerprint, 2, shares[2], ciphertext.alpha)
    s_2 = verification_key(commitments.values(), 2)
    forged = PartialDecryption(2, honest.share + BASE, honest.proof)
    assert not verify_partial_decryption(fingerprint, forged, ciphertext.alpha, s_2)
    wrong_share = partial_decrypt(fingerprint, 2, shares[2] + Scalar.from_int(1), ciphertext.alpha)
    assert not verify_partial_decryption(fingerprint, wrong_share, ciphertext.alpha, s_2)
    s_3 = verification_key(commitments.values(), 3)
    assert not verify_partial_decryption(fingerprint, honest, ciphertext.alpha, s_3)


def test_corrupted_share_is_caught_and_names_its_sender():
    with pytest.raises(CeremonyError) as info:
        run_ceremony(4, 2, corrupt=(3, 1))
    complaint = info.value.complaint
    assert (complaint.accused, complaint.accuser, complaint.reason) == (3, 1, "bad_share")
    assert Complaint.from_dict(complaint.to_dict()) == complaint


def test_commitment_with_bad_proof_is_named():
    polynomial, commitment = deal(ELECTION, 2, 2)
    _, other = deal(ELECTION, 1, 2)
    swapped = TrusteeCommitment(ELECTION, 2, commitment.commitments, other.proofs)
    shares = {1: Scalar.from_int(0), 2: polynomial.evaluate(1)}
    with pytest.raises(CeremonyError) as info:
        combine_received_shares(ELECTION, 1, 2, {1: other, 2: swapped}, shares)
    assert info.value.complaint.accused in (1, 2)
    assert not swapped.verify(ELECTION, 2)
    assert commitment.verify(ELECTION, 2)
    assert not commitment.verify("another-election", 2)
    assert not commitment.verify(ELECTION, 3)


def test_share_encryption_is_bound_to_sender_recipient_and_election():
    keys = {i: generate_ceremony_key() for i in (1, 2, 3)}
    share = Scalar.random()
    encrypted = encrypt_share(
        election_id=ELECTION, sender=1, sender_key=keys[1],
        recipient=2, recipient_public=keys[2].public_key(), share=share,
    )
    ok = dict(election_id=ELECTION, recipient=2, recipient_key=keys[2])
    assert decrypt_share(encrypted, sender_public=keys[1].public_key(), **ok) == share
    # Anyone else claiming to be trustee 1 (the relaying server) is refused.
    with pytest.raises(CeremonyError) as info:
        decrypt_share(encrypted, sender_public=keys[3].public_key(), **ok)
    assert info.value.complaint.accused == 1
    with pytest.raises(CeremonyError):
        decrypt_share(encrypted, sender_public=keys[1].public_key(),
                      election_id="other", recipient=2, recipient_key=keys[2])
    data = encrypted.to_dict()
    data["ciphertext"] = data["ciphertext"][:-2] + ("00" if data["ciphertext"][-2:] != "00" else "01")
    with pytest.raises(CeremonyError):
        decrypt_share(EncryptedShare.from_dict(data), sender_public=keys[1].public_key(), **ok)
    with pytest.raises(DecodeError):
        EncryptedShare.from_dict({**encrypted.to_dict(), "nonce": "00"})


def test_one_of_one(fingerprint):
    commitments, shares = run_ceremony(1, 1)
    key = joint_key(commitments.values())
    assert key == base_mul(shares[1])
    ciphertext, _ = encrypt(key, 3)
    partial = partial_decrypt(fingerprint, 1, shares[1], ciphertext.alpha)
    assert verify_partial_decryption(fingerprint, partial, ciphertext.alpha, key)
    assert decode_small(decrypt(ciphertext, [partial], threshold=1), 5) == 3


def test_polynomial_round_trip_and_evaluation():
    polynomial = Polynomial.random(3)
    assert Polynomial.from_dict(polynomial.to_dict()) == polynomial
    a0, a1, a2 = (int(c) for c in polynomial.coefficients)
    assert int(polynomial.evaluate(5)) == (a0 + 5 * a1 + 25 * a2) % L


def test_partial_decryption_rejects_malformed():
    with pytest.raises(DecodeError):
        PartialDecryption.from_dict({"trustee": 0, "share": Point.BASE.hex(),
                                     "proof": {"c": "00" * 32, "z": "00" * 32}})
    with pytest.raises(DecodeError):
        PartialDecryption.from_dict({"trustee": 1, "share": "00" * 32,
                                     "proof": {"c": "00" * 32, "z": "00" * 32}})


@pytest.mark.parametrize("sender,recipient", [(-1, 2), (1, 2**32), (0, 2), (True, 2), ("1", 2)])
def test_encrypted_share_indices_are_trustee_indices(sender, recipient):
    # Out of range, they used to pass decoding and crash hashing (OverflowError).
    data = {"election": ELECTION, "sender": sender, "recipient": recipient,
            "ephemeral": "11" * 32, "nonce": "00" * 12, "ciphertext": "00" * 48}
    with pytest.raises(DecodeError):
        EncryptedShare.from_dict(data)


@pytest.mark.parametrize("bad", [0, -1, L + 2, MAX_TRUSTEES + 1])
def test_combine_refuses_indices_that_are_not_trustees(ceremony_5_3, fingerprint, bad):
    # With index 0 among them, every other share's Lagrange coefficient is 0
    # and the result silently rests on the one "share" at 0.
    commitments, shares = ceremony_5_3
    ciphertext, _ = encrypt(joint_key(commitments.values()), 2)
    partials = [partial_decrypt(fingerprint, j, shares[j], ciphertext.alpha) for j in (1, 2)]
    partials.append(PartialDecryption(bad, partials[0].share, partials[0].proof))
    with pytest.raises(ValueError):
        combine(ciphertext, partials)
    with pytest.raises(ValueError):
        decrypt(ciphertext, partials, threshold=3)
