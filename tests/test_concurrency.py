"""Concurrent duplicates on a database that really commits: the constraints decide,
every request gets a proper answer, and nothing is stored twice."""
import threading
from types import SimpleNamespace

import pytest

from ovote.accounts.models import Role, User
from ovote.extensions import db
from tests.conftest import PASSWORD, Factory, csrf_token, log_in, make_app
from tests.databases import fresh_database, upgrade_to_head

RACERS = 6


@pytest.fixture(scope="module")
def committing_app(tmp_path_factory):
    app = make_app(fresh_database("concurrency", tmp_path_factory.mktemp("race")))
    upgrade_to_head(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def race(requests):
    """Run the callables at the same moment, one thread each; return their responses."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(position, request):
        barrier.wait()
        results[position] = request()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def count(app, model, **where):
    with app.app_context():
        return db.session.query(model).filter_by(**where).count()


def test_simultaneous_signups_with_one_address_make_one_account(committing_app):
    clients = [committing_app.test_client() for _ in range(RACERS)]
    posts = []
    for client in clients:
        token = csrf_token(client, "/auth/signup")
        data = {"email": "twin@example.org", "password": PASSWORD, "confirm": PASSWORD,
                "csrf_token": token}
        posts.append(lambda c=client, d=data: c.post("/auth/signup", data=d))
    responses = race(posts)
    assert [r.status_code for r in responses] == [200] * RACERS
    assert all("We have sent a message" in r.get_data(as_text=True) for r in responses)
    assert count(committing_app, User, email="twin@example.org") == 1


def test_simultaneous_starts_make_one_application(committing_app):
    from ovote.registration.models import Application

    Factory(committing_app, db.session).user(Role.VOTER, email="racer@example.org")
    with committing_app.app_context():
        voter = db.session.query(User).filter_by(email="racer@example.org").one()
        voter_id, who = voter.id, SimpleNamespace(session_token=voter.session_token)
    posts = []
    for _ in range(RACERS):  # outside the app context: each request must get its own `g`
        client = committing_app.test_client()
        log_in(committing_app, client, who)
        token = csrf_token(client, "/register/")
        posts.append(lambda c=client, t=token: c.post("/register/start", data={"csrf_token": t}))
    responses = race(posts)
    assert [r.status_code for r in responses] == [303] * RACERS
    assert count(committing_app, Application, voter_id=voter_id) == 1


@pytest.mark.parametrize("has_account", [True, False])
def test_simultaneous_wrong_passwords_all_count(committing_app, has_account):
    """Each failure is counted on the locked row: parallel guesses cannot overwrite
    one another's count and slip past the lock-out, whether the address has an
    account or not (the first failures for an unknown address create its row at once)."""
    from ovote.accounts.models import LoginThrottle
    from ovote.runtime import runtime

    email = "guessed@example.org" if has_account else "nobody-here@example.org"
    if has_account:
        Factory(committing_app, db.session).user(Role.VOTER, email=email)
    threshold = committing_app.config["LOCKOUT_THRESHOLD"]
    posts = []
    for _ in range(threshold + 1):
        client = committing_app.test_client()
        data = {"email": email, "password": "not the password",
                "csrf_token": csrf_token(client, "/auth/login")}
        posts.append(lambda c=client, d=data: c.post("/auth/login", data=d))
    statuses = sorted(r.status_code for r in race(posts))
    assert statuses == [401] * (threshold - 1) + [429] * 2
    with committing_app.app_context():
        holder = (db.session.query(User).filter_by(email=email).one() if has_account else
                  db.session.get(LoginThrottle, runtime(committing_app).cipher.blind_index(email, purpose="login.address")))
        assert holder.locked_until


def test_one_totp_code_sent_twice_at_once_logs_in_once(committing_app):
    import pyotp

    secret = pyotp.random_base32()
    Factory(committing_app, db.session).user(Role.AUDITOR, email="twice@example.org", totp_secret=secret)
    posts = []
    for _ in range(RACERS):
        client = committing_app.test_client()
        client.post("/auth/login", data={"email": "twice@example.org", "password": PASSWORD,
                                         "csrf_token": csrf_token(client, "/auth/login")})
        token = csrf_token(client, "/auth/totp")
        posts.append(lambda c=client, t=token: c.post("/auth/totp", data={"code": pyotp.TOTP(secret).now(),
                                                                          "csrf_token": t}))
    statuses = sorted(r.status_code for r in race(posts))
    assert statuses.count(303) == 1, statuses


def test_two_enrolments_at_once_keep_one_secret(committing_app):
    """Two windows past the password step each hold their own new secret: one
    enrolment wins, the other is sent to the code page, and the stored secret is the
    winner's (not silently replaced by the second)."""
    import pyotp

    from ovote.accounts import totp
    from ovote.runtime import runtime

    with committing_app.app_context():
        user = Factory(committing_app, db.session)._user(Role.OFFICIAL, email="enrol@example.org")
        user.totp_secret_enc = None  # not enrolled yet: the first login asks for it
        db.session.commit()
    posts, secrets = [], []
    for _ in range(RACERS):
        client = committing_app.test_client()
        client.post("/auth/login", data={"email": "enrol@example.org", "password": PASSWORD,
                                         "csrf_token": csrf_token(client, "/auth/login")})
        token = csrf_token(client, "/auth/totp/enrol")
        with client.session_transaction() as session:
            secrets.append(session["totp_enrol_secret"])
        posts.append(lambda c=client, t=token, s=secrets[-1]: c.post(
            "/auth/totp/enrol", data={"code": pyotp.TOTP(s).now(), "csrf_token": t}))
    responses = race(posts)
    won = [i for i, r in enumerate(responses) if r.headers.get("Location", "").endswith("/account")]
    assert len(won) == 1, [(r.status_code, r.headers.get("Location")) for r in responses]
    lost = [(r.status_code, r.headers.get("Location")) for i, r in enumerate(responses) if i not in won]
    assert all(status in (302, 303) and (where or "").endswith("/auth/totp") for status, where in lost), lost
    with committing_app.app_context():
        user = db.session.query(User).filter_by(email="enrol@example.org").one()
        assert totp.secret_of(user, cipher=runtime(committing_app).cipher) == secrets[won[0]]


def test_two_commissioners_deactivating_each_other_at_once_leave_one(committing_app):
    """Each would be refused deactivating themselves; at once, without the rows held,
    both succeeded on PostgreSQL and no commissioner was left to manage staff."""
    emails = ("chair-a@example.org", "chair-b@example.org")
    [(first, first_token)], [(second, second_token)] = (
        commissioner_clients(committing_app, email, "/staff/", 1) for email in emails)
    with committing_app.app_context():
        a_id, b_id = (db.session.query(User).filter_by(email=email).one().id for email in emails)
    posts = [lambda: first.post(f"/staff/{b_id}/deactivate", data={"csrf_token": first_token}),
             lambda: second.post(f"/staff/{a_id}/deactivate", data={"csrf_token": second_token})]
    race(posts)
    with committing_app.app_context():
        active = db.session.query(User).filter(User.email.in_(emails), User.active.is_(True)).count()
    assert active == 1


def test_simultaneous_audit_appends_make_one_unbroken_chain(committing_app):
    """Each append reads the last event and links to it: two at once must not both
    take the same place in the chain (nor fail, losing the change they record)."""
    from ovote.audit.models import AuditEvent
    from ovote.audit.services import record, verify_chain

    def append(n):
        def run():
            with committing_app.app_context():
                record(db.session, actor="cli", action="test.race", target=f"racer:{n}")
                db.session.commit()
                return n

        return run

    for round_ in range(3):
        assert race([append(f"{round_}.{n}") for n in range(RACERS)]) == [
            f"{round_}.{n}" for n in range(RACERS)]
    with committing_app.app_context():
        assert verify_chain(db.session) is None
        assert db.session.query(AuditEvent).filter_by(action="test.race").count() == 3 * RACERS


def commissioner_clients(app, email, url, count):
    Factory(app, db.session).user(Role.COMMISSIONER, email=email)
    with app.app_context():
        who = SimpleNamespace(session_token=db.session.query(User).filter_by(email=email).one().session_token)
    clients = []
    for _ in range(count):
        client = app.test_client()
        log_in(app, client, who)
        clients.append((client, csrf_token(client, url)))
    return clients


def test_simultaneous_consulates_with_one_code_make_one(committing_app):
    from ovote.consulates.models import Consulate

    data = {"code": "RACE", "name": "Consulate", "city": "City", "host_country": "PT",
            "timezone": "Europe/Lisbon", "served": ["PT"]}
    posts = [lambda c=c, t=t: c.post("/consulates/new", data=dict(data, csrf_token=t))
             for c, t in commissioner_clients(committing_app, "chair1@example.org", "/consulates/new", RACERS)]
    responses = race(posts)
    assert sorted(r.status_code for r in responses) == [303] + [422] * (RACERS - 1)
    assert all("Another consulate already uses the code RACE." in r.get_data(as_text=True)
               for r in responses if r.status_code == 422)
    assert count(committing_app, Consulate, code="RACE") == 1


def test_simultaneous_staff_accounts_with_one_address_make_one(committing_app):
    data = {"email": "newcomer@example.org", "role": "auditor", "consulate": ""}
    posts = [lambda c=c, t=t: c.post("/staff/new", data=dict(data, csrf_token=t))
             for c, t in commissioner_clients(committing_app, "chair2@example.org", "/staff/new", RACERS)]
    responses = race(posts)
    assert sorted(r.status_code for r in responses) == [303] + [422] * (RACERS - 1)
    assert all("An account with this e-mail address already exists." in r.get_data(as_text=True)
               for r in responses if r.status_code == 422)
    assert count(committing_app, User, email="newcomer@example.org") == 1


def test_simultaneous_look_alike_constituency_codes_make_one(committing_app):
    from ovote.consulates.models import Constituency

    codes = ["XOI", "X0I", "XO1", "X01", "X0I", "XOI"]  # letter O / digit 0, letter I / digit 1
    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
    clients = commissioner_clients(committing_app, "chair4@example.org", "/constituencies/", RACERS)
    posts = [lambda c=c, t=t, code=code, name=name: c.post(
        "/constituencies/", data={"code": code, "name": name, "csrf_token": t})
        for (c, t), code, name in zip(clients, codes, names)]
    responses = race(posts)
    assert sorted(r.status_code for r in responses) == [303] + [422] * (RACERS - 1)
    assert all("can be mistaken for" in r.get_data(as_text=True)
               or "Another constituency already uses the code" in r.get_data(as_text=True)
               for r in responses if r.status_code == 422)
    with committing_app.app_context():
        assert db.session.query(Constituency).filter(Constituency.code.in_(codes)).count() == 1


def test_simultaneous_constituencies_with_one_code_make_one(committing_app):
    from ovote.consulates.models import Constituency

    posts = [lambda c=c, t=t: c.post("/constituencies/", data={"code": "RACE", "name": "Race",
                                                               "csrf_token": t})
             for c, t in commissioner_clients(committing_app, "chair3@example.org", "/constituencies/",
                                              RACERS)]
    responses = race(posts)
    assert sorted(r.status_code for r in responses) == [303] + [422] * (RACERS - 1)
    assert count(committing_app, Constituency, code="RACE") == 1
