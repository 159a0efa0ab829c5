"""The results page and the diaspora map on an election that went the whole way:
the real key ceremony, voters voting with the voter client's code, the close, the
aggregation, two trustees' decryptions and the commission's publication."""
import re

from ovote.accounts.models import Role
from ovote.crypto import ceremony_decrypt
from ovote.elections.models import ElectionState
from ovote.tally import aggregation
from ovote.voting import diaspora
from tests.conftest import log_in
from tests.results.test_pages import _rows
from tests.tally.helpers import Cycle


def test_what_the_tally_published_is_what_the_pages_show(app, client, factory, db_session):
    cycle = Cycle(app, client, factory, db_session, slug="real-2026")
    cycle.vote("PAR-S1", 0, {"C1": ["ANA"], "C2": ["YES"]})
    cycle.vote("LON-S1", 0, {"C1": ["BRUNO"], "C2": ["NO"]})
    cycle.vote("LON-S1", 1, {"C1": [], "C2": ["NO"]})
    cycle.vote("LON-S1", 1, {"C1": ["ANA"], "C2": ["YES"]})  # a revote: this one counts
    cycle.close()
    aggregation.aggregate(db_session, cycle.election, actor="test")
    db_session.commit()
    for index in (1, 3):
        cycle.upload_decryption(index, ceremony_decrypt.decrypt(cycle.trustees.secrets[index],
                                                                cycle.download_request(index)))
    rows = diaspora.ballots_by_consulate(db_session, cycle.election)
    assert [(r.code, r.counted) for r in rows] == [("LON", 2), ("PAR", 1)]
    assert sum(diaspora.tokens_by_country(db_session, cycle.election).values()) == 3

    assert 'id="results-not-yet"' in app.test_client().get("/elections/real-2026/results").get_data(as_text=True)
    log_in(app, client, factory.user(Role.COMMISSIONER))
    page = "/commission/elections/real-2026/tally"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get(page).get_data(as_text=True)).group(1)
    assert client.post(page + "/publish", data={"csrf_token": token}).status_code == 303
    db_session.refresh(cycle.election)
    assert cycle.election.state is ElectionState.PUBLISHED

    public = app.test_client()
    html = public.get("/elections/real-2026/results").get_data(as_text=True)
    national = _rows(html, "contest-C1-national")
    assert national[0] == "Option Online In person Total Share"
    assert [row.split()[-4:] for row in national[1:]][:2] == [["2", "0", "2", "66.7%"], ["1", "0", "1", "33.3%"]]
    groups = _rows(html, "contest-C1-groups")
    assert [row.split("(")[1].split(")")[0] for row in groups[1:]] == ["LON", "PAR"]
    assert re.search(r'id="contest-C1-turnout">75.0%<', html)  # 3 counted of 4 eligible voters
    api = public.get("/api/v1/elections/real-2026/results").get_json()["results"]
    assert public.get("/elections/real-2026/results.json").get_json() == api
    csv = public.get("/elections/real-2026/results.csv").get_data(as_text=True)
    assert "C1,LON,LON,online,2,2,ANA," in csv and "C1,national,,all,3,4,ANA," in csv
