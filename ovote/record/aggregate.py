"""Streaming homomorphic aggregation (DESIGN.md §3.10).

`SumAccumulator` keeps, per key (a unit, a consulate, a group...), the
running component-wise sum of a fixed-length vector of ciphertexts (one
per option). It works on raw 32-byte encodings with libsodium's point
addition and nothing else, so memory depends on the number of keys, not
of ballots, and partial sums from several processes merge exactly: point
addition is associative and commutative, so the result does not depend
on how the stream was cut or in what order the parts came back.

Inputs must be points already validated (`Point.from_hex` when a ballot
was checked): nothing here validates them again, which is what makes it
fast enough for a million ballots.

`aggregate_parallel(tasks, load, jobs=...)` runs `load(task)` in a
process pool; each call yields `(key, flat)` pairs and is summed in its
worker, and the partial sums are merged in the parent. The tally service
(`ovote.tally.aggregation`) reads the board once through a server-side
cursor and gives each task a batch of ballots to parse and sum; the
benchmark generates ciphertexts.
"""

import collections
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from nacl import bindings as _na

from ovote.crypto.elgamal import Ciphertext
from ovote.crypto.group import Point

_add = _na.crypto_core_ed25519_add
_IDENTITY = b"\x01" + bytes(31)


class SumAccumulator:
    """Per-key sums of ciphertext vectors.

    A vector of `width` ciphertexts is given flat, as the sequence
    ``alpha_0, beta_0, alpha_1, beta_1, ...`` of 32-byte encodings.
    """

    __slots__ = ("sums", "counts")

    def __init__(self):
        #: key -> flat list of 32-byte sums.
        self.sums: dict = {}
        #: key -> number of vectors added.
        self.counts: dict = {}

    def add(self, key, flat: Sequence[bytes]) -> None:
        """Add one vector (one ballot's selections for one contest)."""
        total = self.sums.get(key)
        if total is None:
            self.sums[key] = list(flat)
            self.counts[key] = 1
            return
        if len(flat) != len(total):
            raise ValueError(f"{key!r}: vectors of different lengths")
        for i, value in enumerate(flat):
            total[i] = _add(total[i], value)
        self.counts[key] += 1

    def add_many(self, pairs: Iterable[tuple[object, Sequence[bytes]]]) -> int:
        """Add every `(key, flat)` pair; returns how many were added."""
        n = 0
        for key, flat in pairs:
            self.add(key, flat)
            n += 1
        return n

    def merge(self, other: "SumAccumulator") -> None:
        """Add another accumulator's sums into this one."""
        for key, flat in other.sums.items():
            total = self.sums.get(key)
            if total is None:
                self.sums[key] = list(flat)
                self.counts[key] = other.counts[key]
                continue
            if len(flat) != len(total):
                raise ValueError(f"{key!r}: vectors of different lengths")
            for i, value in enumerate(flat):
                total[i] = _add(total[i], value)
            self.counts[key] += other.counts[key]

    def ciphertexts(self, key, width: int | None = None) -> list[Ciphertext]:
        """The sums of `key` as ciphertexts; a key never added gives
        `width` identity pairs (the sum over no ballot)."""
        flat = self.sums.get(key)
        if flat is None:
            if width is None:
                raise KeyError(key)
            flat = [_IDENTITY] * (2 * width)
        return _ciphertexts(flat)

    def combined(self, keys: Iterable, width: int) -> list[Ciphertext]:
        """Sum of several keys' vectors (e.g. a group's units)."""
        flat = [_IDENTITY] * (2 * width)
        for key in keys:
            part = self.sums.get(key)
            if part is not None:
                for i, value in enumerate(part):
                    flat[i] = _add(flat[i], value)
        return _ciphertexts(flat)

    def __getstate__(self):
        return (self.sums, self.counts)

    def __setstate__(self, state):
        self.sums, self.counts = state


def ballot_vectors(
    ballot: Mapping, ballot_style: Mapping
) -> Iterator[tuple[tuple[str, str], list[bytes]]]:
    """`((unit id, contest id), flat)` for each contest of a stored ballot
    that passed `validate_ballot` when it was cast: what a tally feeds
    `SumAccumulator.add`. Points are NOT validated again (a record
    verifier validates the ballot first and uses its `ValidatedBallot`)."""
    unit = ballot["unit"]
    for contest, entry in zip(ballot_style["contests"], ballot["contests"], strict=True):
        if entry["id"] != contest["id"]:
            raise ValueError("ballot does not follow its ballot style")
        flat = []
        for selection in entry["selections"]:
            flat.append(bytes.fromhex(selection["alpha"]))
            flat.append(bytes.fromhex(selection["beta"]))
        yield (unit, contest["id"]), flat


def _ciphertexts(flat) -> list[Ciphertext]:
    return [Ciphertext(Point(flat[i]), Point(flat[i + 1])) for i in range(0, len(flat), 2)]


def flatten(ciphertexts: Iterable[Ciphertext]) -> list[bytes]:
    """The flat form of a vector of ciphertexts."""
    flat = []
    for ciphertext in ciphertexts:
        flat.append(ciphertext.alpha.to_bytes())
        flat.append(ciphertext.beta.to_bytes())
    return flat


def _run_task(job):
    load, task = job
    accumulator = SumAccumulator()
    n = accumulator.add_many(load(task))
    return accumulator, n


def bounded_map(pool, function, items: Iterable, window: int) -> Iterator:
    """`pool.imap(function, items)` in order, but with at most `window`
    items in flight: `Pool.imap` would read the whole input ahead into
    its queue, and the input here is a stream that must not be held."""
    pending = collections.deque()
    for item in items:
        pending.append(pool.apply_async(function, (item,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def aggregate_parallel(
    tasks: Iterable,
    load: Callable[[object], Iterator[tuple[object, Sequence[bytes]]]],
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> SumAccumulator:
    """Sum `load(task)` for every task, in `jobs` processes.

    `load` must be a module-level function (it is pickled by name) and
    `tasks` small picklable descriptions, consumed lazily (at most
    `2·jobs` in flight), so the parent never holds the stream.
    `progress(n)` is called with the number of vectors each finished task
    added. With `jobs == 1` everything runs in this process.
    """
    total = SumAccumulator()
    work = ((load, task) for task in tasks)
    if jobs <= 1:
        for part, n in map(_run_task, work):
            total.merge(part)
            if progress:
                progress(n)
        return total
    with multiprocessing.Pool(jobs) as pool:
        for part, n in bounded_map(pool, _run_task, work, 2 * jobs):
            total.merge(part)
            if progress:
                progress(n)
    return total
