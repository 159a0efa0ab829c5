"""The diaspora map's figures (voters on the register and tokens by country of
residence, counted ballots by consulate) and the commission's overview page."""
import re

import pytest

from ovote.accounts.models import Role
from ovote.registration.models import Application, ApplicationState
from ovote.voting import diaspora
from tests.voting.helpers import VoterClient, cast, definition_of, open_election, verified_voter


def _voter(app, db_session, setup, consulate, residence):
    voter = verified_voter(app, db_session, setup, consulate=consulate)
    application = db_session.query(Application).filter_by(voter_id=voter.id).one()
    application.residence_country = residence
    db_session.commit()
    device = VoterClient(app.test_client(), setup.slug, definition_of(setup))
    assert device.login(voter.email).status_code == 200
    return voter, device


@pytest.fixture
def voted(app, db_session, factory):
    """PAR (in France): three voters living in France with tokens, two of them voted,
    one of those twice. BER (in Germany): a voter in Germany who voted, one in Austria
    with a token, one in Switzerland without. One application still under review."""
    setup = open_election(app, db_session, factory)
    devices = [_voter(app, db_session, setup, 0, "FR")[1] for _ in range(3)]
    devices += [_voter(app, db_session, setup, 1, country)[1] for country in ("DE", "AT")]
    _voter(app, db_session, setup, 1, "CH")
    for device, unit in zip(devices, ["PAR-S1"] * 3 + ["BER-S1"] * 2):
        assert device.get_token(unit).status_code == 201
    for device in (devices[0], devices[1], devices[0], devices[3]):
        choice = {"PRESIDENT": ["ANA" if device is devices[0] and device.token else "BEN"], "REFERENDUM": []}
        assert cast(app.test_client(), setup.slug, device.ballot(choice)).status_code == 201
        choice["PRESIDENT"] = ["CLEO"]  # the revote differs from the first ballot
    pending = verified_voter(app, db_session, setup)
    application = db_session.query(Application).filter_by(voter_id=pending.id).one()
    application.state, application.decided_at, application.residence_country = \
        ApplicationState.SUBMITTED, None, "IT"
    db_session.commit()
    return setup


def test_the_figures_per_country_and_consulate(db_session, voted):
    election = voted.election
    assert diaspora.registrations_by_country(db_session) == {"FR": 3, "DE": 1, "AT": 1, "CH": 1}
    assert diaspora.tokens_by_country(db_session, election) == {"FR": 3, "DE": 1, "AT": 1}
    rows = diaspora.ballots_by_consulate(db_session, election)
    assert [(r.code, r.country, r.counted) for r in rows] == [("BER", "DE", 1), ("PAR", "FR", 2)]
    assert diaspora.ballots_by_country(rows) == {"DE": 1, "FR": 2}


def test_a_token_holder_who_left_the_register_is_counted_apart(db_session, voted):
    application = db_session.query(Application).filter_by(residence_country="AT").one()
    application.withdraw()
    db_session.commit()
    assert diaspora.registrations_by_country(db_session) == {"FR": 3, "DE": 1, "CH": 1}
    assert diaspora.tokens_by_country(db_session, voted.election) == {"FR": 3, "DE": 1, None: 1}


def _rows(html, table):
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_overview_shows_the_map_and_the_same_figures_in_tables(client, login_as_auditor, voted):
    login_as_auditor()
    page = client.get("/commission/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _rows(html, "by-country") == [
        "Country of residence On the register Tokens issued", "Austria 1 1", "France 3 3",
        "Germany 1 1", "Switzerland 1 0", "Total 6 5"]
    assert _rows(html, "by-consulate") == [
        "Consulate Country Counted ballots", "BER Consulate 2 Germany 1", "PAR Consulate 1 France 2",
        "Total 3"]
    # Voters on the register by default: highest figure 3, so classes 1, 2, 3.
    assert re.search(r'class="map-c3" data-country="FR"><title>France: 3</title>', html)
    assert re.search(r'class="map-c1" data-country="CH"><title>Switzerland: 1</title>', html)
    assert re.search(r'class="map-empty" data-country="IT"><title>Italy: 0</title>', html)
    assert "<script" not in html.split("<main", 1)[1] and 'style="' not in html


def test_the_map_shows_ballots_by_the_consulates_country(client, login_as_commissioner, voted):
    login_as_commissioner()
    html = client.get(f"/commission/?election={voted.slug}&measure=ballots").get_data(as_text=True)
    assert 'class="map-c2" data-country="FR"><title>France: 2</title>' in html
    assert 'class="map-c1" data-country="DE"><title>Germany: 1</title>' in html
    assert 'class="map-empty" data-country="AT"' in html
    tokens = client.get(f"/commission/?election={voted.slug}&measure=tokens").get_data(as_text=True)
    assert 'class="map-c3" data-country="FR"><title>France: 3</title>' in tokens


def test_the_overview_in_french(client, login_as_auditor, voted):
    login_as_auditor()
    html = client.get("/commission/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Vue d’ensemble de la commission" in html
    assert "Allemagne 1 1" in _rows(html, "by-country")


def test_a_bad_choice_is_refused_with_an_error_summary(client, login_as_auditor, voted):
    login_as_auditor()
    page = client.get("/commission/?election=nope&measure=everything")
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert 'id="error-summary"' in html and 'id="by-country"' in html


@pytest.mark.parametrize("role", [Role.VOTER, Role.OFFICIAL, Role.TRUSTEE])
def test_only_the_commission_and_auditors_see_it(client, factory, login_as, role):
    login_as(factory.user(role))
    assert client.get("/commission/").status_code == 403


def test_a_stranger_is_sent_to_log_in(client):
    assert client.get("/commission/").status_code == 302


def test_without_a_frozen_election_the_map_shows_the_register(client, login_as_commissioner, factory):
    login_as_commissioner()
    page = client.get("/commission/?measure=ballots")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "No election is frozen yet" in html
    assert 'name="election"' not in html and 'id="by-consulate"' not in html
    assert "<title id=\"map-title\">Voters on the register</title>" in html
