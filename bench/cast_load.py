"""Casting under load: gunicorn workers on PostgreSQL, many concurrent voters.

Run: ``python bench/cast_load.py [--ballots 2000] [--workers 2] [--concurrency 16]
[--database-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME] [--no-plot]``.

It makes a scratch database `<NAME>_castload` (DROPPED and created again), an open
election with two reporting units, and real voters: each gets a voting key and a
blind-signed token, and its ballot is encrypted with proofs beforehand, so that
the run measures the server alone. 10 % of the sends are revotes (a second
ballot under the same voting key) and 1 % identical re-sends. gunicorn is
started by `ovote serve`; the ballots are sent from another
process over `--concurrency` connections. It prints ballots per second and the
latency percentiles, then checks the outcome through the public API: every
receipt (201 or 200) verifies and is on the board at its seq and chain value,
the chain verifies, the board holds each accepted ballot once, and the counted
ballots are exactly one per voting key (the latest). Sends that failed with a
connection error are sent again (identical ballots are idempotent) until each
has its receipt. It writes bench/out/cast_load.png.

The functions are reused by the fault tests (tests/voting/test_faults.py).
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import random
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
SLUG = "load"
DEFAULT_DB = "postgresql+psycopg://postgres@127.0.0.1:5432/ovote"


@dataclass
class Send:
    kind: str  # "first", "revote" or "resend"
    body: bytes
    tracking_code: str
    voting_key: str


# -- setup --------------------------------------------------------------------------

def scratch_database(url: str, suffix: str) -> str:
    """Drop and create `<database>_<suffix>` on the server of `url`; returns its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    target = f"{parsed.database}_{suffix}"
    admin = create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :db AND pid <> pg_backend_pid()"), {"db": target})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target}"'))
        conn.execute(text(f'CREATE DATABASE "{target}"'))
    admin.dispose()
    return parsed.set(database=target).render_as_string(hide_password=False)


def make_election(url: str, *, max_revotes=20):
    """Migrate the database and open an election; returns (definition, unit key PEMs)."""
    import flask_migrate
    from cryptography.hazmat.primitives import serialization

    from ovote import create_app
    from ovote.consulates.models import Constituency, Consulate, ConsulateCountry
    from ovote.crypto import blindrsa
    from ovote.extensions import db
    from ovote.runtime import runtime
    from ovote.voting.setup import build_open_election

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "memory"})
    with app.app_context():
        flask_migrate.upgrade(directory=app.extensions["migrate"].directory)
        consulates = [Consulate(code=code, name=code, city=code, host_country=country,
                                timezone="UTC", served=[ConsulateCountry(country_code=country)])
                      for code, country in (("PAR", "FR"), ("LON", "GB"))]
        constituency = Constituency(code="NORTH", name="North")
        db.session.add_all([*consulates, constituency])
        db.session.flush()
        keys = [blindrsa.generate_key(3072) for _ in consulates]
        built = build_open_election(db.session, slug=SLUG, consulates=consulates,
                                    constituency=constituency, unit_keys=keys,
                                    max_revotes=max_revotes, cipher=runtime().cipher)
        db.session.commit()
        definition = json.loads(built.election.definition)
        db.engine.dispose()
    pems = {f"{c}-S1": k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()).decode()
            for c, k in zip(("PAR", "LON"), keys)}
    return definition, pems


def _voter_ballots(args):
    """Worker: for each (index, revote?) a voter's token and one or two ballots."""
    definition, pems, jobs = args
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ovote.crypto import tokens
    from ovote.crypto.ballot import build_ballot, tracking_code, voting_key_bytes
    from ovote.crypto.canonical import canonical_json
    from ovote.crypto.definition import check_definition

    checked = check_definition(definition)
    keys = {u: serialization.load_pem_private_key(p.encode(), None) for u, p in pems.items()}
    rng = random.Random(jobs[0][0])
    out = []
    for index, revote in jobs:
        unit_id = sorted(keys)[index % len(keys)]
        unit, key = checked.units[unit_id], keys[unit_id]
        voting_key = Ed25519PrivateKey.generate()
        public = voting_key_bytes(voting_key)
        request = tokens.request_token(unit.public_key, checked.fingerprint, public)
        token = tokens.finish_token(unit.public_key, request, tokens.issue_token(key, request.blinded_msg))
        for kind in (("first", "revote") if revote else ("first",)):
            choices = {c["id"]: rng.sample(c["options"], rng.randint(c["min"], c["max"]))
                       for c in unit.ballot_style["contests"]}
            ballot = build_ballot(fingerprint=checked.fingerprint, unit_id=unit_id,
                                  ballot_style=unit.ballot_style, joint_key=checked.joint_key,
                                  voting_key=voting_key, token=token, choices=choices)
            out.append(Send(kind, canonical_json(ballot), tracking_code(ballot), public.hex()))
    return out


def prepare_sends(definition, pems, total, *, revote_share=0.10, resend_share=0.01, seed=7,
                  processes=2):
    """`total` sends: first ballots, revotes and identical re-sends, in sending order
    (a revote or re-send always comes after its first ballot)."""
    revotes, resends = round(total * revote_share), round(total * resend_share)
    voters = total - revotes - resends
    rng = random.Random(seed)
    revoting = set(rng.sample(range(voters), revotes))
    jobs = [(i, i in revoting) for i in range(voters)]
    chunks = [jobs[i::processes * 4] for i in range(processes * 4)]
    with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn")) as pool:
        made = [s for part in pool.map(_voter_ballots, [(definition, pems, c) for c in chunks])
                for s in part]
    firsts = [s for s in made if s.kind == "first"]
    rng.shuffle(firsts)
    order = list(firsts)
    later = [s for s in made if s.kind == "revote"]
    later += [Send("resend", s.body, s.tracking_code, s.voting_key) for s in rng.sample(firsts, resends)]
    first_of = {s.voting_key: s for s in firsts}
    for send in later:  # somewhere after its first ballot
        first = order.index(first_of[send.voting_key])
        order.insert(rng.randint(first + 1, len(order)), send)
    return order


# -- the server ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, *, workers=2, access_log=None):
    env = dict(os.environ, OVOTE_DATABASE_URL=url, OVOTE_ENV="development",
               OVOTE_RATELIMIT="false")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("ovote")), "serve", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--access-log", str(access_log or os.devnull)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/elections/{SLUG}/board?limit=1").status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def worker_pids(master) -> list:
    out = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# -- the load ------------------------------------------------------------------------

async def _fire(base, bodies, concurrency, results, started):
    import httpx

    queue = asyncio.Queue()
    for index, body in enumerate(bodies):
        queue.put_nowait((index, body))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def runner():
            while not queue.empty():
                index, body = queue.get_nowait()
                begin = time.perf_counter()
                try:
                    response = await client.post(f"/api/v1/elections/{SLUG}/ballots", content=body,
                                                 headers={"Content-Type": "application/json"})
                    status, answer = response.status_code, response.content
                except Exception as exc:  # noqa: BLE001  (any failure is a client's failure)
                    status, answer = 0, type(exc).__name__.encode()
                results[index] = (status, time.perf_counter() - begin, begin - started, answer)
        await asyncio.gather(*(runner() for _ in range(concurrency)))


def _fire_process(base, bodies, concurrency, conn):
    results = [None] * len(bodies)
    started, cpu = time.perf_counter(), time.process_time()
    asyncio.run(_fire(base, bodies, concurrency, results, started))
    conn.send((time.perf_counter() - started, time.process_time() - cpu, results))
    conn.close()


def fire(base, bodies, concurrency):
    """Send `bodies` from another process; returns (elapsed seconds, the sender's CPU
    seconds, [(status, latency, start offset, answer bytes)])."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_fire_process, args=(base, bodies, concurrency, child))
    process.start()
    child.close()
    elapsed, cpu, results = parent.recv()
    process.join()
    return elapsed, cpu, results


def cpu_seconds(pids) -> float:
    """User + system CPU time of the processes `pids` (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def database_pids(url) -> list:
    """Server processes of the connections to the database of `url`."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    engine = create_engine(parsed.set(database="postgres"))
    with engine.connect() as conn:
        pids = [r[0] for r in conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = :db"), {"db": parsed.database})]
    engine.dispose()
    return pids


def resend_failures(base, sends, results, *, rounds=20):
    """Send again, one by one, every ballot that got no receipt for a reason a client
    retries (connection error, 5xx); returns how many were sent again."""
    import httpx

    again = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        for index, (status, *_rest) in enumerate(results):
            attempts = 0
            while (status == 0 or status >= 500) and attempts < rounds:
                attempts += 1
                again += 1
                try:
                    response = client.post(f"/api/v1/elections/{SLUG}/ballots", content=sends[index].body,
                                           headers={"Content-Type": "application/json"})
                    status = response.status_code
                    results[index] = (status, None, None, response.content)
                except httpx.HTTPError:
                    status = 0
                    time.sleep(0.5)
    return again


# -- the checks ----------------------------------------------------------------------

def board_entries(base):
    import httpx

    entries, after = [], 0
    with httpx.Client(base_url=base, timeout=30) as client:
        while True:
            page = client.get(f"/api/v1/elections/{SLUG}/board", params={"after": after, "limit": 1000}).json()
            if not page["entries"]:
                return entries, page["head"]
            entries += page["entries"]
            after = entries[-1]["seq"]


def check_outcome(base, definition, sends, results):
    """Raise AssertionError at the first inconsistency; return a summary."""
    from ovote.crypto.board import check_receipt, verify_chain
    from ovote.crypto.definition import check_definition

    checked = check_definition(definition)
    entries, head = board_entries(base)
    seq, chain_head = verify_chain(checked.fingerprint, entries)
    assert chain_head.hex() == head, "board head does not match the chain"
    by_code = {e["tracking_code"]: e for e in entries}
    assert len(by_code) == len(entries), "a tracking code is on the board twice"
    statuses = {}
    for send, (status, *_rest, answer) in zip(sends, results):
        statuses[status] = statuses.get(status, 0) + 1
        assert status in (200, 201), f"a {send.kind} ended with {status}: {answer[:200]!r}"
        receipt = json.loads(answer)["receipt"]
        check_receipt(receipt, checked.receipt_key, fingerprint=checked.fingerprint)
        entry = by_code.get(receipt["tracking_code"])
        assert entry is not None, "a receipted ballot is not on the board"
        assert (entry["seq"], entry["chain"]) == (receipt["seq"], receipt["board_head"])
        assert receipt["tracking_code"] == send.tracking_code
    accepted = {s.tracking_code for s in sends}
    assert set(by_code) == accepted, "the board holds ballots nobody sent, or lost some"
    keys = {}
    ballots = {s.tracking_code: s.voting_key for s in sends}
    for entry in entries:
        keys.setdefault(ballots[entry["tracking_code"]], []).append(entry)
    for key, rows in keys.items():
        counted = [e for e in rows if not e["superseded"]]
        assert len(counted) == 1, f"voting key {key[:8]} counted {len(counted)} times"
        assert counted[0]["seq"] == max(e["seq"] for e in rows), "an earlier ballot counts"
    counted = sum(not e["superseded"] for e in entries)
    assert counted == len({s.voting_key for s in sends})
    return {"entries": len(entries), "counted": counted, "statuses": statuses, "seq": seq}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = [(r[2], r[1] * 1000) for r in results if r[1] is not None]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.scatter([p[0] for p in points], [p[1] for p in points], s=2)
    left.set_xlabel("time since start (s)")
    left.set_ylabel("latency (ms)")
    left.set_title("Cast latency over the run")
    right.hist([p[1] for p in points], bins=60)
    right.set_xlabel("latency (ms)")
    right.set_ylabel("ballots")
    right.set_title("Latency distribution")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--database-url", default=os.environ.get("OVOTE_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        parser.error("give a PostgreSQL --database-url (its <name>_castload database is replaced)")
    url = scratch_database(args.database_url, "castload")
    print(f"preparing {args.ballots} sends (voters, tokens, encrypted ballots)...", flush=True)
    begin = time.perf_counter()
    definition, pems = make_election(url)
    print(f"  election open after {time.perf_counter() - begin:.1f} s", flush=True)
    sends = prepare_sends(definition, pems, args.ballots)
    print(f"  prepared in {time.perf_counter() - begin:.1f} s: "
          f"{sum(s.kind == 'first' for s in sends)} first ballots, "
          f"{sum(s.kind == 'revote' for s in sends)} revotes, "
          f"{sum(s.kind == 'resend' for s in sends)} identical re-sends", flush=True)
    port = free_port()
    OUT.mkdir(parents=True, exist_ok=True)
    server = start_gunicorn(url, port, workers=args.workers, access_log=OUT / "cast_load_access.log")
    base = f"http://127.0.0.1:{port}"
    try:
        # Warm every worker's connections and caches, then count CPU from here.
        fire(base, [sends[0].body] * (4 * args.workers), 2 * args.workers)
        workers, backends = worker_pids(server), database_pids(url)
        before = cpu_seconds(workers), cpu_seconds(backends)
        elapsed, sender_cpu, results = fire(base, [s.body for s in sends], args.concurrency)
        backends = sorted(set(backends) | set(database_pids(url)))
        server_cpu = cpu_seconds(workers) - before[0]
        database_cpu = cpu_seconds(backends) - before[1]
        latencies = [r[1] for r in results if r[0] in (200, 201)]
        again = resend_failures(base, sends, results)
        summary = check_outcome(base, definition, sends, results)
    finally:
        stop(server)
    print(f"{len(sends)} sends over {args.concurrency} connections to {args.workers} gunicorn "
          f"workers in {elapsed:.2f} s: {len(sends) / elapsed:.0f} ballots/s")
    print(f"latency p50 {percentile(latencies, .5) * 1000:.0f} ms, p95 "
          f"{percentile(latencies, .95) * 1000:.0f} ms, p99 {percentile(latencies, .99) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms")
    print(f"answers {summary['statuses']}; sent again after a failure: {again}")
    n = len(sends)
    print(f"CPU per ballot: gunicorn workers {server_cpu / n * 1000:.1f} ms, PostgreSQL "
          f"{database_cpu / n * 1000:.1f} ms, sender {sender_cpu / n * 1000:.1f} ms; machine load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"checked: {summary['entries']} ballots on the board, chain verifies to seq "
          f"{summary['seq']}, every receipt on the board, {summary['counted']} counted = "
          f"unique voting keys")
    if not args.no_plot:
        plot(results, OUT / "cast_load.png")
        print(f"plot: {OUT / 'cast_load.png'}")


if __name__ == "__main__":
    main()
