"""The commission's overview: counts, median time to decision, chart and CSV without personal data."""
import csv
import io
import re
from datetime import timedelta

import pytest

from ovote.accounts.models import Role
from ovote.registration.models import ApplicationState
from tests.registration.conftest import post


@pytest.fixture
def decided(db_session, factory, reg, client, login_as_official):
    paris = factory.consulate(code="PAR", served=("FR",), name="Consulate General in Paris")
    factory.consulate(code="LON", served=("GB",), host_country="GB")
    reg.registry_entry()
    verified = reg.application(consulate=paris)
    rejected = reg.application(consulate=paris, documents={"passport_number": "CB7654321"},
                               person={"surname": "Costa"})
    waiting = reg.application(consulate=paris, documents={"passport_number": "CC1111111"},
                              person={"surname": "Dias"})
    reg.application(consulate=paris, state=ApplicationState.DRAFT,
                    documents={"passport_number": "CD2222222"}, person={"surname": "Eanes"})
    login_as_official(paris)
    for application, action, reason in ((verified, "verify", "identity_confirmed"),
                                        (rejected, "reject", "not_in_registry")):
        url = f"/applications/{application.id}"
        post(client, f"{url}/decision", {"confirm": "y", "action": action, "reason": reason}, form_url=url)
    verified.first_submitted_at = verified.decided_at - timedelta(days=2)
    rejected.first_submitted_at = rejected.decided_at - timedelta(days=5)
    db_session.commit()
    return paris, waiting


def test_the_overview_counts_by_consulate_and_state_with_the_median(client, db_session, factory, login_as,
                                                                   decided):
    login_as(factory.user(Role.COMMISSIONER))
    page = client.get("/registration/overview").get_data(as_text=True)
    row = page.split('<th scope="row">PAR')[1].split("</tr>")[0]
    cells = re.findall(r'<td class="text-end">([^<]+)', row)
    # draft, submitted, more info, verified, rejected, withdrawn, total, median
    assert [c.strip() for c in cells] == ["1", "1", "0", "1", "1", "0", "4", "3.5"]
    assert "(2 decided)" in row
    lon = page.split('<th scope="row">LON')[1].split("</tr>")[0]
    assert "—" in lon


def test_the_chart_is_an_accessible_svg_without_script_or_inline_style(client, db_session, factory,
                                                                        login_as, decided):
    login_as(factory.user(Role.AUDITOR))
    page = client.get("/registration/overview").get_data(as_text=True)
    svg = page[page.index("<svg"):page.index("</figure>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "<script" not in page.lower().replace('<script src="/static/js/app.js" defer></script>', "")
    assert "style=" not in svg and " on" not in re.sub(r'"[^"]*"', '""', svg)
    assert svg.count("<rect") >= 4 and "Silva" not in page and "Costa" not in page


def test_the_csv_export_holds_counts_and_no_personal_data(client, db_session, factory, login_as, decided):
    login_as(factory.user(Role.COMMISSIONER))
    response = client.get("/registration/overview.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    par = next(r for r in rows if r["consulate"] == "PAR")
    assert (par["verified"], par["rejected"], par["submitted"], par["draft"], par["total"]) == \
        ("1", "1", "1", "1", "4")
    assert par["median_days_to_decision"] == "3.5" and par["name"] == "Consulate General in Paris"
    body = response.get_data(as_text=True)
    for personal in ("Silva", "Costa", "Dias", "CA1234567", "@example.org", "+33"):
        assert personal not in body


def test_a_consulate_name_cannot_smuggle_a_spreadsheet_formula(client, db_session, factory, login_as):
    factory.consulate(code="EVL", name="=HYPERLINK(\"http://evil\")")
    login_as(factory.user(Role.COMMISSIONER))
    body = client.get("/registration/overview.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in body


@pytest.mark.parametrize("role", [Role.VOTER, Role.OFFICIAL, Role.TRUSTEE])
def test_only_the_commission_and_auditors_see_the_overview(client, db_session, factory, login_as, role):
    login_as(factory.user(role))
    assert client.get("/registration/overview").status_code == 403
    assert client.get("/registration/overview.csv").status_code == 403
