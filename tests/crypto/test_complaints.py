"""A complaint is settled from public data: the liar is named, whoever it is."""
import pytest

from ovote.crypto.complaints import ComplaintAnswer, answer_complaint, judge_complaint
from ovote.crypto.errors import CeremonyError, DecodeError
from ovote.crypto.group import L, Scalar
from ovote.crypto.threshold import Complaint, combine_received_shares, deal

ELECTION = "2025-parliament"
K, N = 2, 3


@pytest.fixture(scope="module")
def dealt():
    return {i: deal(ELECTION, i, K) for i in range(1, N + 1)}


def shares_for(dealt, recipient, tamper=None):
    shares = {i: poly.evaluate(recipient) for i, (poly, _) in dealt.items()}
    if tamper:
        shares[tamper] = shares[tamper] + Scalar.from_int(1)
    return shares


def commitments(dealt):
    return {i: c for i, (_, c) in dealt.items()}


def judge(dealt, complaint, answer):
    return judge_complaint(complaint, dealt[complaint.accused][1], answer,
                           election_id=ELECTION, threshold=K)


def test_a_cheating_dealer_is_named(dealt):
    with pytest.raises(CeremonyError) as info:
        combine_received_shares(ELECTION, 1, K, commitments(dealt), shares_for(dealt, 1, tamper=3))
    complaint = info.value.complaint
    # The dealer can only publish the true f_3(1) or a wrong one.
    wrong = ComplaintAnswer(ELECTION, 3, 1, dealt[3][0].evaluate(1) + Scalar.from_int(5))
    verdict = judge(dealt, complaint, wrong)
    assert verdict.upheld and verdict.culprit == 3 and verdict.reason == "bad_share"
    assert judge(dealt, complaint, None).culprit == 3


def test_a_false_accusation_names_no_one_and_the_ceremony_goes_on(dealt):
    lie = Complaint(ELECTION, accuser=2, accused=1, reason="bad_share")
    answer = answer_complaint(dealt[1][0], lie, trustees=N)
    verdict = judge(dealt, lie, ComplaintAnswer.from_dict(answer.to_dict()))
    assert not verdict.upheld and verdict.culprit is None
    assert verdict.to_dict()["culprit"] is None
    # The accuser continues with the published share, and its key share is right.
    shares = shares_for(dealt, 2)
    shares[1] = verdict.share
    s_2 = combine_received_shares(ELECTION, 2, K, commitments(dealt), shares)
    assert s_2 == sum((poly.evaluate(2) for poly, _ in dealt.values()), Scalar.from_int(0))


def test_a_dealer_who_answers_honestly_after_sending_garbage_repairs_the_share(dealt):
    complaint = Complaint(ELECTION, accuser=1, accused=2, reason="undecryptable")
    verdict = judge(dealt, complaint, answer_complaint(dealt[2][0], complaint, trustees=N))
    assert not verdict.upheld and verdict.share == dealt[2][0].evaluate(1)


def test_a_bad_commitment_is_upheld_whatever_the_answer(dealt):
    _, other = deal(ELECTION, 3, K)
    forged = type(other)(ELECTION, 3, other.commitments, tuple(reversed(other.proofs)))
    complaint = Complaint(ELECTION, accuser=1, accused=3, reason="bad_commitment")
    verdict = judge_complaint(complaint, forged, answer_complaint(dealt[3][0], complaint, trustees=N),
                              election_id=ELECTION, threshold=K)
    assert verdict.upheld and verdict.reason == "bad_commitment"


@pytest.mark.parametrize("answer", [
    ComplaintAnswer(ELECTION, 1, 3, Scalar.from_int(7)),      # to another accuser
    ComplaintAnswer("other-election", 1, 2, Scalar.from_int(7)),
])
def test_an_answer_to_another_complaint_gives_no_verdict(dealt, answer):
    with pytest.raises(ValueError):
        judge(dealt, Complaint(ELECTION, accuser=2, accused=1, reason="bad_share"), answer)


def test_the_commitment_must_be_the_accused_trustees(dealt):
    complaint = Complaint(ELECTION, accuser=2, accused=1, reason="bad_share")
    with pytest.raises(ValueError):
        judge_complaint(complaint, dealt[3][1], None, election_id=ELECTION, threshold=K)


@pytest.mark.parametrize("data", [
    {}, {"election": ELECTION, "accused": 1, "accuser": 2},
    {"election": ELECTION, "accused": True, "accuser": 2, "share": "00" * 32},
    {"election": ELECTION, "accused": 1, "accuser": 2, "share": "ff" * 32},
])
def test_malformed_answers_are_refused(data):
    with pytest.raises(DecodeError):
        ComplaintAnswer.from_dict(data)


@pytest.mark.parametrize("accuser", [0, N + 1, 1, L, L + 1])
def test_no_answer_opens_the_polynomial_off_the_roster(dealt, accuser):
    # f_1(0) is trustee 1's secret a_1,0 (so is f_1(l)); k answers at indices
    # beyond n would give all of f_1. Only another trustee 1..n gets an answer.
    complaint = Complaint(ELECTION, accuser=accuser, accused=1, reason="bad_share")
    with pytest.raises(ValueError):
        answer_complaint(dealt[1][0], complaint, trustees=N)


def test_a_verdict_needs_an_accuser_on_the_roster(dealt):
    poly, commitment = dealt[1]
    leak = ComplaintAnswer(ELECTION, 1, 0, poly.coefficients[0])
    with pytest.raises(ValueError):
        judge_complaint(Complaint(ELECTION, accuser=0, accused=1, reason="bad_share"),
                        commitment, leak, election_id=ELECTION, threshold=K)


@pytest.mark.parametrize("data", [
    None, {},
    {"election": ELECTION, "accuser": 0, "accused": 1, "reason": "bad_share"},
    {"election": ELECTION, "accuser": 2, "accused": -1, "reason": "bad_share"},
    {"election": ELECTION, "accuser": True, "accused": 1, "reason": "bad_share"},
    {"election": ELECTION, "accuser": 2, "accused": 1, "reason": "rude"},
    {"election": 7, "accuser": 2, "accused": 1, "reason": "bad_share"},
])
def test_malformed_complaints_are_refused(data):
    with pytest.raises(DecodeError):
        Complaint.from_dict(data)
