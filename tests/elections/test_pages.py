"""The commission's election pages: a definition made page by page, every bad input refused
with its message and status and nothing stored, nothing editable once frozen."""
import re

import pytest
from sqlalchemy import func, select

from ovote.accounts.models import Role
from ovote.elections.models import (BallotStyle, Contest, ContestOption, Election, ElectionState,
                                    ElectionTrustee)
from tests.conftest import csrf_token
from tests.elections.factories import build_election, constituency_for


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


def counts(session):
    return tuple(session.scalar(select(func.count()).select_from(model)) for model in
                 (Election, Contest, ContestOption, BallotStyle, ElectionTrustee))


def text(answer):
    return re.sub(r"\s+", " ", answer.get_data(as_text=True)).replace("&#34;", '"').replace("&#39;", "'")


@pytest.fixture
def commissioner(login_as_commissioner):
    return login_as_commissioner()


BASE = "/commission/elections"


def define(client, factory, db_session):
    constituency_for(db_session, "HOME-S1")
    trustees = [factory.user(Role.TRUSTEE) for _ in range(2)]
    db_session.commit()
    steps = [
        (f"{BASE}/new", {"slug": "local-2027", "title_en": "Local election", "title_fr": "Élection locale",
                         "threshold": "2", "min_unit_ballots": "10", "max_revotes": "20"}),
        (f"{BASE}/local-2027/contests/new", {"code": "MAYOR", "label_en": "Mayor", "min_selections": "0",
                                             "max_selections": "1"}),
        (f"{BASE}/local-2027/contests/MAYOR/options/new", {"code": "ANA", "label_en": "Ana"}),
        (f"{BASE}/local-2027/styles/new", {"code": "S1", "contests": ["MAYOR"],
                                           "constituencies": ["HOME-S1"]}),
        *[(f"{BASE}/local-2027/trustees/new", {"email": t.email}) for t in trustees],
        (f"{BASE}/local-2027/timeline", {"registration_deadline": "2027-03-01T12:00",
                                         "tokens_open": "2027-03-05T09:00", "voting_opens": "2027-03-10T08:00",
                                         "voting_closes": "2027-03-17T20:00", "election_day": "2027-03-17"}),
    ]
    for url, data in steps:
        answer = post(client, url, data)
        assert answer.status_code == 303, (url, text(answer)[-3000:])
    return trustees


def test_a_definition_page_by_page(client, factory, db_session, commissioner):
    define(client, factory, db_session)
    page = text(client.get(f"{BASE}/local-2027"))
    assert "Local election" in page and "MAYOR" in page and "Ana" in page
    assert "Mar 10, 2027, 8:00 AM" in page  # written as English writes times
    answer = post(client, f"{BASE}/local-2027/start-ceremony", {})
    assert answer.status_code == 303
    assert db_session.scalar(select(Election)).state is ElectionState.CEREMONY
    page = text(client.get(f"{BASE}/local-2027"))
    assert "The key ceremony is under way." in page and "The definition can no longer be changed." in page


BAD = [
    ("new", {"slug": "Bad Slug", "title_en": "X"}, 422, "The short name must be 1 to 64"),
    ("new", {"slug": "fine", "title_fr": "Seulement"}, 422, "Give the text in en"),
    ("new", {"slug": "local-2027", "title_en": "X"}, 409, "Another election already uses the short name"),
    ("new", {"slug": "fine", "title_en": "X", "min_unit_ballots": "0"}, 422, "Give a whole number of at least 1."),
    ("contest", {"code": "mayor2", "label_en": "x"}, 422, "“mayor2” is not a valid code"),
    ("contest", {"code": "C2", "label_en": "x", "min_selections": "3", "max_selections": "1"}, 422,
     "The minimum number of choices (3) is more than the maximum (1)."),
    ("contest", {"code": "MAYOR", "label_en": "x"}, 409, "The code MAYOR is already used here."),
    ("contest", {"code": "C2", "label_en": ""}, 422, "Give the text in en"),
    ("option", {"code": "ANA", "label_en": "x"}, 409, "The code ANA is already used here."),
    ("option", {"code": "BÉA", "label_en": "x"}, 422, "“BÉA” is not a valid code"),
    ("style", {"code": "S2", "contests": ["MAYOR", "MAYOR"]}, 422, "Ballot style S2 already carries contest MAYOR."),
    ("style", {"code": "S2", "contests": ["MAYOR"], "constituencies": ["HOME-S1"]}, 409,
     "Home constituency HOME-S1 already gets ballot style S1."),
    ("trustee", {"email": "not-a-trustee@example.org"}, 422, "is not an active staff account with the trustee role"),
    ("timeline", {"registration_deadline": "2027-03-01T12:00", "tokens_open": "2027-03-05T09:00",
                  "voting_opens": "2027-03-20T08:00", "voting_closes": "2027-03-17T20:00",
                  "election_day": "2027-03-17"}, 422, "The dates must follow each other"),
]
URLS = {"new": f"{BASE}/new", "contest": f"{BASE}/local-2027/contests/new",
        "option": f"{BASE}/local-2027/contests/MAYOR/options/new", "style": f"{BASE}/local-2027/styles/new",
        "trustee": f"{BASE}/local-2027/trustees/new", "timeline": f"{BASE}/local-2027/timeline"}


@pytest.mark.parametrize("page, data, status, message", BAD,
                         ids=[f"{p}-{i}" for i, (p, *_rest) in enumerate(BAD)])
def test_bad_input_is_refused_and_nothing_is_stored(client, factory, db_session, commissioner, page,
                                                    data, status, message):
    define(client, factory, db_session)
    before = counts(db_session)
    answer = post(client, URLS[page], {"min_unit_ballots": "10", "max_revotes": "20",
                                       "min_selections": "0", "max_selections": "1", **data})
    assert answer.status_code == status, text(answer)[-2000:]
    body = text(answer)
    assert message in body and "There is a problem" in body, body[body.find("<main"):][:1500]
    db_session.expire_all()
    assert counts(db_session) == before


@pytest.mark.parametrize("path, data", [
    ("settings", {"title_en": "Changed", "min_unit_ballots": "10", "max_revotes": "20"}),
    ("contests/new", {"code": "C9", "label_en": "x", "min_selections": "0", "max_selections": "1"}),
    ("contests/C1/options/new", {"code": "ZED", "label_en": "x"}),
    ("styles/new", {"code": "S9", "contests": ["C1"]}),
    ("trustees/new", {"email": "x@example.org"}),
    ("timeline", {"registration_deadline": "2027-03-01T12:00", "tokens_open": "2027-03-05T09:00",
                  "voting_opens": "2027-03-10T08:00", "voting_closes": "2027-03-17T20:00",
                  "election_day": "2027-03-17"}),
], ids=lambda v: v if isinstance(v, str) else None)
def test_no_page_edits_a_frozen_election(client, factory, db_session, commissioner, path, data):
    build_election(factory)
    before = counts(db_session)
    url = f"{BASE}/test-election/{path}"
    shown = client.get(url)
    assert shown.status_code == 409
    assert "its definition can no longer be changed" in text(shown)
    answer = post(client, url, data)
    assert answer.status_code == 409
    assert "its definition can no longer be changed" in text(answer)
    db_session.expire_all()
    assert counts(db_session) == before


@pytest.mark.parametrize("state, move, status, message", [
    ("draft", "open", 409, "The election is at “Draft”: it cannot go to “Open for voting” from there."),
    ("frozen", "close", 409, "The election is at “Frozen”: it cannot go to “Closed” from there."),
    ("frozen", "start-ceremony", 409, "it cannot go to “Key ceremony” from there."),
    ("ceremony", "freeze", 409, "The key ceremony is not finished: the election cannot be frozen yet."),
    ("draft", "freeze", 409, "it cannot go to “Frozen” from there."),
])
def test_moves_out_of_order_are_refused(client, factory, db_session, commissioner, state, move, status,
                                        message):
    built = build_election(factory, state=state)
    answer = post(client, f"{BASE}/test-election/{move}", {})
    assert answer.status_code == status
    assert message in text(answer)
    db_session.expire_all()
    assert db_session.get(Election, built.election.id).state is ElectionState(state)


def test_the_freeze_page_freezes_with_the_ceremony_s_outcome(client, factory, db_session, commissioner,
                                                            monkeypatch):
    from ovote.elections import ceremony_link

    built = build_election(factory, state="ceremony")
    monkeypatch.setattr(ceremony_link, "_sources", [lambda session, election: built.ceremony])
    answer = post(client, f"{BASE}/test-election/freeze", {})
    assert answer.status_code == 303 and answer.location.endswith("/test-election/freeze/progress")
    page = text(client.get(answer.location))
    assert "The election is frozen." in page
    db_session.expire_all()
    assert db_session.get(Election, built.election.id).state is ElectionState.FROZEN
    assert post(client, f"{BASE}/test-election/open", {}).status_code == 303
    assert db_session.get(Election, built.election.id).state is ElectionState.OPEN


@pytest.mark.parametrize("role, status", [(Role.VOTER, 403), (Role.OFFICIAL, 403), (Role.TRUSTEE, 403),
                                          (Role.AUDITOR, 403)])
def test_only_commissioners_change_elections(client, factory, login_as, role, status):
    login_as(factory.user(role))
    assert client.post(f"{BASE}/new", data={"slug": "x"}).status_code in (status, 400)
    assert client.get(f"{BASE}/new").status_code == status


def test_the_public_page(client, factory, db_session):
    built = build_election(factory, consulates=("PAR",))
    page = text(client.get("/elections/test-election"))
    short = " ".join(built.election.fingerprint[i:i + 4] for i in range(0, 16, 4))
    assert short in page and "President" in page and "Ana" in page
    assert "Times in UTC." in page and "Europe/Paris" in page
    assert client.get("/elections/no-such").status_code == 404
    build_election(factory, state="draft", slug="secret-draft")
    assert client.get("/elections/secret-draft").status_code == 404
    assert "secret-draft" not in text(client.get("/elections/"))
