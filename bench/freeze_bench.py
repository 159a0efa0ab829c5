"""Time the freeze of an election with many reporting units.

Run: ``python bench/freeze_bench.py [--consulates 200] [--styles 3] [--workers 0]``.
Builds a throw-away database (SQLite in a temporary folder, or the PostgreSQL
server of OVOTE_DATABASE_URL, in a database of its own) with one verified voter
per (consulate, ballot style), runs the real freeze (3072-bit RSA key per unit,
`--workers` processes, 0 = one per CPU) and prints the total time and the
longest database transaction it held open.
"""
import argparse
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

import config as config_module  # noqa: E402
from ovote import create_app  # noqa: E402
from ovote.runtime import runtime  # noqa: E402
from ovote.accounts.models import Role, User, utcnow  # noqa: E402
from ovote.consulates.models import Constituency, Consulate, ConsulateCountry  # noqa: E402
from ovote.crypto import threshold  # noqa: E402
from ovote.elections import freezing, keys, services  # noqa: E402
from ovote.extensions import db  # noqa: E402
from ovote.registration.models import Application, ApplicationState  # noqa: E402


def database_url(folder):
    base = os.environ.get("OVOTE_DATABASE_URL", "")
    if not base or base.startswith("sqlite"):
        return f"sqlite:///{folder}/freeze_bench.sqlite3"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from tests.databases import fresh_database

    return fresh_database("freeze_bench", Path(folder))


def build(consulates, styles, *, settings, passwords):
    session = db.session
    places = [Constituency(code=f"HOME{s}", name=f"Home {s}") for s in range(styles)]
    posts = [Consulate(code=f"C{n:03d}", name=f"Consulate {n}", city=f"City {n}", host_country="FR",
                       timezone="Europe/Paris", served=[ConsulateCountry(country_code="FR")])
             for n in range(consulates)]
    session.add_all(places + posts)
    session.flush()
    hashed = passwords.hash("bench password 1")
    now = utcnow()
    for n, post in enumerate(posts):
        for s, place in enumerate(places):
            voter = User(email=f"v{n}-{s}@example.org", role=Role.VOTER, password_hash=hashed)
            session.add(voter)
            session.add(Application(voter=voter, state=ApplicationState.VERIFIED, consulate=post,
                                    constituency=place, birth_date=date(1980, 1, 1), submitted_at=now,
                                    first_submitted_at=now, decided_at=now))
    trustees = [User(email=f"t{i}@example.org", role=Role.TRUSTEE, password_hash=hashed,
                     totp_secret_enc="unused") for i in range(3)]
    session.add_all(trustees)
    session.commit()
    election = services.create_election(session, actor="bench", slug="bench", title={"en": "Bench"},
                                        settings=settings, threshold=2, timezone_name="UTC")
    services.add_contest(session, election, actor="bench", code="C1", labels={"en": "Contest"},
                         settings=settings)
    for option in ("A", "B"):
        services.add_option(session, election, "C1", actor="bench", code=option, labels={"en": option},
                            settings=settings)
    for s, place in enumerate(places):
        services.add_ballot_style(session, election, actor="bench", code=f"S{s}", contests=["C1"],
                                  constituencies=[place.code])
    for user in trustees:
        services.add_trustee(session, election, actor="bench", email=user.email)
    start = datetime(2030, 1, 1)
    services.set_timeline(session, election, actor="bench", registration_deadline=start,
                          tokens_open=start, voting_opens=start + timedelta(days=1),
                          voting_closes=start + timedelta(days=2), election_day=date(2030, 1, 2))
    services.start_ceremony(session, election, actor="bench")
    session.commit()
    outcome = {}
    for i in (1, 2, 3):
        _, commitment = threshold.deal("bench", i, 2)
        outcome[i] = {"commitments": [a.hex() for a in commitment.commitments],
                      "proofs": [p.to_dict() for p in commitment.proofs]}
    return election, outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consulates", type=int, default=200)
    parser.add_argument("--styles", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=24)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        class Config(config_module.TestingConfig):
            SQLALCHEMY_DATABASE_URI = database_url(folder)
            SERVER_NAME = "bench.invalid"

        app = create_app(Config)
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=app.extensions["migrate"].directory)
            election, outcome = build(args.consulates, args.styles, settings=runtime(app).settings,
                                      passwords=runtime(app).passwords)
            longest, opened = [0.0], {}

            @event.listens_for(db.engine, "begin")
            def began(connection):
                opened[id(connection)] = time.perf_counter()

            @event.listens_for(db.engine, "commit")
            @event.listens_for(db.engine, "rollback")
            def ended(connection):
                if id(connection) in opened:
                    longest[0] = max(longest[0], time.perf_counter() - opened.pop(id(connection)))

            workers = keys.workers_for(args.workers)
            maker = keys.UnitKeyMaker(workers)
            started = time.perf_counter()
            try:
                frozen = freezing.freeze(db.session, election, actor="bench", ceremony=outcome,
                                         cipher=runtime(app).cipher, make_keys=maker, batch_size=args.batch_size)
            finally:
                maker.close()
            seconds = time.perf_counter() - started
            print(f"{len(frozen.units)} units frozen in {seconds:.1f} s with {workers} process(es) "
                  f"on {db.engine.dialect.name} ({seconds / len(frozen.units) * 1000:.0f} ms a unit); "
                  f"longest transaction {longest[0]:.2f} s; definition {len(frozen.definition)} bytes")
            db.engine.dispose()


if __name__ == "__main__":
    main()
