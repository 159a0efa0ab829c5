"""Ballots verified per second by `ovote verify`, with 1 and 2 processes.

Run: ``python bench/verify_bench.py [--ballots N] [--profile] [--no-plot]``.
Builds a real record of N ballots (default 2,000) with one 1-of-10
contest once, caches it under the system's temporary folder, then times
the ballot phase of `verify_record` (tokens, signatures, structure,
proofs, sums) with `--jobs 1` and `--jobs 2`. Prints ballots/s, per core
and the speed-up, and writes bench/out/verify_bench.png. Targets:
>= 100 ballots/s/core, >= 1.8x with 2 processes.
"""

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ovote.record.verify import verify_record  # noqa: E402
from tests.record import factory  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
OPTIONS = [f"candidate-{i}" for i in range(10)]
CONSULATES = ["BER", "LON", "NYC", "PAR"]


def _election():
    contests = [factory.contest("president", OPTIONS)]
    units = [(f"{c}-1", c, ["president"], i % 2) for i, c in enumerate(CONSULATES)]
    return factory.Election(slug="bench-2026", contests=contests, units=units,
                            min_unit_ballots=10, max_revotes=20)


def _cast(number):
    unit = f"{CONSULATES[number % len(CONSULATES)]}-1"
    return unit, number, {"president": [OPTIONS[number * 7 % 10]]}


def build(path: Path, ballots: int) -> Path:
    """Write the bench record at `path` unless it is already there."""
    if (path / "results.json").exists():
        return path
    started = time.perf_counter()
    election = _election()
    casts = [_cast(i) for i in range(ballots)]
    data = factory.build_record(election, casts, [])
    data.write(path)
    print(f"built a record of {ballots} ballots in {time.perf_counter() - started:.0f} s: {path}")
    return path


def measure(path: Path, jobs: int, repeat: int) -> tuple[float, float]:
    """Best ballots/s of the ballot phase over `repeat` runs: by the wall
    clock, and per core by the CPU time the validations took (which the
    other programs on a shared machine do not inflate)."""
    wall = cpu = 0.0
    for _ in range(repeat):
        report = verify_record(path, jobs=jobs)
        if not report.ok:
            raise SystemExit(report.to_text())
        ballots, stats = report.stats["ballots"], report.stats
        wall = max(wall, ballots / stats["ballot_seconds"])
        cpu = max(cpu, ballots / stats["ballot_cpu_seconds"])
        if jobs > 1:
            # What the parent spends reading and merging is the only work
            # that does not split: it bounds the speed-up on idle cores.
            share = stats["ballot_parent_cpu_seconds"] / (
                stats["ballot_parent_cpu_seconds"] + stats["ballot_cpu_seconds"])
            print(f"--jobs {jobs}: the parent process did {100 * share:.1f}% of the CPU work; "
                  f"speed-up on {jobs} idle cores at most {jobs / (1 + (jobs - 1) * share):.2f}x")
    return wall, cpu


def profile(path: Path, top: int = 15) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    verify_record(path, jobs=1)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def plot(measured: dict[int, tuple[float, float]]) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    OUT.mkdir(exist_ok=True)
    fig, ax = plt.subplots(figsize=(7, 4))
    jobs = sorted(measured)
    x = range(len(jobs))
    ax.bar([i - 0.2 for i in x], [measured[j][0] for j in jobs], width=0.4,
           label="ballots/s (wall clock)")
    ax.bar([i + 0.2 for i in x], [measured[j][1] for j in jobs], width=0.4,
           label="ballots per CPU-second (per core)")
    ax.set_xticks(list(x), [f"--jobs {j}" for j in jobs])
    ax.axhline(100, color="red", linestyle="--", label="100 ballots/s/core target")
    ax.set_ylabel("ballots verified")
    ax.set_title("ovote verify, 1-of-10 ballots")
    ax.legend(loc="lower right")
    fig.tight_layout()
    path = OUT / "verify_bench.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="print where one process spends its time")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()
    cache = Path(tempfile.gettempdir()) / "ovote-bench" / f"verify-{args.ballots}"
    path = build(cache, args.ballots)
    load = os.getloadavg()[0]
    measured = {jobs: measure(path, jobs, args.repeat) for jobs in (1, 2)}
    rates = {jobs: wall for jobs, (wall, _) in measured.items()}
    print(f"{args.ballots} ballots; cores: {multiprocessing.cpu_count()}, "
          f"load average before: {load:.1f}, after: {os.getloadavg()[0]:.1f}")
    for jobs, (wall, cpu) in measured.items():
        print(f"--jobs {jobs}: {wall:7.1f} ballots/s wall clock, {wall / jobs:7.1f} per process; "
              f"{cpu:7.1f} ballots per CPU-second")
    print(f"speed-up with 2 processes: {rates[2] / rates[1]:.2f}x (target 1.8x); "
          f"per core: {measured[1][1]:.0f} ballots/s (target 100)")
    if args.profile:
        print(profile(path))
    if not args.no_plot:
        written = plot(measured)
        if written:
            print(f"plot: {written}")


if __name__ == "__main__":
    main()
