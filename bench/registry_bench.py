"""Import speed of the national civil registry (`ovote registry import`).

Run: ``python bench/registry_bench.py [--rows 1000 10000 100000] [--database-url URL]
[--no-plot]``. For each size it builds a fresh database through the migrations
(SQLite in a temporary folder, or the PostgreSQL database given with
--database-url, WHOSE TABLES ARE DROPPED: give it a scratch database), writes a
CSV of that many synthetic rows, and
prints the time and rows per second of a first import (every row new) and of
a second import of the same file (every row updated), and the peak memory of
the process. If matplotlib is installed it writes bench/out/registry_bench.png.
"""
import argparse
import random
import resource
import string
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
CONSTITUENCIES = ("LIS", "PRT", "FAR", "BRG")


def write_synthetic_csv(path, rows, seed=1):
    """`rows` made-up registry lines, written line by line (the file is never in memory)."""
    rng = random.Random(seed)
    start = date(1930, 1, 1)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write("document_number,surname,given_names,birth_date,citizenship,disqualified,constituency\n")
        for n in range(rows):
            surname = "".join(rng.choices(string.ascii_uppercase, k=8)).capitalize()
            given = "".join(rng.choices(string.ascii_lowercase, k=6)).capitalize()
            birth = start + timedelta(days=rng.randrange(27000))
            out.write(f"P{n:09d},{surname},{given} Maria,{birth.isoformat()},citizen,"
                      f"{'yes' if n % 97 == 0 else 'no'},{CONSTITUENCIES[n % 4]}\n")


def fresh_app(folder, database_url=None):
    import flask_migrate

    from ovote import create_app
    from ovote.consulates.models import Constituency
    from ovote.extensions import db

    url = database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "memory"})
    with app.app_context():
        if not url.startswith("sqlite"):
            db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        flask_migrate.upgrade()
        for code in CONSTITUENCIES:
            db.session.add(Constituency(code=code, name=code))
        db.session.commit()
    return app


def timed_import(app, path):
    from ovote.extensions import db
    from ovote.registration.registry import import_registry

    with app.app_context(), open(path, "rb") as file:  # as `ovote registry import FILE` does
        start = time.perf_counter()
        report = import_registry(db.session, file, actor="cli")
        db.session.commit()
        elapsed = time.perf_counter() - start
        db.session.remove()
    assert report.written and not report.errors, report.errors[:3]
    return elapsed, report


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (its tables are dropped)")
    parser.add_argument("--no-plot", action="store_true")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(f"civil registry import on {backend}")
    print(f"{'rows':>9} {'first import':>14} {'rows/s':>9} {'re-import':>11} {'rows/s':>9} {'peak MiB':>9}")
    results = []
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "registry.csv"
            write_synthetic_csv(path, rows)
            app = fresh_app(Path(folder), args.database_url)
            first, report = timed_import(app, path)
            assert report.created == rows
            again, report = timed_import(app, path)
            assert report.updated == rows
            from ovote.extensions import db

            with app.app_context():
                db.engine.dispose()
        results.append((rows, first, again))
        print(f"{rows:>9} {first:>12.2f} s {rows / first:>9.0f} {again:>9.2f} s {rows / again:>9.0f} "
              f"{peak_mib():>9.0f}")
    if not args.no_plot:
        plot(results, backend)


def plot(results, backend):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    OUT.mkdir(exist_ok=True)
    sizes = [r[0] for r in results]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(sizes, [n / t for n, t, _ in results], marker="o", label="first import (insert)")
    ax.plot(sizes, [n / t for n, _, t in results], marker="s", label="re-import (update)")
    ax.set_xscale("log")
    ax.set_xlabel("rows in the CSV")
    ax.set_ylabel("rows per second")
    ax.set_title(f"Civil registry import, {backend}")
    ax.legend()
    fig.tight_layout()
    path = OUT / "registry_bench.png"
    fig.savefig(path, dpi=120)
    print(f"plot: {path}")


if __name__ == "__main__":
    main()
