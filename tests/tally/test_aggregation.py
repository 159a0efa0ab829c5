"""`ovote tally aggregate`: the counted ballots summed per privacy group, once, all or nothing."""
import pytest

from ovote.audit.models import AuditEvent
from ovote.elections.models import ElectionState
from ovote.tally import aggregation
from ovote.tally.models import TallyGroup
from tests.tally.helpers import Cycle, decrypt_with_shares, group_totals


@pytest.fixture
def voted(app, client, factory, db_session):
    """PAR: two voters, one of whom revotes; LON: one voter; closed."""
    cycle = Cycle(app, client, factory, db_session, slug="agg-2026")
    cycle.vote("PAR-S1", 0, {"C1": ["ANA"], "C2": ["YES"]})
    cycle.vote("PAR-S1", 1, {"C1": ["BRUNO"], "C2": ["NO"]})
    cycle.vote("PAR-S1", 0, {"C1": ["CARLA"], "C2": ["NO"]})  # the revote is what counts
    cycle.vote("LON-S1", 0, {"C1": [], "C2": ["YES"]})
    cycle.close()
    return cycle


def _groups(session, cycle):
    return {(g.contest, g.name): g for g in aggregation.groups_of(session, cycle.election)}


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_counted_ballots_are_summed_per_group(voted, db_session, jobs):
    rows = aggregation.aggregate(db_session, voted.election, actor="test", jobs=jobs, batch_size=1)
    db_session.commit()
    assert voted.election.state is ElectionState.TALLYING
    groups = _groups(db_session, voted)
    assert sorted(groups) == [("C1", "LON"), ("C1", "PAR"), ("C2", "LON"), ("C2", "PAR")]
    assert {k: (g.counted, g.units, g.decryptable) for k, g in groups.items()} == {
        ("C1", "LON"): (1, ["LON-S1"], True), ("C1", "PAR"): (2, ["PAR-S1"], True),
        ("C2", "LON"): (1, ["LON-S1"], True), ("C2", "PAR"): (2, ["PAR-S1"], True)}
    expected = group_totals(voted.expected_counts(), groups.values(), voted.definition)
    assert expected[("C1", "PAR")] == [0, 1, 1]
    for key, group in groups.items():
        assert decrypt_with_shares(voted, group.sums, group.counted) == expected[key], key
    assert len(rows) == 4
    event = db_session.query(AuditEvent).filter_by(action="election.tally.aggregate").one()
    assert "alpha" not in event.details and "ballot" not in event.details


def test_small_consulates_are_pooled_under_the_floor(app, client, factory, db_session):
    cycle = Cycle(app, client, factory, db_session, slug="floor-2026",
                  consulates=("PAR", "LON", "BER"), min_unit_ballots=2)
    cycle.vote("PAR-S1", 0, {"C1": ["ANA"], "C2": ["YES"]})
    cycle.vote("PAR-S1", 1, {"C1": ["ANA"], "C2": ["NO"]})
    cycle.vote("LON-S1", 0, {"C1": ["BRUNO"], "C2": ["YES"]})
    cycle.close()
    aggregation.aggregate(db_session, cycle.election, actor="test")
    groups = _groups(db_session, cycle)
    # LON (1) and BER (0) are below the floor of 2; their pool of 1 joins PAR.
    assert sorted(groups) == [("C1", "pool:BER,LON,PAR"), ("C2", "pool:BER,LON,PAR")]
    group = groups[("C1", "pool:BER,LON,PAR")]
    assert group.counted == 3 and group.units == ["BER-S1", "LON-S1", "PAR-S1"]
    assert decrypt_with_shares(cycle, group.sums, 3) == [2, 1, 0]


def test_a_crash_half_way_leaves_nothing_and_a_rerun_counts_once(voted, db_session):
    def crash(done, total):
        if done >= 2:
            raise RuntimeError("the machine fell over")

    with pytest.raises(RuntimeError):
        aggregation.aggregate(db_session, voted.election, actor="test", batch_size=1,
                              progress=crash)
    db_session.rollback()
    assert db_session.query(TallyGroup).count() == 0
    db_session.refresh(voted.election)
    assert voted.election.state is ElectionState.CLOSED
    assert db_session.query(AuditEvent).filter_by(action="election.tally.aggregate").count() == 0
    aggregation.aggregate(db_session, voted.election, actor="test", batch_size=1)
    db_session.commit()
    groups = _groups(db_session, voted)
    assert {k: g.counted for k, g in groups.items()} == {
        ("C1", "LON"): 1, ("C1", "PAR"): 2, ("C2", "LON"): 1, ("C2", "PAR"): 2}
    expected = group_totals(voted.expected_counts(), groups.values(), voted.definition)
    for key, group in groups.items():
        assert decrypt_with_shares(voted, group.sums, group.counted) == expected[key]


def test_a_second_run_is_refused(voted, db_session, app):
    aggregation.aggregate(db_session, voted.election, actor="test")
    db_session.commit()
    result = app.test_cli_runner().invoke(args=["tally", "aggregate", voted.slug])
    assert result.exit_code == 1
    assert "already aggregated: each ballot is counted once" in result.output
    assert db_session.query(TallyGroup).count() == 4


def test_an_open_election_is_not_aggregated(app, client, factory, db_session):
    cycle = Cycle(app, client, factory, db_session, slug="still-open")
    result = app.test_cli_runner().invoke(args=["tally", "aggregate", "still-open"])
    assert result.exit_code == 1
    assert "only once voting is closed" in result.output
    db_session.refresh(cycle.election)
    assert cycle.election.state is ElectionState.OPEN
    assert db_session.query(TallyGroup).count() == 0


def test_the_command_aggregates_with_a_progress_bar(voted, app, db_session):
    result = app.test_cli_runner().invoke(args=["tally", "aggregate", voted.slug, "--jobs", "2"])
    assert result.exit_code == 0, result.output
    assert "agg-2026 aggregated: 4 groups, 2 processes" in result.output
    assert "ballots of agg-2026" in result.output
    db_session.refresh(voted.election)
    assert voted.election.state is ElectionState.TALLYING


def test_the_ballots_are_read_through_a_server_side_cursor(voted, db_session):
    """The board is streamed (psycopg's named cursor on PostgreSQL), in batches, never
    loaded whole: the one query that reads ballots asks for streamed results."""
    from sqlalchemy import event

    seen = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "board_entries.ballot" in statement:
            seen.append(dict(context.execution_options))

    engine = db_session.get_bind().engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        aggregation.aggregate(db_session, voted.election, actor="test", batch_size=2)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert len(seen) == 1
    assert seen[0].get("stream_results") is True and seen[0].get("yield_per") == 2
