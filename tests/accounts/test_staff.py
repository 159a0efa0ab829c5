import pytest

from ovote.accounts.models import Role, User
from tests.accounts.test_signup import link_in
from tests.conftest import csrf_token


@pytest.mark.parametrize("who, status", [
    ("voter", 403), ("official", 403), ("auditor", 403), ("trustee", 403), ("anonymous", 302),
])
@pytest.mark.parametrize("url", ["/staff/", "/staff/new"])
def test_only_commissioners_reach_staff_pages(client, factory, login_as, who, status, url):
    if who != "anonymous":
        login_as(factory.user(Role(who)))
    response = client.get(url)
    assert response.status_code == status
    if status == 403:
        assert "Your account is not allowed to see this page." in response.get_data(as_text=True)


def create(client, **data):
    data.setdefault("csrf_token", csrf_token(client, "/staff/new"))
    return client.post("/staff/new", data=data)


def test_commissioner_creates_an_official_who_sets_a_password(client, factory, login_as,
                                                              db_session, outbox):
    consulate = factory.consulate("LIS", served=("PT",), host_country="PT")
    login_as(factory.user(Role.COMMISSIONER))
    response = create(client, email="agent@example.org", role="official", consulate="LIS")
    assert response.status_code == 303
    official = db_session.query(User).filter_by(email="agent@example.org").one()
    assert official.role is Role.OFFICIAL and official.consulate is consulate
    assert not official.totp_enrolled
    assert "/auth/reset/" in outbox[-1].get_body(("plain",)).get_content()
    assert "agent@example.org" in client.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"email": "o@example.org", "role": "official", "consulate": ""}, "A consular official needs a consulate"),
    ({"email": "a@example.org", "role": "auditor", "consulate": "LIS"}, "only an official has one"),
    ({"email": "x@example.org", "role": "official", "consulate": "NOPE"}, "Choose a consulate from the list"),
    ({"email": "not-an-email", "role": "auditor", "consulate": ""}, "not a valid e-mail address"),
    ({"email": "v@example.org", "role": "voter", "consulate": ""}, "Not a valid choice"),
])
def test_bad_staff_accounts_are_refused(client, factory, login_as, db_session, data, message):
    factory.consulate("LIS", served=("PT",), host_country="PT")
    login_as(factory.user(Role.COMMISSIONER))
    before = db_session.query(User).count()
    response = create(client, **data)
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)
    assert db_session.query(User).count() == before


def test_deactivating_ends_the_sessions_of_that_account(app, factory, db_session):
    from tests.conftest import log_in

    official = factory.user(Role.OFFICIAL)
    their_client = app.test_client()
    log_in(app, their_client, official)
    assert their_client.get("/account").status_code == 200

    commissioner_client = app.test_client()
    log_in(app, commissioner_client, factory.user(Role.COMMISSIONER))
    token = csrf_token(commissioner_client, "/staff/")
    response = commissioner_client.post(f"/staff/{official.id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 303
    assert not official.active
    assert their_client.get("/account").status_code == 302


def test_staff_actions_need_csrf_and_a_staff_target(client, factory, login_as):
    voter = factory.user(Role.VOTER)
    official = factory.user(Role.OFFICIAL)
    login_as(factory.user(Role.COMMISSIONER))
    assert client.post(f"/staff/{official.id}/deactivate").status_code == 400
    assert official.active
    token = csrf_token(client, "/staff/")
    assert client.post(f"/staff/{voter.id}/deactivate", data={"csrf_token": token}).status_code == 404
    assert client.post("/staff/999999/reset-totp", data={"csrf_token": token}).status_code == 404
    # Beyond the database's integer range: not found, not a 500.
    huge = 2**64
    assert client.post(f"/staff/{huge}/reset-totp", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/staff/{huge}/role").status_code == 404


def test_reset_totp_makes_the_member_enrol_again(client, factory, login_as):
    official = factory.user(Role.OFFICIAL)
    login_as(factory.user(Role.COMMISSIONER))
    token = csrf_token(client, "/staff/")
    assert client.post(f"/staff/{official.id}/reset-totp", data={"csrf_token": token}).status_code == 303
    assert not official.totp_enrolled


def test_commissioner_cannot_deactivate_themselves(client, factory, login_as):
    me = login_as(factory.user(Role.COMMISSIONER))
    token = csrf_token(client, "/staff/")
    response = client.post(f"/staff/{me.id}/deactivate", data={"csrf_token": token}, follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert me.active


def test_invited_staff_sets_password_through_the_mailed_link(client, factory, login_as, outbox, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    create(client, email="newaud@example.org", role="auditor", consulate="")
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    path = link_in(outbox[-1], "/auth/reset")
    new = "auditor passphrase 1"
    assert client.post(path, data={"password": new, "confirm": new,
                                   "csrf_token": csrf_token(client, path)}).status_code == 303
    response = client.post("/auth/login", data={"email": "newaud@example.org", "password": new,
                                                "csrf_token": csrf_token(client, "/auth/login")})
    assert response.headers["Location"].endswith("/auth/totp/enrol")


def test_an_official_moves_to_another_consulate(app, client, factory, login_as, db_session):
    from tests.conftest import log_in
    from ovote.audit.models import AuditEvent

    paris, lisbon = factory.consulate("PAR"), factory.consulate("LIS", served=("PT",))
    official = factory.user(Role.OFFICIAL, consulate=paris)
    their_client = app.test_client()
    log_in(app, their_client, official)
    login_as(factory.user(Role.COMMISSIONER))
    url = f"/staff/{official.id}/role"
    assert '<option selected value="PAR">' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"role": "official", "consulate": "LIS",
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 303
    assert official.consulate is lisbon
    assert their_client.get("/account").status_code == 302  # logged out everywhere
    event = db_session.query(AuditEvent).filter_by(action="staff.change_role").one()
    assert '"before":{"consulate":"PAR"' in event.details and '"consulate":"LIS"' in event.details


@pytest.mark.parametrize("data, message", [
    ({"role": "auditor", "consulate": "PAR"}, "only an official has one"),
    ({"role": "official", "consulate": ""}, "A consular official needs a consulate"),
    ({"role": "official", "consulate": "ZZZ"}, "Choose a consulate from the list."),
    ({"role": "voter", "consulate": ""}, "Not a valid choice"),
])
def test_bad_role_changes_are_refused(client, factory, login_as, db_session, data, message):
    paris = factory.consulate("PAR")
    official = factory.user(Role.OFFICIAL, consulate=paris)
    login_as(factory.user(Role.COMMISSIONER))
    url = f"/staff/{official.id}/role"
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db_session.refresh(official)
    assert official.role is Role.OFFICIAL and official.consulate is paris


def test_role_changes_are_for_staff_only_and_not_for_oneself(client, factory, login_as):
    voter = factory.user(Role.VOTER)
    me = login_as(factory.user(Role.COMMISSIONER))
    assert client.get(f"/staff/{voter.id}/role").status_code == 404
    url = f"/staff/{me.id}/role"
    response = client.post(url, data={"role": "auditor", "consulate": "",
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 422 and "You cannot change your own role." in response.get_data(as_text=True)
    assert me.role is Role.COMMISSIONER


def test_a_deactivated_member_cannot_use_their_mailed_link(app, client, factory, login_as, outbox,
                                                           db_session):
    login_as(factory.user(Role.COMMISSIONER))
    create(client, email="leaver@example.org", role="auditor", consulate="")
    member = db_session.query(User).filter_by(email="leaver@example.org").one()
    token = csrf_token(client, "/staff/")
    assert client.post(f"/staff/{member.id}/deactivate", data={"csrf_token": token}).status_code == 303
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    before = member.password_hash
    path = link_in(outbox[-1], "/auth/reset")
    assert client.get(path).status_code == 400
    new = "leaver passphrase 1"
    response = client.post(path, data={"password": new, "confirm": new, "csrf_token": csrf_token(client, "/auth/forgot")})
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)
    db_session.refresh(member)
    assert member.password_hash == before


def test_a_consulate_code_with_a_nul_byte_is_refused(client, factory, login_as, db_session):
    login_as(factory.user(Role.COMMISSIONER))
    before = db_session.query(User).count()
    response = create(client, email="nul@example.org", role="official", consulate="LI\x00S")
    assert response.status_code == 422
    assert "Choose a consulate from the list." in response.get_data(as_text=True)
    assert db_session.query(User).count() == before


def test_pages_showing_staff_addresses_are_audited(client, factory, login_as, db_session):
    from ovote.audit.models import AuditEvent

    official = factory.user(Role.OFFICIAL)
    chair = login_as(factory.user(Role.COMMISSIONER))
    assert client.get("/staff/").status_code == 200
    assert client.get(f"/staff/{official.id}/role").status_code == 200
    events = [(e.action, e.actor, e.target) for e in db_session.query(AuditEvent).order_by(AuditEvent.seq)]
    assert events[-2:] == [("staff.list_view", f"user:{chair.id}", "staff"),
                           ("staff.view", f"user:{chair.id}", f"user:{official.id}")]
    assert all(official.email not in e.details for e in db_session.query(AuditEvent))
