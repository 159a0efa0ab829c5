"""Faults in the middle of a cast burst, and what is left afterwards.

Run: ``python bench/cast_faults.py kill-worker|restart-postgres [--ballots 300]
[--database-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME]``.

* kill-worker: SIGKILL one gunicorn worker while ballots are in flight (the
  master starts a new one). tests/voting/test_faults.py runs this one.
* restart-postgres: restart the PostgreSQL cluster under load
  (``pg_ctlcluster --skip-systemctl-redirect 15 main restart``; every other
  user of that server is cut off for a moment: run it rarely).

Either way, afterwards: every ballot whose receipt the client got is on the board
at its seq, the chain verifies, no voting key is counted twice, and every client
that got a connection error or a 5xx sends the same ballot again and gets its
receipt (identical ballots are idempotent). Prints what failed and was re-sent.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cast_load  # noqa: E402


def _kill_worker(server, _url):
    pid = cast_load.worker_pids(server)[0]
    os.kill(pid, signal.SIGKILL)
    return f"SIGKILLed gunicorn worker {pid}"


def _restart_postgres(_server, _url):
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"],
                   check=True, timeout=120)
    return "restarted PostgreSQL"


FAULTS = {"kill-worker": _kill_worker, "restart-postgres": _restart_postgres}


def run(fault, url, *, ballots=120, concurrency=8, delay=1.5, processes=2):
    """Prepare, start gunicorn, inject `fault` `delay` seconds into the burst, re-send
    what failed, check everything; returns a summary dict (AssertionError if a check fails)."""
    definition, pems = cast_load.make_election(url)
    sends = cast_load.prepare_sends(definition, pems, ballots, processes=processes)
    port = cast_load.free_port()
    server = cast_load.start_gunicorn(url, port, workers=2)
    base = f"http://127.0.0.1:{port}"
    outcome = {}
    try:
        def send_all():
            try:
                outcome.update(zip(("elapsed", "cpu", "results"),
                                   cast_load.fire(base, [s.body for s in sends], concurrency)))
            except BaseException as exc:  # reported below, in this thread
                outcome["error"] = exc

        burst = threading.Thread(target=send_all)
        burst.start()
        time.sleep(delay)
        done = FAULTS[fault](server, url)
        burst.join(300)
        if "error" in outcome:
            raise outcome["error"]
        results = outcome["results"]
        failed = [r[0] for r in results if r[0] == 0 or r[0] >= 500]
        again = cast_load.resend_failures(base, sends, results)
        summary = cast_load.check_outcome(base, definition, sends, results)
        workers_after = cast_load.worker_pids(server)
    finally:
        cast_load.stop(server)
    return {"fault": done, "failed": len(failed), "failed_statuses": sorted(set(failed)),
            "sent_again": again, "workers_after": len(workers_after), **summary}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fault", choices=sorted(FAULTS))
    parser.add_argument("--ballots", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("OVOTE_DATABASE_URL",
                                                                 cast_load.DEFAULT_DB))
    args = parser.parse_args(argv)
    url = cast_load.scratch_database(args.database_url, "castfaults")
    summary = run(args.fault, url, ballots=args.ballots, concurrency=16, delay=3)
    print(f"{summary['fault']} during a burst of {args.ballots} sends: {summary['failed']} sends "
          f"failed ({summary['failed_statuses']}), {summary['sent_again']} re-sends until each had "
          f"its receipt; afterwards {summary['entries']} ballots on the board, chain verifies, "
          f"every receipt on the board, {summary['counted']} counted = unique voting keys; "
          f"answers {summary['statuses']}")


if __name__ == "__main__":
    main()
