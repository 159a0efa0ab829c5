"""The public results page and the commission's diaspora map in the browser, on a
phone (360 px) and a desktop (1280 px) screen: axe-core finds no WCAG 2.2 A/AA
violation, nothing is wider than the screen, and the map draws the figures the
tables give."""
from datetime import date

import pytest
from playwright.sync_api import expect

from ovote.accounts.models import Role
from ovote.clock import utcnow
from ovote.consulates.models import Constituency, Consulate, ConsulateCountry
from ovote.crypto.canonical import canonical_json
from ovote.elections import documents
from ovote.elections.models import ElectionState
from ovote.extensions import db
from ovote.record.grouping import privacy_groups
from ovote.record.results import results_document
from ovote.registration.models import Application
from ovote.runtime import runtime
from ovote.tally.models import ElectionResults
from ovote.voting.models import TokenIssuance
from ovote.voting.setup import build_open_election, make_verified_voter
from tests.e2e.conftest import check_accessibility, fits_the_screen
from tests.e2e.test_election_definition import log_in, staff
from tests.voting.helpers import unit_keys

SLUG = "e2e-results"
#: (consulate code, its country, residence countries of its voters, tokens issued)
POSTS = [("XPAR", "FR", ["FR"] * 6 + ["BE"] * 2, 5), ("XNYC", "US", ["US"] * 4 + ["CA"], 3),
         ("XTYO", "JP", ["JP", "SG"], 1)]


@pytest.fixture(scope="module")
def seeded(live_server):
    """A published election over three posts (XTYO pooled with XNYC, one in-person
    return) and voters on the register in six countries, tokens issued to some."""
    app = live_server.app
    with app.app_context():
        session = db.session
        consulates = []
        for code, country, _, _ in POSTS:
            consulate = Consulate(code=code, name=f"Consulate in {code[1:].title()}", city=code[1:].title(),
                                  host_country=country, timezone="UTC",
                                  served=[ConsulateCountry(country_code=country)])
            session.add(consulate)
            consulates.append(consulate)
        constituency = Constituency(code="E2E-RES", name="Results constituency")
        session.add(constituency)
        session.flush()
        built = build_open_election(session, slug=SLUG, consulates=consulates, constituency=constituency,
                                    unit_keys=unit_keys(3), cipher=runtime(app).cipher, min_unit_ballots=3,
                                    state=ElectionState.CLOSED)
        number = 0
        for consulate, (code, _, residences, tokens) in zip(consulates, POSTS):
            for index, residence in enumerate(residences):
                number += 1
                voter = make_verified_voter(session, email=f"res{number}@example.org", password_hash="!",
                                            consulate=consulate, constituency=constituency)
                session.query(Application).filter_by(voter_id=voter.id).one().residence_country = residence
                if index < tokens:
                    session.add(TokenIssuance(election_id=built.election.id, voter_id=voter.id,
                                              issued_on=date.today(), blinded_msg_sha256=f"{number:064x}"))
        definition = documents.definition_of(built.election)
        groups = privacy_groups(definition, {"XPAR-S1": 5, "XNYC-S1": 3, "XTYO-S1": 1})
        counts = {("PRESIDENT", "XPAR"): [2, 2, 1], ("PRESIDENT", "pool:XNYC,XTYO"): [1, 3, 0],
                  ("REFERENDUM", "XPAR"): [3, 1], ("REFERENDUM", "pool:XNYC,XTYO"): [2, 2]}
        in_person = [{"consulate": "XTYO", "contest": "PRESIDENT", "counts": [0, 1, 2],
                      "entered_by": 1, "confirmed_by": 2}]
        document = results_document(definition, groups, counts, in_person)
        session.add(ElectionResults(election_id=built.election.id, document=canonical_json(document),
                                    published_at=utcnow()))
        built.election.state = ElectionState.PUBLISHED
        session.commit()
    return document


@pytest.mark.parametrize("width", [360, 1280])
def test_the_results_page(browser, live_server, seeded, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(f"/elections/{SLUG}")
        page.get_by_role("link", name="See the results").click()
        expect(page.locator("h1")).to_contain_text("Results")
        national = page.locator("#contest-PRESIDENT-national tbody tr")
        expect(national.locator("th")).to_have_text(["Ana Alves", "Ben Brito", "Cleo Costa"])
        expect(national.nth(1).locator("td")).to_have_text(["5", "1", "6", "50.0%"])
        expect(page.locator('#contest-PRESIDENT-groups tr[data-group="pool:XNYC,XTYO"]')).to_contain_text(
            "Pool: Consulate in Nyc (XNYC), Consulate in Tyo (XTYO)")
        check_accessibility(page, "results")
        assert fits_the_screen(page)
        page.locator("#how-to-read summary").click()
        expect(page.locator("#turnout-definition")).to_be_visible()
        check_accessibility(page, "results-explained")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the results (CSV)").click()
        assert download.value.suggested_filename == f"{SLUG}-results.csv"
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_diaspora_map(browser, live_server, seeded, width):
    email = f"map-auditor-{width}@example.org"
    secret = staff(live_server.app, email, Role.AUDITOR)
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    try:
        log_in(page, email, secret)
        page.goto("/commission/")
        expect(page.locator("h1")).to_have_text("Commission overview")
        page.get_by_label("Election", exact=True).select_option(SLUG)
        expect(page.locator('#by-country tr[data-country="FR"]')).to_contain_text("France")
        check_accessibility(page, "diaspora-map")
        assert fits_the_screen(page)
        # The map is drawn, France in the darkest class of voters on the register (6),
        # Singapore (too small for the shapes) as a dot.
        expect(page.locator('.world-map__svg path[data-country="FR"]')).to_have_class("map-c4")
        expect(page.locator('.world-map__svg circle[data-country="SG"]')).to_have_count(1)
        page.get_by_role("radio", name="Ballot tokens issued").check()
        page.get_by_role("button", name="Show").click()
        expect(page.locator('.world-map__svg path[data-country="US"] title')).to_have_text("United States: 3")
        expect(page.locator('#by-country tr[data-country="US"] td')).to_have_text(["4", "3"])
        check_accessibility(page, "diaspora-map-tokens")
        assert fits_the_screen(page)
    finally:
        context.close()
