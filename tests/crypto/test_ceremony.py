"""The trustee's ceremony files, end to end through an in-memory relay."""

import copy

import pytest
from nacl.signing import SigningKey

from ovote.crypto import ceremony, ceremony_decrypt
from ovote.crypto.ceremony_checks import public_outcome
from ovote.crypto.ceremony_files import CeremonyFileError, sign_document
from ovote.crypto.elgamal import ZERO_CIPHERTEXT, encrypt
from ovote.crypto.fingerprint import election_definition, election_fingerprint
from ovote.crypto.group import Point, Scalar, small_multiple
from ovote.crypto.share_encryption import ceremony_public_from_hex, encrypt_share
from ovote.crypto.threshold import PartialDecryption, combine, TrusteeCommitment
from ovote.crypto.proofs import SimpleProof
from tests.crypto.ceremony_relay import Relay


def resign(secrets, document):
    """A trustee (a dishonest one, here) signs a file it changed."""
    return sign_document(document["kind"], election=document["election"],
                         attempt=document["attempt"], trustee=document["trustee"],
                         body=document["body"],
                         signing_key=SigningKey(bytes.fromhex(secrets["signing_key"])))


def init_and_deal(relay):
    secrets = {}
    for i in relay.trustees:
        secrets[i], init = ceremony.start(relay.invitation(i))
        relay.upload_init(i, init)
    deals = {i: ceremony.deal(secrets[i], relay.deal_request(i)) for i in relay.trustees}
    return secrets, deals


def full_ceremony(relay):
    secrets, deals = init_and_deal(relay)
    for i, document in deals.items():
        relay.upload_deal(i, document)
    for i in relay.trustees:
        status, _ = relay.upload_receive(i, ceremony.receive(secrets[i], relay.receive_request(i)))
        assert status == "accepted"
    return secrets


def test_honest_ceremony_gives_every_trustee_a_share_matching_its_verification_key():
    relay = Relay()
    secrets = full_ceremony(relay)
    for i in relay.trustees:
        assert Point.from_hex(secrets[i]["verification_key"]) == relay.verification_keys[i]
        assert secrets[i]["step"] == "accepted"
    outcome = public_outcome(relay.commitments)
    assert [t["index"] for t in outcome["trustees"]] == [1, 2, 3]
    assert [len(c["proofs"]) for c in outcome["ceremony"]] == [2, 2, 2]
    # Any 2 shares interpolate to the joint key's secret: check on an encryption.
    key = Point.from_hex(outcome["joint_key"])
    ciphertext, _ = encrypt(key, 5)
    for pair in ((1, 2), (1, 3), (2, 3)):
        partials = [PartialDecryption(j, Scalar.from_hex(secrets[j]["share"]) * ciphertext.alpha,
                                      None) for j in pair]
        assert combine(ciphertext, partials) == small_multiple(5)


def test_asking_again_for_a_done_step_gives_the_same_file():
    relay = Relay()
    secrets, deals = init_and_deal(relay)
    assert ceremony.deal(secrets[1], relay.deal_request(1)) == deals[1]


def _cheat_on_share(secrets, deal_document, recipient_keys, recipient, *, offset=1):
    """Dealer replaces f(recipient) by f(recipient) + offset in its signed deal file."""
    document = copy.deepcopy(deal_document)
    from ovote.crypto.threshold import Polynomial
    wrong = Polynomial.from_dict(secrets["polynomial"]).evaluate(recipient) + Scalar.from_int(offset)
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    sender_key = X25519PrivateKey.from_private_bytes(bytes.fromhex(secrets["encryption_key"]))
    forged = encrypt_share(election_id=secrets["election"], sender=secrets["trustee"],
                           sender_key=sender_key, recipient=recipient,
                           recipient_public=ceremony_public_from_hex(recipient_keys["encryption_key"]),
                           share=wrong).to_dict()
    document["body"]["shares"] = [forged if s["recipient"] == recipient else s
                                  for s in document["body"]["shares"]]
    return resign(secrets, document), wrong


def test_a_cheating_dealer_is_named_when_its_answer_does_not_match():
    relay = Relay()
    secrets, deals = init_and_deal(relay)
    deals[2], wrong = _cheat_on_share(secrets[2], deals[2], relay.roster[3], 3)
    for i, document in deals.items():
        relay.upload_deal(i, document)  # the server cannot see inside the shares
    status, complaints = relay.upload_receive(3, ceremony.receive(secrets[3], relay.receive_request(3)))
    assert status == "complaints"
    assert [(c.accuser, c.accused, c.reason) for c in complaints] == [(3, 2, "bad_share")]
    # Trustee 2 keeps to its lie in its answer: the published share does not match.
    answer = ceremony.answer(secrets[2], relay.answer_request(2))
    answer["body"]["answers"][0]["share"] = wrong.hex()
    [verdict] = relay.upload_answer(2, resign(secrets[2], answer))
    assert verdict.upheld and verdict.culprit == 2 and verdict.reason == "bad_share"
    with pytest.raises(CeremonyFileError) as refused:
        ceremony.receive(secrets[3], relay.settlement(3))
    assert refused.value.code == "bad_share"


def test_a_false_accuser_is_not_believed_and_the_ceremony_goes_on():
    relay = Relay()
    secrets, deals = init_and_deal(relay)
    for i, document in deals.items():
        relay.upload_deal(i, document)
    honest = ceremony.receive(secrets[3], relay.receive_request(3))
    lie = copy.deepcopy(honest)
    lie["body"] = {"accepted": False, "verification_key": None,
                   "complaints": [{"election": relay.election, "accuser": 3, "accused": 1,
                                   "reason": "bad_share"}]}
    relay.upload_receive(3, resign(secrets[3], lie))
    [verdict] = relay.upload_answer(1, ceremony.answer(secrets[1], relay.answer_request(1)))
    assert not verdict.upheld and verdict.culprit is None
    # Trustee 3's own key file accepted (it only lied to the server): asking it
    # to settle gives its acceptance again, with the key the commitments give.
    accepted = ceremony.receive(secrets[3], relay.settlement(3))
    assert accepted == honest
    assert relay.upload_receive(3, accepted)[0] == "accepted"


def test_a_genuine_complaint_settled_by_a_matching_answer():
    relay = Relay()
    secrets, deals = init_and_deal(relay)
    # Trustee 2 sends trustee 3 garbage, then answers with its true share.
    deals[2], _ = _cheat_on_share(secrets[2], deals[2], relay.roster[3], 3)
    for i, document in deals.items():
        relay.upload_deal(i, document)
    for i in (1, 2):
        relay.upload_receive(i, ceremony.receive(secrets[i], relay.receive_request(i)))
    status, _ = relay.upload_receive(3, ceremony.receive(secrets[3], relay.receive_request(3)))
    assert status == "complaints" and secrets[3]["step"] == "complained"
    [verdict] = relay.upload_answer(2, ceremony.answer(secrets[2], relay.answer_request(2)))
    assert not verdict.upheld
    accepted = ceremony.receive(secrets[3], relay.settlement(3))
    status, key = relay.upload_receive(3, accepted)
    assert status == "accepted" and key.hex() == secrets[3]["verification_key"]


@pytest.mark.parametrize("change, code", [
    (lambda d: d.update(election="other-2026"), "wrong_election"),
    (lambda d: d.update(trustee=2), "wrong_trustee"),
    (lambda d: d.update(attempt=0), "wrong_attempt"),
    (lambda d: d.update(kind="invitation"), "wrong_kind"),
    (lambda d: d["body"].update(threshold=3), "bad_file_signature"),
    (lambda d: d.update(version="ovote/ceremony/v0"), "wrong_version"),
    (lambda d: d.pop("signature"), "not_a_ceremony_file"),
])
def test_a_file_for_another_election_trustee_or_attempt_is_refused(change, code):
    relay = Relay()
    secrets, _ = ceremony.start(relay.invitation(1))
    relay.upload_init(1, secrets["outputs"]["init"])
    request = relay.deal_request(1)
    change(request)
    with pytest.raises(CeremonyFileError) as refused:
        ceremony.deal(secrets, request)
    assert refused.value.code == code
    assert secrets["step"] == "invited" and "polynomial" not in secrets


def test_steps_out_of_order_are_refused():
    relay = Relay()
    secrets, _ = ceremony.start(relay.invitation(1))
    with pytest.raises(CeremonyFileError) as refused:
        ceremony.receive(secrets, relay.receive_request(1))
    assert refused.value.code == "out_of_order"


def _tally(key, votes):
    """One group per contest, option sums of `votes` (lists of 0/1 per option)."""
    sums = []
    for option in zip(*votes):
        total = ZERO_CIPHERTEXT
        for vote in option:
            total = total + encrypt(key, vote)[0]
        sums.append(total.to_dict())
    return [{"contest": "president", "group": "PAR", "units": ["PAR-A"], "counted": len(votes),
             "sums": sums},
            {"contest": "president", "group": "LON", "units": ["LON-A"], "counted": 0,
             "sums": [ZERO_CIPHERTEXT.to_dict(), ZERO_CIPHERTEXT.to_dict()]}]


def test_decrypt_writes_shares_that_verify_and_combine_to_the_counts(unit_rsa_key):
    relay = Relay()
    secrets = full_ceremony(relay)
    outcome = public_outcome(relay.commitments)
    manifest = {"slug": relay.election, "title": {"en": "Demo"}, "min_unit_ballots": 1,
                "max_revotes": 20, "contests": [{"id": "president", "labels": {"en": "P"},
                "min": 1, "max": 1, "options": [{"id": "a", "labels": {"en": "A"}},
                                                {"id": "b", "labels": {"en": "B"}}]}]}
    style = {"id": "S", "contests": [{"id": "president", "options": ["a", "b"], "min": 1, "max": 1}]}
    definition = election_definition(
        manifest=manifest, threshold=2, receipt_key=bytes(32),
        trustees=relay.commitments.values(), joint_key=Point.from_hex(outcome["joint_key"]),
        units=[{"id": "PAR-A", "consulate": "PAR", "ballot_style": style,
                "public_key": unit_rsa_key.public_key()}])
    fingerprint = election_fingerprint(definition)
    tally = _tally(Point.from_hex(outcome["joint_key"]), [[1, 0], [1, 0], [0, 1]])
    files = {j: ceremony_decrypt.decrypt(secrets[j], relay.decrypt_request(j, definition, tally))
             for j in (1, 3)}
    for j, document in files.items():
        lines = ceremony_decrypt.verify_decryption_file(
            document, election=relay.election, attempt=1, trustee=j, roster=relay.roster,
            fingerprint=fingerprint, tally=tally, verification_keys=relay.verification_keys)
        assert [(ln["contest"], ln["group"], ln["trustee"]) for ln in lines] == [
            ("president", "PAR", j), ("president", "LON", j)]
    from ovote.crypto.elgamal import Ciphertext
    for position, expected in enumerate([2, 1]):
        partials = [PartialDecryption(j, Point.from_hex(
            files[j]["body"]["decryptions"][0]["shares"][position]["D"], allow_identity=True),
            SimpleProof.from_dict(files[j]["body"]["decryptions"][0]["shares"][position]["proof"]))
            for j in (1, 3)]
        ciphertext = Ciphertext.from_dict(tally[0]["sums"][position])
        assert combine(ciphertext, partials) == small_multiple(expected)
    # A definition with someone else's commitments is refused before any share is used.
    other = copy.deepcopy(definition)
    other["trustees"][0]["commitments"].reverse()
    with pytest.raises(CeremonyFileError) as refused:
        ceremony_decrypt.decrypt(secrets[1], relay.decrypt_request(1, other, tally))
    assert refused.value.code == "bad_content"
