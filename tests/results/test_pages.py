"""The public results page and its CSV and JSON downloads, on an election whose §8
results document is stored and published."""
import json
import re

import pytest

from ovote.crypto.canonical import canonical_json
from ovote.clock import utcnow
from ovote.elections import documents
from ovote.elections.models import ElectionState
from ovote.record.grouping import privacy_groups
from ovote.record.results import results_document
from ovote.tally.models import ElectionResults
from tests.voting.helpers import open_election, verified_voter

IN_PERSON = [{"consulate": "PAR", "contest": "PRESIDENT", "counts": [2, 0, 1],
              "entered_by": 7, "confirmed_by": 8}]


def _publish(db_session, setup, counted, counts, *, published=True):
    """Store the results of `counted` ballots per unit and `counts` per (contest, group),
    as the tally does, and publish them."""
    definition = documents.definition_of(setup.election)
    groups = privacy_groups(definition, counted)
    document = results_document(definition, groups, counts, IN_PERSON)
    db_session.add(ElectionResults(election_id=setup.election.id, document=canonical_json(document),
                                   published_at=utcnow() if published else None))
    setup.election.state = ElectionState.PUBLISHED if published else ElectionState.TALLIED
    db_session.commit()
    return document


def _voters(app, db_session, setup, paris, berlin):
    for _ in range(paris):
        verified_voter(app, db_session, setup, consulate=0)
    for _ in range(berlin):
        verified_voter(app, db_session, setup, consulate=1)


@pytest.fixture
def published(app, db_session, factory):
    """PAR 4 and BER 3 counted ballots, floor 2: each consulate is its own group.
    Eligible: 6 voters in Paris, 4 in Berlin (and one too young, who does not count)."""
    setup = open_election(app, db_session, factory, slug="res2026", min_unit_ballots=2,
                          state=ElectionState.CLOSED)
    _voters(app, db_session, setup, 6, 4)
    verified_voter(app, db_session, setup, consulate=0, birth_date=utcnow().date())
    document = _publish(db_session, setup, {"PAR-S1": 4, "BER-S1": 3}, {
        ("PRESIDENT", "PAR"): [1, 2, 1], ("PRESIDENT", "BER"): [0, 1, 2],
        ("REFERENDUM", "PAR"): [3, 1], ("REFERENDUM", "BER"): [1, 1]})
    return setup, document


def _rows(html, table_id):
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_page_shows_national_totals_groups_in_person_and_turnout(client, published):
    setup, _ = published
    page = client.get("/elections/res2026/results")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _rows(html, "contest-PRESIDENT-national") == [
        "Option Online In person Total Share", "Ana Alves 1 2 3 30.0%", "Ben Brito 3 0 3 30.0%",
        "Cleo Costa 3 1 4 40.0%"]
    assert _rows(html, "contest-PRESIDENT-groups") == [
        "Consulate or pool Counted ballots Eligible voters Turnout Ana Alves Ben Brito Cleo Costa",
        "Consulate 2 (BER) 3 4 75.0% 0 1 2", "Consulate 1 (PAR) 4 6 66.7% 1 2 1"]
    assert _rows(html, "contest-PRESIDENT-in-person") == [
        "Consulate Ana Alves Ben Brito Cleo Costa", "Consulate 1 (PAR) 2 0 1"]
    assert re.search(r'id="contest-PRESIDENT-turnout">70.0%<', html)
    assert _rows(html, "contest-REFERENDUM-national") == [
        "Option Online In person Total Share", "Yes 4 0 4 66.7%", "No 2 0 2 33.3%"]
    assert 'id="contest-REFERENDUM-no-in-person"' in html
    assert "old enough on election day" in html and "fewer than 2 online ballots" in html
    # The charts: the in-person part of Ana Alves's bar after her online part.
    assert 'width="25.0%" height="20" class="bar-online"' in html
    assert 'x="25.0%" y="26" width="50.0%" height="20" class="bar-in-person"' in html
    assert 'href="/elections/res2026/results.csv"' in html and 'href="/elections/res2026/results.json"' in html
    assert 'href="/elections/res2026/record.zip"' in html
    assert "<script" not in html.split("<main", 1)[1] and 'style="' not in html


def test_the_election_page_links_to_the_results(client, published):
    html = client.get("/elections/res2026").get_data(as_text=True)
    assert 'href="/elections/res2026/results"' in html


def test_the_json_download_is_the_published_document(client, published):
    _, document = published
    response = client.get("/elections/res2026/results.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.data == canonical_json(document)
    assert json.loads(response.data)[0]["national"] == [3, 3, 4]
    assert response.headers["Content-Disposition"] == 'attachment; filename="res2026-results.json"'


def test_the_csv_download(client, published):
    response = client.get("/elections/res2026/results.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True) == (
        "contest,scope,consulates,channel,counted_ballots,eligible_voters,option,option_label,votes\n"
        "PRESIDENT,BER,BER,online,3,4,ANA,Ana Alves,0\n"
        "PRESIDENT,BER,BER,online,3,4,BEN,Ben Brito,1\n"
        "PRESIDENT,BER,BER,online,3,4,CLEO,Cleo Costa,2\n"
        "PRESIDENT,PAR,PAR,online,4,6,ANA,Ana Alves,1\n"
        "PRESIDENT,PAR,PAR,online,4,6,BEN,Ben Brito,2\n"
        "PRESIDENT,PAR,PAR,online,4,6,CLEO,Cleo Costa,1\n"
        "PRESIDENT,PAR,PAR,in_person,,,ANA,Ana Alves,2\n"
        "PRESIDENT,PAR,PAR,in_person,,,BEN,Ben Brito,0\n"
        "PRESIDENT,PAR,PAR,in_person,,,CLEO,Cleo Costa,1\n"
        "PRESIDENT,national,,all,7,10,ANA,Ana Alves,3\n"
        "PRESIDENT,national,,all,7,10,BEN,Ben Brito,3\n"
        "PRESIDENT,national,,all,7,10,CLEO,Cleo Costa,4\n"
        "REFERENDUM,BER,BER,online,3,4,YES,Yes,1\n"
        "REFERENDUM,BER,BER,online,3,4,NO,No,1\n"
        "REFERENDUM,PAR,PAR,online,4,6,YES,Yes,3\n"
        "REFERENDUM,PAR,PAR,online,4,6,NO,No,1\n"
        "REFERENDUM,national,,all,7,10,YES,Yes,4\n"
        "REFERENDUM,national,,all,7,10,NO,No,2\n")


def test_the_page_in_french(client, published):
    html = client.get("/elections/res2026/results", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr"' in html
    assert _rows(html, "contest-REFERENDUM-national")[1:] == ["Oui 4 0 4 66,7 %", "Non 2 0 2 33,3 %"]
    assert "Télécharger les résultats (CSV)" in html
    assert "Participation" in html


def test_a_contest_below_the_floor_is_withheld_with_its_reason(app, client, db_session, factory):
    setup = open_election(app, db_session, factory, slug="small2026", min_unit_ballots=10,
                          state=ElectionState.CLOSED)
    _voters(app, db_session, setup, 5, 4)
    _publish(db_session, setup, {"PAR-S1": 4, "BER-S1": 3}, {})
    html = client.get("/elections/small2026/results").get_data(as_text=True)
    assert 'id="contest-PRESIDENT-withheld"' in html and 'id="contest-REFERENDUM-withheld"' in html
    assert "Not published to protect secrecy" in html
    assert "Only 7 online ballots were counted for this contest in the whole electorate, fewer than 10." in html
    assert 'id="contest-PRESIDENT-national"' not in html
    assert _rows(html, "contest-PRESIDENT-groups")[1] == \
        "Pool: Consulate 2 (BER), Consulate 1 (PAR) 7 9 77.8% Not published to protect secrecy"
    assert _rows(html, "contest-PRESIDENT-in-person")[1] == "Consulate 1 (PAR) 2 0 1"
    csv = client.get("/elections/small2026/results.csv").get_data(as_text=True)
    assert "PRESIDENT,national,,all,7,9,ANA,Ana Alves,\n" in csv


@pytest.mark.parametrize("state", [ElectionState.OPEN, ElectionState.CLOSED])
def test_before_publication_nothing_of_the_results_is_shown(app, client, db_session, factory, state):
    setup = open_election(app, db_session, factory, slug="early2026", state=state)
    page = client.get("/elections/early2026/results")
    assert page.status_code == 200 and 'id="results-not-yet"' in page.get_data(as_text=True)
    assert client.get("/elections/early2026/results.csv").status_code == 404
    assert client.get("/elections/early2026/results.json").status_code == 404
    assert 'href="/elections/early2026/results"' not in client.get("/elections/early2026").get_data(as_text=True)


def test_stored_but_unpublished_results_stay_hidden(app, client, db_session, factory):
    setup = open_election(app, db_session, factory, slug="tallied2026", state=ElectionState.CLOSED)
    _publish(db_session, setup, {"PAR-S1": 1, "BER-S1": 1},
             {("PRESIDENT", "PAR"): [1, 0, 0], ("PRESIDENT", "BER"): [0, 1, 0],
              ("REFERENDUM", "PAR"): [1, 0], ("REFERENDUM", "BER"): [0, 1]}, published=False)
    assert 'id="results-not-yet"' in client.get("/elections/tallied2026/results").get_data(as_text=True)
    assert client.get("/elections/tallied2026/results.json").status_code == 404


@pytest.mark.parametrize("path", ["/elections/nope/results", "/elections/nope/results.csv",
                                  "/elections/nope/results.json", "/elections/bad%20slug/results"])
def test_an_unknown_election_is_not_found(client, path):
    assert client.get(path).status_code == 404
