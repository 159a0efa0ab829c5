"""Streaming sums: exact whatever the cut of the stream, the order of
the parts or the number of processes."""

import random

from ovote.crypto.elgamal import add_all, decrypt_to_point, encrypt
from ovote.crypto.group import IDENTITY, Scalar, base_mul
from ovote.record.aggregate import SumAccumulator, aggregate_parallel, flatten

SECRET = Scalar.from_int(123456789)
KEY = base_mul(SECRET)


def _ballots(seed, n=40, width=3):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        values = [rng.randint(0, 1) for _ in range(width)]
        out.append((f"unit-{i % 3}", values, [encrypt(KEY, v)[0] for v in values]))
    return out


BALLOTS = _ballots(7)


def load(task):
    """Module level, so that worker processes can run it."""
    start, stop = task
    for unit, _, ciphertexts in BALLOTS[start:stop]:
        yield unit, flatten(ciphertexts)


def _expected():
    sums = {}
    for unit, _, ciphertexts in BALLOTS:
        sums.setdefault(unit, []).append(ciphertexts)
    return {unit: [add_all(col) for col in zip(*rows)] for unit, rows in sums.items()}


def test_sums_decrypt_to_the_counts():
    accumulator = SumAccumulator()
    accumulator.add_many(load((0, len(BALLOTS))))
    for unit, ciphertexts in _expected().items():
        assert accumulator.ciphertexts(unit) == ciphertexts
        counts = [sum(v[o] for u, v, _ in BALLOTS if u == unit) for o in range(3)]
        assert [decrypt_to_point(SECRET, c) for c in ciphertexts] == [base_mul(Scalar.from_int(n)) for n in counts]


def test_parallel_and_chunked_sums_equal_the_sequential_sum():
    tasks = [(i, i + 7) for i in range(0, len(BALLOTS), 7)]
    one = aggregate_parallel(tasks, load, jobs=1)
    two = aggregate_parallel(reversed(tasks), load, jobs=2)
    assert one.sums == two.sums and one.counts == two.counts
    assert {u: one.ciphertexts(u) for u in one.sums} == _expected()


def test_merge_and_combined_and_the_empty_sum():
    left, right = SumAccumulator(), SumAccumulator()
    left.add_many(load((0, 20)))
    right.add_many(load((20, 40)))
    left.merge(right)
    whole = SumAccumulator()
    whole.add_many(load((0, 40)))
    assert left.sums == whole.sums and left.counts == whole.counts
    expected = _expected()
    combined = whole.combined(["unit-0", "unit-2", "nobody"], 3)
    assert combined == [a + b for a, b in zip(expected["unit-0"], expected["unit-2"])]
    empty = whole.combined(["nobody"], 2)
    assert all(c.alpha == IDENTITY and c.beta == IDENTITY for c in empty)


def test_ballot_vectors_sum_like_the_validated_ciphertexts(base_record, election):
    from ovote.crypto.ballot import ballot_ciphertexts
    from ovote.record.aggregate import ballot_vectors

    from_storage, decoded = SumAccumulator(), SumAccumulator()
    for row in base_record.ballots:
        ballot = row["ballot"]
        style = election.styles[ballot["unit"]]
        from_storage.add_many(ballot_vectors(ballot, style))
        for cid, by_option in ballot_ciphertexts(ballot, style).items():
            decoded.add((ballot["unit"], cid), flatten(by_option.values()))
    assert from_storage.sums == decoded.sums
