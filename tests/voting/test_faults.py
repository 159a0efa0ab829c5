"""A gunicorn worker SIGKILLed in the middle of a cast burst loses nothing: every
receipted ballot is on the board, the chain verifies, nothing counts twice, and the
clients cut off get their receipt by sending the same ballot again.

(Restarting PostgreSQL under load is `python bench/cast_faults.py restart-postgres`:
it cuts off every user of the server, so it is not part of the suite.)"""
import importlib.util
from pathlib import Path

from tests.databases import fresh_database

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name):
    import sys

    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_worker_killed_mid_burst_loses_nothing(tmp_path):
    faults = _load("cast_faults")
    url = fresh_database("faults", tmp_path)
    summary = faults.run("kill-worker", url, ballots=100, concurrency=8, delay=1.0)
    assert summary["fault"].startswith("SIGKILLed gunicorn worker")
    assert summary["workers_after"] == 2  # the master replaced it
    assert summary["entries"] == 100 - 1  # one identical re-send among the 100 sends
    assert set(summary["statuses"]) <= {200, 201}
