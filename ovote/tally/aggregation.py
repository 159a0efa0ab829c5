"""Aggregating the counted ballots of a closed election (DESIGN.md §3.10).

The counted ballots (the latest of each voting key: `superseded` is false)
are read in seq order through a server-side cursor (`yield_per`), in
batches; each batch goes to a worker process that parses the ballots and
sums their selections per (unit, contest) with
`ovote.record.aggregate.SumAccumulator`; the parent merges the partial
sums. At most two batches per worker are in flight, so memory depends on
the number of units, not of ballots.

The privacy groups come from `ovote.record.grouping` over the number of
counted ballots per unit, and each group's sums are the sum of its units'.
Everything is written in the one transaction that moves the election from
closed to tallying, under the election's row lock: a crash half-way leaves
nothing behind and the election still closed, so running it again counts
each ballot once; a second run finds the election tallying and is refused.
"""
import json
import logging
import os
from collections.abc import Callable

from sqlalchemy import func, select

from ovote.audit.services import record
from ovote.elections.models import Election, ElectionState, ReportingUnit
from ovote.errors import Refused
from ovote.record.aggregate import aggregate_parallel, ballot_vectors
from ovote.record.grouping import privacy_groups
from ovote.tally.decryption import combine_results
from ovote.tally.models import TallyGroup, groups_of  # noqa: F401  (groups_of: read here too)
from ovote.voting.models import BoardEntry

log = logging.getLogger(__name__)
#: ballots per task sent to a worker (and rows fetched per round trip of the cursor)
BATCH = 2000


def default_jobs() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _sum_batch(task):
    """Worker side: `(unit, contest), flat` of every ballot of one batch."""
    styles, batch = task
    for unit, raw in batch:
        ballot = json.loads(raw)
        if ballot.get("unit") != unit:
            raise ValueError("a board entry's unit is not its ballot's")
        yield from ballot_vectors(ballot, styles[unit])


def _counted(session, election):
    return select(ReportingUnit.code, BoardEntry.ballot).select_from(BoardEntry).join(
        ReportingUnit, BoardEntry.unit_id == ReportingUnit.id).where(
        BoardEntry.election_id == election.id, BoardEntry.superseded.is_(False))


def _batches(session, election, styles, batch_size):
    rows = session.execute(_counted(session, election).order_by(BoardEntry.seq)
                           .execution_options(yield_per=batch_size, stream_results=True))
    batch = []
    for code, raw in rows:
        batch.append((code, bytes(raw)))
        if len(batch) >= batch_size:
            yield styles, batch
            batch = []
    if batch:
        yield styles, batch


def counted_per_unit(session, election) -> dict[str, int]:
    """Unit code -> number of counted ballots on the board (units without any left out)."""
    rows = session.execute(
        select(ReportingUnit.code, func.count()).select_from(BoardEntry).join(
            ReportingUnit, BoardEntry.unit_id == ReportingUnit.id)
        .where(BoardEntry.election_id == election.id, BoardEntry.superseded.is_(False))
        .group_by(ReportingUnit.code))
    return {code: n for code, n in rows}


def _locked(session, election_id):
    return session.scalar(select(Election).where(Election.id == election_id).with_for_update()
                          .execution_options(populate_existing=True))


def aggregate(session, election, *, actor, jobs: int = 1,
              progress: Callable[[int, int], None] | None = None,
              batch_size: int = BATCH) -> list[TallyGroup]:
    """Closed -> tallying: sum the counted ballots per privacy group and store the groups
    (and on to tallied at once when no group may be decrypted: every count is then null).

    `jobs` worker processes sum the batches; `progress(done, total)` is told how many
    of the `total` contest selections vectors are summed so far. Refuses
    `tally.already_aggregated` for an election past the close, `tally.not_closed`
    for one not closed yet. Audited (the groups' names and counted, nothing of any
    ballot). Flushes; the caller commits (or rolls back: nothing is then kept).
    """
    election = _locked(session, election.id)
    if election.state in (ElectionState.TALLYING, ElectionState.TALLIED, ElectionState.PUBLISHED):
        raise Refused("tally.already_aggregated", slug=election.slug)
    if election.state is not ElectionState.CLOSED:
        raise Refused("tally.not_closed", slug=election.slug, state=election.state.label)
    definition = json.loads(election.definition)
    styles = {unit["id"]: unit["ballot_style"] for unit in definition["units"]}
    counted = counted_per_unit(session, election)
    total = sum(n * len(styles[unit]["contests"]) for unit, n in counted.items())
    done = 0

    def advance(n):
        nonlocal done
        done += n
        if progress:
            progress(done, total)

    sums = aggregate_parallel(_batches(session, election, styles, batch_size), _sum_batch,
                              jobs=jobs, progress=advance)
    for (unit, contest), n in sums.counts.items():
        if n != counted.get(unit):
            raise RuntimeError(f"unit {unit}: {n} ballots summed for {contest}, "
                               f"{counted.get(unit)} counted")
    election.start_tally()
    options = {c["id"]: len(c["options"]) for c in definition["manifest"]["contests"]}
    rows = []
    for group in privacy_groups(definition, counted):
        ciphertexts = sums.combined([(u, group.contest) for u in group.units],
                                    options[group.contest])
        rows.append(TallyGroup(election_id=election.id, contest=group.contest, name=group.name,
                               units=list(group.units), counted=group.counted,
                               decryptable=group.decryptable,
                               sums=[c.to_dict() for c in ciphertexts]))
    session.add_all(rows)
    session.flush()
    record(session, actor=actor, action="election.tally.aggregate", target=election.audit_target,
           details={"counted": sum(counted.values()),
                    "groups": [{"contest": r.contest, "group": r.name, "counted": r.counted}
                               for r in rows]})
    log.info("election %s aggregated: %d counted ballots in %d groups", election.slug,
             sum(counted.values()), len(rows))
    if not any(row.decryptable for row in rows):
        # The whole electorate is below the floor (or there is no ballot): there is
        # nothing for the trustees to decrypt, and the results are known now.
        combine_results(session, election)
    return rows
