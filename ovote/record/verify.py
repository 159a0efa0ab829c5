"""`ovote verify DIR`: recompute everything from an election record
(DESIGN.md §3.11, §8) with nothing but `ovote.crypto`, `ovote.record`
and the standard library.

The checks run in the order of `ovote.record.checks.CHECKS`; the first
failure stops the run, is named in the report and gives its exit code.
Ballots are validated in `--jobs` processes (default: every core), in
chunks whose results are merged in board order, so the report and the
sums do not depend on the number of processes.
"""

import argparse
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass, field

from ovote.crypto.board import BoardError, check_publication
from ovote.record import ballot_checks
from ovote.record.aggregate import SumAccumulator, bounded_map
from ovote.record.board_pass import board_pass
from ovote.record.checks import CHECKS, EXIT_CODES, EXIT_UNREADABLE, CheckFailed
from ovote.record.definition import check_election
from ovote.record.files import (
    BALLOTS, DECRYPTION, ELECTION, IN_PERSON, PUBLICATION, RESULTS, TALLY, RecordError,
    RecordSource,
)
from ovote.record.grouping import privacy_groups
from ovote.record.progress import Progress
from ovote.record.results import check_in_person, results_document
from ovote.record.tally_checks import check_decryption, check_results, check_tally

CHUNK = 32


@dataclass
class Report:
    """The outcome of one run: checks passed in order, the first failure."""

    record: str
    passed: list = field(default_factory=list)
    failed: tuple | None = None
    ignored_files: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failed is None and len(self.passed) == len(CHECKS)

    @property
    def exit_code(self) -> int:
        if self.failed is None:
            return 0 if self.ok else EXIT_UNREADABLE
        return EXIT_CODES.get(self.failed[0], EXIT_UNREADABLE)

    def passes(self, check: str, detail: str) -> None:
        self.passed.append((check, detail))

    def to_dict(self) -> dict:
        return {
            "record": self.record,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "failed": None if self.failed is None
            else {"check": self.failed[0], "message": self.failed[1]},
            "checks": [{"check": c, "ok": True, "detail": d} for c, d in self.passed]
            + ([{"check": self.failed[0], "ok": False, "detail": self.failed[1]}]
               if self.failed else []),
            "ignored_files": list(self.ignored_files),
            "stats": dict(self.stats),
        }

    def to_text(self) -> str:
        lines = [f"ovote verify: {self.record}"]
        if self.stats.get("election"):
            lines.append(f"election {self.stats['election']}, fingerprint {self.stats['fingerprint']}")
        for check, detail in self.passed:
            lines.append(f"  ok    {check:<17} {detail}")
        if self.failed:
            lines.append(f"  FAIL  {self.failed[0]:<17} {self.failed[1]}")
        if self.ignored_files:
            lines.append("ignored files (not part of the record): " + ", ".join(self.ignored_files))
        if self.ok:
            lines.append("result: every check passed")
        elif self.failed:
            lines.append(f"result: FAILED at {self.failed[0]} (exit {self.exit_code})")
        return "\n".join(lines)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def verify_record(path, *, jobs: int | None = None, progress: Progress | None = None) -> Report:
    """Verify the record at `path` (folder or zip); never raises for a bad
    record, the report says what failed."""
    report = Report(str(path))
    jobs = jobs or default_jobs()
    started = time.perf_counter()
    try:
        source = RecordSource(path)
    except (RecordError, OSError) as exc:
        report.failed = ("files", str(exc))
        return report
    with source:
        report.ignored_files = list(source.extra_files)
        try:
            _run(source, report, jobs, progress or Progress(enabled=False))
        except CheckFailed as exc:
            report.failed = (exc.check, exc.message)
        except (RecordError, OSError) as exc:
            report.failed = ("files", str(exc))
        except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
            # A shape no check foresaw: it is the running check that fails,
            # and checks pass strictly in order, so that is the next one.
            running = CHECKS[min(len(report.passed), len(CHECKS) - 1)][0]
            report.failed = (running, f"malformed record: {type(exc).__name__}: {exc}")
    report.stats["jobs"] = jobs
    report.stats["seconds"] = round(time.perf_counter() - started, 3)
    return report


def _read_files(source):
    if source.missing:
        raise CheckFailed("files", "missing " + ", ".join(source.missing))
    try:
        documents = {name: source.read_json(name) for name in (ELECTION, TALLY, IN_PERSON, RESULTS)}
        documents[DECRYPTION] = [obj for _, obj in source.read_lines(DECRYPTION)]
    except RecordError as exc:
        raise CheckFailed("files", str(exc)) from None
    return documents


def _run(source, report, jobs, progress):
    documents = _read_files(source)
    report.passes("files", "the six files are present")
    context = check_election(documents[ELECTION])
    report.stats.update(election=context.slug, fingerprint=context.fingerprint.hex())
    report.passes("definition", f"{len(context.units)} units, {len(context.options)} contests, "
                  f"floor {context.min_unit_ballots}, max_revotes {context.max_revotes}")
    report.passes("fingerprint", context.fingerprint.hex())
    report.passes("ceremony", f"{len(context.verification_keys)} trustees, k = {context.threshold}")

    board = board_pass(source, context, report)
    report.stats.update(ballots=len(board.voting_keys), counted=len(board.counted))

    started, parent_cpu = time.perf_counter(), time.process_time()
    unit_sums = _check_ballots(source, context, board, jobs, progress, report.stats)
    report.stats["ballot_seconds"] = round(time.perf_counter() - started, 3)
    report.stats["ballot_parent_cpu_seconds"] = round(time.process_time() - parent_cpu, 3)
    report.passes("ballot_structure", f"{len(board.voting_keys)} ballots follow their unit's style")
    report.passes("ballot_token", "every token verifies under its unit key")
    report.passes("ballot_signature", "every ballot is signed by its voting key")
    report.passes("ballot_proof", "every selection and contest proof verifies")

    counted_per_unit = Counter(board.units[seq - 1] for seq in board.counted)
    groups = privacy_groups(context.definition, counted_per_unit)
    sums = check_tally(documents[TALLY], context, groups, unit_sums)
    report.passes("grouping", f"{len(groups)} groups, none decrypted below the floor")
    report.passes("sums", "every group's sums recomputed from its counted ballots")

    counts = check_decryption(documents[DECRYPTION], context, groups, sums)
    report.passes("decryption_share", "every share verifies under its trustee's key")
    report.passes("combination", f"{len(counts)} groups decrypted and decoded within 0..counted")

    try:
        check_in_person(context.definition, documents[IN_PERSON])
    except ValueError as exc:
        raise CheckFailed("in_person", str(exc)) from None
    report.passes("in_person", f"{len(documents[IN_PERSON])} returns")

    expected = results_document(context.definition, groups, counts, documents[IN_PERSON])
    check_results(documents[RESULTS], expected)
    report.passes("results", "groups, in-person returns and national totals")
    _check_publication(source, context, documents, report)


def _check_publication(source, context, documents, report):
    """publication.json, when the record has it, must be the receipt key's signature over
    the in-person returns and results as they stand; without it, the report says that
    nothing signs those two files."""
    if PUBLICATION not in source.optional:
        report.passes("publication", "no publication.json: in_person.json and results.json "
                      "are signed by no one")
        return
    try:
        publication = source.read_json(PUBLICATION)
    except RecordError as exc:
        raise CheckFailed("publication", str(exc)) from None
    try:
        check_publication(publication, bytes.fromhex(context.definition["receipt_key"]),
                          context.fingerprint, documents[IN_PERSON], documents[RESULTS])
    except BoardError as exc:
        raise CheckFailed("publication", str(exc)) from None
    report.passes("publication", "in_person.json and results.json are signed by the "
                  "election's receipt key")


def _chunks(source, board):
    chunk = []
    counted, codes = board.counted, board.tracking_codes
    for seq, (_, line) in enumerate(source.lines(BALLOTS), start=1):
        if seq > len(codes):
            raise CheckFailed("tracking_code", "ballots.jsonl grew while it was read")
        chunk.append((seq, seq in counted, codes[seq - 1], line))
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _check_ballots(source, context, board, jobs, progress, stats) -> SumAccumulator:
    init_args = (context.fingerprint, context.joint_key.hex(), context.units)
    total = SumAccumulator()
    cpu = [0.0, 0]  # CPU seconds, ballots checked
    progress.start("ballots", len(board.voting_keys))
    if jobs == 1:
        ballot_checks.init_worker(*init_args)
        results = map(ballot_checks.check_chunk, _chunks(source, board))
        _merge(results, total, progress, cpu)
    else:
        with multiprocessing.Pool(jobs, ballot_checks.init_worker, init_args) as pool:
            results = bounded_map(pool, ballot_checks.check_chunk, _chunks(source, board), 4 * jobs)
            _merge(results, total, progress, cpu)
    progress.finish()
    if cpu[1] != len(board.tracking_codes):
        raise CheckFailed("tracking_code", "ballots.jsonl shrank while it was read")
    # CPU time of the validations themselves, whatever else runs on the machine.
    stats["ballot_cpu_seconds"] = round(cpu[0], 3)
    return total


def _merge(results, total, progress, cpu):
    # In chunk (board) order: the first failure reported is the lowest seq.
    for failure, part, checked, seconds in results:
        cpu[0] += seconds
        cpu[1] += checked
        progress.advance(checked)
        if failure is not None:
            progress.finish()
            seq, check, message = failure
            raise CheckFailed(check, f"ballot seq {seq}: {message}")
        total.merge(part)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="ovote verify",
        description="Verify an election record (a folder or a .zip, DESIGN.md §8) "
        "from the record alone.",
    )
    parser.add_argument("record", help="the record folder or .zip")
    parser.add_argument("--jobs", type=int, default=None,
                        help="processes validating ballots (default: every core)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always draw the progress bar on stderr")
    bar.add_argument("--no-progress", dest="progress", action="store_false",
                     help="never draw it (default: only on a terminal)")
    args = parser.parse_args(argv)
    if args.jobs is not None and args.jobs < 1:
        parser.error("--jobs must be at least 1")
    enabled = sys.stderr.isatty() if args.progress is None else args.progress
    report = verify_record(args.record, jobs=args.jobs, progress=Progress(enabled=enabled))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(report.to_text())
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
