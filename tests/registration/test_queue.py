"""The official's queue and application pages: own consulate only, by any URL or parameter."""
from datetime import timedelta

import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.registration.models import ApplicationState, CheckOutcome
from tests.registration.conftest import post


def test_the_queue_lists_the_consulates_submitted_applications_oldest_first(client, db_session, factory,
                                                                          reg, login_as_official):
    paris = factory.consulate(code="PAR", served=("FR",))
    first = reg.application(consulate=paris)
    second = reg.application(consulate=paris, documents={"passport_number": "CB7654321"},
                             person={"surname": "Costa"})
    first.submitted_at = second.submitted_at - timedelta(hours=1)
    draft = reg.application(consulate=paris, state=ApplicationState.DRAFT,
                            documents={"passport_number": "CC1111111"}, person={"surname": "Draft"})
    elsewhere = reg.application(residence={"country": "GB", "phone": "020 7946 0018"},
                                documents={"passport_number": "CD2222222"}, person={"surname": "Abroad"})
    db_session.commit()
    login_as_official(paris)

    page = client.get("/applications/").get_data(as_text=True)
    assert page.index(f"#{first.id}<") < page.index(f"#{second.id}<")
    assert "Costa" in page and "Ana Maria Silva" in page
    assert f"#{draft.id}<" not in page and "Draft" not in page.split("<tbody>")[1]
    assert f"#{elsewhere.id}<" not in page and "Abroad" not in page
    assert "Submitted (2)" in page
    event = db_session.query(AuditEvent).order_by(AuditEvent.seq.desc()).first()
    assert event.action == "application.queue_view" and event.target == "consulate:PAR"


def test_the_queue_filters_by_status_and_check_result_with_counts(client, db_session, factory, reg,
                                                                  login_as_official):
    paris = factory.consulate(code="PAR", served=("FR",))
    reg.registry_entry()
    passing = reg.application(consulate=paris)
    failing = reg.application(consulate=paris, documents={"passport_number": "ZZ9999999"},
                              person={"surname": "Unknown"})
    assert passing.checks_outcome is CheckOutcome.PASS
    assert failing.checks_outcome is CheckOutcome.FAIL
    login_as_official(paris)

    page = client.get("/applications/?check=fail").get_data(as_text=True)
    assert f"#{failing.id}<" in page and f"#{passing.id}<" not in page
    assert "Failed (1)" in page and "Passed (1)" in page
    page = client.get("/applications/?status=verified").get_data(as_text=True)
    assert "No application matches." in page
    page = client.get("/applications/?status=nonsense&check=%3Cscript%3E&page=-4").get_data(as_text=True)
    assert f"#{failing.id}<" in page and f"#{passing.id}<" in page


def test_an_official_sees_every_check_with_its_reason(client, db_session, factory, reg, login_as_official):
    paris = factory.consulate(code="PAR", served=("FR",))
    reg.registry_entry(given_names="Anna Maria")
    application = reg.application(consulate=paris)
    login_as_official(paris)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert page.count("data-rule=") == 11
    assert 'data-rule="civil_registry" data-outcome="review"' in page
    assert "the names differ: compare them with the document" in page
    assert "Aged " in page and "(the minimum is 18)" in page
    assert "CA1234567" in page and "+33142685300" in page
    assert db_session.query(AuditEvent).order_by(AuditEvent.seq.desc()).first().action == "application.view"


@pytest.fixture
def other_consulates_application(factory, reg):
    paris = factory.consulate(code="PAR", served=("FR",))
    london = factory.consulate(code="LON", served=("GB",), host_country="GB")
    application = reg.application(consulate=paris)
    return application, london


@pytest.mark.parametrize("method, suffix", [
    ("get", ""), ("get", "/document"), ("post", "/decision"), ("post", "/confirm"), ("post", "/recheck"),
])
def test_an_official_of_another_consulate_gets_404_by_any_url(client, db_session, factory, login_as,
                                                              other_consulates_application, method, suffix):
    application, london = other_consulates_application
    official = factory.user(Role.OFFICIAL, consulate=london)
    login_as(official)
    before = db_session.query(AuditEvent).count()
    data = {"action": "verify", "reason": "identity_confirmed", "note": "mine now"}
    if method == "post":
        response = client.post(f"/applications/{application.id}{suffix}",
                               data={**data, "csrf_token": _token(client)})
    else:
        response = client.get(f"/applications/{application.id}{suffix}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Silva" not in body and "CA1234567" not in body
    assert application.state is ApplicationState.SUBMITTED and application.decisions == []
    events = db_session.query(AuditEvent).order_by(AuditEvent.seq).all()[before:]
    assert not [e for e in events if e.target == f"application:{application.id}"]


def _token(client):
    """A CSRF token of the session (any form of the site carries the same one)."""
    from tests.conftest import csrf_token

    return csrf_token(client, "/account")


def test_a_draft_of_the_officials_own_consulate_is_not_visible(client, db_session, factory, reg,
                                                               login_as_official):
    paris = factory.consulate(code="PAR", served=("FR",))
    draft = reg.application(consulate=paris, state=ApplicationState.DRAFT)
    login_as_official(paris)
    assert client.get(f"/applications/{draft.id}").status_code == 404
    assert client.get(f"/applications/{draft.id}/document").status_code == 404


@pytest.mark.parametrize("method, suffix", [
    ("get", ""), ("get", "/document"), ("post", "/decision"), ("post", "/confirm"), ("post", "/recheck"),
])
def test_a_draft_withdrawn_before_submission_stays_hidden_from_the_consulate(
        client, db_session, factory, reg, login_as, login_as_official, method, suffix):
    paris = factory.consulate(code="PAR", served=("FR",))
    draft = reg.application(consulate=paris, state=ApplicationState.DRAFT)
    login_as(draft.voter)
    assert post(client, "/register/withdraw", {"confirm": "y"}).status_code == 303
    assert draft.state is ApplicationState.WITHDRAWN and draft.submitted_at is None
    login_as_official(paris)
    before = db_session.query(AuditEvent).count()
    if method == "post":
        response = client.post(f"/applications/{draft.id}{suffix}", data={
            "action": "reject", "reason": "duplicate", "csrf_token": _token(client)})
    else:
        response = client.get(f"/applications/{draft.id}{suffix}")
    assert response.status_code == 404
    assert "Silva" not in response.get_data(as_text=True)
    events = db_session.query(AuditEvent).order_by(AuditEvent.seq).all()[before:]
    assert not [e for e in events if e.target == f"application:{draft.id}"]


def test_unknown_ids_are_404(client, db_session, factory, login_as_official):
    login_as_official(factory.consulate())
    assert client.get("/applications/999999").status_code == 404
    assert client.get("/applications/abc").status_code == 404
    for huge in (2**31, 2**63, 10**30):
        for suffix in ("", "/document"):
            assert client.get(f"/applications/{huge}{suffix}").status_code == 404
        assert client.post(f"/applications/{huge}/decision",
                           data={"csrf_token": _token(client)}).status_code == 404


@pytest.mark.parametrize("role", [Role.VOTER, Role.COMMISSIONER, Role.AUDITOR, Role.TRUSTEE])
def test_only_officials_reach_the_queue_and_application_pages(client, db_session, factory, login_as,
                                                              other_consulates_application, role):
    application, _ = other_consulates_application
    login_as(factory.user(role))
    for url in ("/applications/", f"/applications/{application.id}",
                f"/applications/{application.id}/document"):
        assert client.get(url).status_code == 403, url


def test_a_voter_cannot_fetch_another_voters_document(client, db_session, reg, login_as, factory):
    someone = reg.application()
    login_as(factory.user(Role.VOTER))
    assert client.get(f"/applications/{someone.id}/document").status_code == 403
    response = client.get("/register/document")
    assert response.status_code == 404
    assert response.data != b"" and b"PNG" not in response.data[:8]
    mine = reg.application(documents={"passport_number": "CB7654321"}, person={"surname": "Costa"})
    login_as(mine.voter)
    assert client.get("/register/document").status_code == 200
    assert client.get(f"/register/document?id={someone.id}").data == client.get("/register/document").data


def test_an_official_opens_the_document_and_each_view_is_audited(client, db_session, factory, reg,
                                                                  login_as_official, app):
    paris = factory.consulate(code="PAR", served=("FR",))
    from tests.registration.conftest import PDF

    application = reg.application(consulate=paris, document=PDF)
    official = login_as_official(paris)
    for _ in range(2):
        response = client.get(f"/applications/{application.id}/document")
        assert response.status_code == 200 and response.data == PDF
        assert response.mimetype == "application/pdf"
        # read in the browser's own tab, not saved: inline, and inert under the CSP sandbox
        assert response.headers["Content-Disposition"] == \
            f'inline; filename="application-{application.id}.pdf"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
    views = db_session.query(AuditEvent).filter_by(action="application.document_view",
                                                   target=f"application:{application.id}").all()
    assert len(views) == 2 and {v.actor for v in views} == {f"user:{official.id}"}


def test_an_image_document_is_shown_inline(client, db_session, factory, reg, login_as_official):
    paris = factory.consulate(code="PAR", served=("FR",))
    application = reg.application(consulate=paris)
    login_as_official(paris)
    response = client.get(f"/applications/{application.id}/document")
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("inline;")
