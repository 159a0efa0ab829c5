"""Streaming homomorphic aggregation of 1,000,000 counted ballots x 10
options across 200 consulates, in several processes.

Run: ``python bench/tally_bench.py [--ballots N] [--jobs J] [--no-plot]``.
The ciphertexts are made directly, not as whole ballots (the cast path
is measured elsewhere): a pool of 1,024 real encrypted 1-of-10 vectors
under a known key is built once, and the stream draws from it by index,
so every addition is a real libsodium point addition on valid points
while generation costs next to nothing. Tasks are ranges of the stream;
each worker sums its ranges per consulate with
`ovote.record.aggregate.SumAccumulator` and the parent merges, exactly
as the tally service does with ranges of the board. Afterwards every
consulate's sums are decrypted with the known key and compared with the
counts kept in clear. Prints the time and peak RSS and writes
bench/out/tally_bench.png. Target: <= 3 minutes on 2 cores, < 500 MB.
"""

import argparse
import hashlib
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ovote.crypto.elgamal import decode_small, decrypt_to_point, encrypt  # noqa: E402
from ovote.crypto.group import Scalar, base_mul  # noqa: E402
from ovote.record.aggregate import aggregate_parallel, flatten  # noqa: E402
from ovote.record.progress import Progress  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
POOL_SIZE = 1024
TASK = 10_000
SECRET = Scalar.from_int(20261201)
_pool = {}



def pool(options: int) -> list:
    """POOL_SIZE encrypted 1-of-`options` vectors, deterministic so that
    every process (fork or spawn) has the same: vector p selects option
    p % options."""
    vectors = _pool.get(options)
    if vectors is None:
        key = base_mul(SECRET)
        vectors = []
        for p in range(POOL_SIZE):
            row = []
            for o in range(options):
                nonce = Scalar.reduce(hashlib.sha512(f"bench/{p}/{o}".encode()).digest())
                row.append(encrypt(key, int(o == p % options), nonce)[0])
            vectors.append(flatten(row))
        _pool[options] = vectors
    return vectors


def load(task):
    """Worker side: the ballots of one range, as `(consulate, flat)`."""
    start, stop, consulates, options = task
    vectors = pool(options)
    for i in range(start, stop):
        yield i * 2654435761 % consulates, vectors[i * 40503 % POOL_SIZE]


def expected_counts(ballots: int, consulates: int, options: int) -> dict:
    counts = {}
    for i in range(ballots):
        row = counts.setdefault(i * 2654435761 % consulates, [0] * options)
        row[i * 40503 % POOL_SIZE % options] += 1
    return counts


def _cpu() -> float:
    # This process and its finished workers (the pool is joined by then).
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def rss_mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def run(ballots: int, jobs: int, consulates: int, options: int, progress: Progress) -> dict:
    pool(options)  # built before the workers fork, as a real tally has its key ready
    tasks = [(s, min(s + TASK, ballots), consulates, options) for s in range(0, ballots, TASK)]
    progress.start("aggregating", ballots)
    cpu_before = _cpu()
    started = time.perf_counter()
    sums = aggregate_parallel(tasks, load, jobs=jobs, progress=progress.advance)
    seconds = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    progress.finish()
    expected = expected_counts(ballots, consulates, options)
    for consulate, counts in expected.items():
        decrypted = [decode_small(decrypt_to_point(SECRET, c), sum(counts))
                     for c in sums.ciphertexts(consulate)]
        if decrypted != counts or sums.counts[consulate] != sum(counts):
            raise SystemExit(f"consulate {consulate}: sums decrypt to {decrypted}, not {counts}")
    return {
        "ballots": ballots, "jobs": jobs, "seconds": seconds,
        "additions_per_second": ballots * options / seconds,
        "cpu_seconds": cpu,
        "rss_parent_mb": rss_mb(resource.RUSAGE_SELF),
        "rss_worker_mb": rss_mb(resource.RUSAGE_CHILDREN),
    }


def plot(figures: dict) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    OUT.mkdir(exist_ok=True)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 4))
    scale = 1_000_000 / figures["ballots"]
    left.bar(["measured", "1M ballots (scaled)"], [figures["seconds"], figures["seconds"] * scale])
    left.axhline(180, color="red", linestyle="--", label="3 min target")
    left.set_ylabel("seconds")
    left.legend()
    right.bar(["parent", "largest worker"], [figures["rss_parent_mb"], figures["rss_worker_mb"]])
    right.axhline(500, color="red", linestyle="--", label="500 MB target")
    right.set_ylabel("peak RSS (MB)")
    right.legend()
    fig.suptitle(f"aggregation of {figures['ballots']:,} ballots x 10 options, {figures['jobs']} processes")
    fig.tight_layout()
    path = OUT / "tally_bench.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--consulates", type=int, default=200)
    parser.add_argument("--options", type=int, default=10)
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()
    figures = run(args.ballots, args.jobs, args.consulates, args.options,
                  Progress(enabled=sys.stderr.isatty()))
    print(f"{figures['ballots']:,} ballots x {args.options} options, {args.consulates} consulates, "
          f"{figures['jobs']} processes: {figures['seconds']:.1f} s "
          f"({figures['additions_per_second']:,.0f} ciphertext additions/s)")
    if figures["ballots"] < 1_000_000:
        print(f"  scaled to 1,000,000 ballots: {figures['seconds'] * 1_000_000 / figures['ballots']:.0f} s "
              "(target 180 s)")
    cpu = figures["cpu_seconds"]
    print(f"  CPU: {cpu:.1f} s in all, {cpu / (figures['ballots'] * args.options) * 1e6:.1f} us per "
          f"ciphertext addition; on {figures['jobs']} idle cores that is "
          f"{cpu / figures['jobs'] * 1_000_000 / figures['ballots']:.0f} s for 1,000,000 ballots")
    print(f"  peak RSS: parent {figures['rss_parent_mb']:.0f} MB, largest worker "
          f"{figures['rss_worker_mb']:.0f} MB (target < 500 MB)")
    print("  every consulate's sums decrypt to the counts kept in clear")
    if not args.no_plot:
        written = plot(figures)
        if written:
            print(f"plot: {written}")


if __name__ == "__main__":
    main()
