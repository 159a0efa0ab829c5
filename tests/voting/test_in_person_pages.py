"""The polling station's pages: the poll book, and returns entered and confirmed by two officials."""
import html

import pytest

from ovote.accounts.models import Role
from ovote.audit.models import AuditEvent
from ovote.consulates.models import Consulate
from ovote.registration.matching import document_index
from ovote.registration.models import Application
from ovote.registration.personal import seal
from ovote.voting.models import InPersonReturn, PollBookEntry, ReturnState
from tests.conftest import csrf_token, log_in
from tests.voting.helpers import open_election, verified_voter


@pytest.fixture
def setup(app, db_session, factory):
    return open_election(app, db_session, factory, slug="station")


@pytest.fixture
def paris(db_session, setup):
    return db_session.get(Consulate, setup.consulate_ids[0])


@pytest.fixture
def official(app, client, factory, paris):
    return log_in(app, client, factory.user(Role.OFFICIAL, consulate=paris))


def voter_with_passport(app, db_session, setup, cipher, passport="PT7777777", consulate=0):
    voter = verified_voter(app, db_session, setup, consulate=consulate)
    application = db_session.query(Application).filter_by(voter_id=voter.id).one()
    application.passport_index = document_index(passport, cipher=cipher)
    seal(application, "surname_enc", "Almeida", cipher=cipher)
    seal(application, "given_names_enc", "Dora", cipher=cipher)
    seal(application, "passport_number_enc", passport, cipher=cipher)
    db_session.commit()
    return application


def text(response):
    return html.unescape(response.get_data(as_text=True))


BOOK = "/consulates/PAR/elections/station/poll-book"


def test_the_consulate_page_links_the_poll_book_and_the_returns(client, official, setup):
    page = text(client.get("/consulates/PAR"))
    assert "Voting at the consulate" in page and "0 voters marked" in page
    assert f'href="{BOOK}"' in page and 'href="/consulates/PAR/elections/station/returns"' in page


def test_an_official_finds_and_marks_a_voter(client, official, setup, db_session, cipher):
    application = voter_with_passport(client.application, db_session, setup, cipher)
    found = client.get(BOOK, query_string={"number": "pt7777777"})
    assert found.status_code == 200
    page = text(found)
    assert "Dora Almeida" in page and f"OV-{application.id:06d}" in page
    assert db_session.query(AuditEvent).filter_by(action="voting.poll_book_search").count() == 1
    token = csrf_token(client, f"{BOOK}?number=pt7777777")
    response = client.post(f"{BOOK}/{application.id}?number=pt7777777",
                           data={"csrf_token": token, f"voter-{application.id}-checked": "y"})
    assert response.status_code == 303 and response.headers["Location"].endswith(BOOK)
    page = text(client.get(BOOK))
    assert f"Voter OV-{application.id:06d} is marked in the poll book as having voted in person." in page
    assert "1 voter marked so far." in page
    entry = db_session.query(PollBookEntry).one()
    assert entry.marked_by_id == official.id
    again = text(client.get(BOOK, query_string={"number": f"OV-{application.id}"}))
    assert "Already marked in the poll book by" in again and "Mark as voted in person" not in again


def test_marking_without_the_identity_check_is_refused(client, official, setup, db_session, cipher):
    application = voter_with_passport(client.application, db_session, setup, cipher)
    token = csrf_token(client, BOOK)
    response = client.post(f"{BOOK}/{application.id}?number=PT7777777", data={"csrf_token": token})
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page
    assert f'href="#voter-{application.id}-checked">Tick the box to confirm that you checked' in page
    assert db_session.query(PollBookEntry).count() == 0


def test_a_refused_mark_shows_its_message_and_stores_nothing(client, official, setup, db_session, cipher):
    application = voter_with_passport(client.application, db_session, setup, cipher, consulate=1)
    token = csrf_token(client, BOOK)
    response = client.post(f"{BOOK}/{application.id}", data={"csrf_token": token,
                                                             f"voter-{application.id}-checked": "y"})
    assert response.status_code == 409
    assert ("This voter is registered at another consulate: they can vote in person only there "
            "(or online).") in text(response)
    assert db_session.query(PollBookEntry).count() == 0


def test_a_voter_of_another_consulate_is_found_but_not_shown(client, official, setup, db_session, cipher):
    voter_with_passport(client.application, db_session, setup, cipher, passport="DE5555555", consulate=1)
    page = text(client.get(BOOK, query_string={"number": "DE5555555"}))
    assert "A registration at another consulate matches." in page
    assert "Almeida" not in page and "Mark as voted in person" not in page


def test_nothing_found_and_an_empty_search(client, official, setup):
    page = text(client.get(BOOK, query_string={"number": "XX0000000"}))
    assert "No verified voter matches." in page
    page = text(client.get(BOOK, query_string={"surname": "Almeida"}))
    assert "Enter a reference or document number, or the family name and the date of birth." in page


def test_another_consulates_pages_are_not_found(app, client, factory, setup, db_session):
    berlin = db_session.get(Consulate, setup.consulate_ids[1])
    log_in(app, client, factory.user(Role.OFFICIAL, consulate=berlin))
    assert client.get(BOOK).status_code == 404
    assert client.get("/consulates/PAR/elections/station/returns").status_code == 404
    assert client.get("/consulates/BER/elections/station/poll-book").status_code == 200
    assert client.get("/consulates/BER/elections/nope/poll-book").status_code == 404


def test_only_officials_reach_the_poll_book(app, client, factory, setup):
    log_in(app, client, factory.user(Role.COMMISSIONER))
    assert client.get(BOOK).status_code == 403


def test_the_poll_book_in_french(client, official, setup):
    page = text(client.get(BOOK, headers={"Accept-Language": "fr"}))
    assert "Liste d’émargement" in page and "Trouver l’électeur" in page


# -- returns ------------------------------------------------------------------------------

RETURNS = "/consulates/PAR/elections/station/returns"


@pytest.fixture
def closed(app, client, official, setup, db_session, cipher, runtime):
    from ovote.voting import poll_book

    for n in range(2):
        application = voter_with_passport(app, db_session, setup, cipher, passport=f"PT00000{n}")
        poll_book.mark(db_session, setup.election, application, official=official, settings=runtime.settings)
    setup.election.close()
    db_session.commit()
    return setup


def enter(client, counts, contest="PRESIDENT"):
    url = f"{RETURNS}/{contest}"
    data = {"csrf_token": csrf_token(client, url)}
    data.update({f"option_{i}": str(n) for i, n in enumerate(counts)})
    return client.post(url, data=data)


def test_one_official_enters_and_a_second_confirms(app, client, official, closed, factory, db_session,
                                                   paris):
    page = text(client.get(f"{RETURNS}/PRESIDENT"))
    assert "2 voters marked in the poll book had this contest on their ballot." in page
    assert "all the votes together cannot be more than 2" in page
    assert enter(client, [1, 0, 1]).status_code == 303
    assert "Entered by" in text(client.get(RETURNS))
    mine = text(client.get(f"{RETURNS}/PRESIDENT"))
    assert "you entered them yourself" in mine and "Save my decision" not in mine
    refused = client.post(f"{RETURNS}/PRESIDENT/decision",
                          data={"csrf_token": csrf_token(client, RETURNS), "decision": "confirm"})
    assert refused.status_code == 403
    assert "A second official must confirm or reject: you entered these counts yourself." in text(refused)

    second = app.test_client()
    colleague = log_in(app, second, factory.user(Role.OFFICIAL, consulate=paris))
    url = f"{RETURNS}/PRESIDENT"
    assert "Save my decision" in text(second.get(url))
    response = second.post(f"{url}/decision", data={"csrf_token": csrf_token(second, url), "decision": "confirm"})
    assert response.status_code == 303
    assert "The counts are confirmed." in text(second.get(RETURNS))
    entry = db_session.query(InPersonReturn).one()
    assert (entry.state, entry.entered_by_id, entry.confirmed_by_id) == (ReturnState.CONFIRMED, official.id,
                                                                         colleague.id)


@pytest.mark.parametrize("counts, message", [
    (["x", "0", "0"], "Enter the votes for Ana Alves as a whole number of 0 or more, like 12"),
    (["-1", "0", "0"], "Enter the votes for Ana Alves as a whole number of 0 or more, like 12"),
    (["", "0", "0"], "Enter the votes for Ana Alves"),
    (["3", "0", "0"], "ANA cannot have 3 votes: only 2 voters with this contest on their ballot are "
                      "marked in the poll book."),
    (["1", "1", "1"], "The votes add up to 3, more than the 2 the poll book allows (2 voters, at most "
                      "1 choice(s) each). Check the counts."),
])
def test_counts_are_refused_with_an_error_summary(client, official, closed, db_session, counts, message):
    response = enter(client, counts)
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page and message in page
    assert db_session.query(InPersonReturn).count() == 0


def test_a_rejection_needs_a_reason_and_lets_the_counts_be_entered_again(app, client, official, closed,
                                                                          factory, paris, db_session):
    enter(client, [1, 1, 0])
    second = app.test_client()
    log_in(app, second, factory.user(Role.OFFICIAL, consulate=paris))
    url = f"{RETURNS}/PRESIDENT"
    no_reason = second.post(f"{url}/decision", data={"csrf_token": csrf_token(second, url), "decision": "reject"})
    assert no_reason.status_code == 422 and "Say why you reject the counts." in text(no_reason)
    assert db_session.query(InPersonReturn).one().state is ReturnState.ENTERED
    response = second.post(f"{url}/decision", data={"csrf_token": csrf_token(second, url), "decision": "reject",
                                                    "reason": "BEN has 0 on the sheet"})
    assert response.status_code == 303
    page = text(client.get(url))
    assert "rejected the counts entered before: “BEN has 0 on the sheet”" in page
    assert enter(client, [1, 0, 0]).status_code == 303
    assert db_session.query(InPersonReturn).filter_by(state=ReturnState.ENTERED).count() == 1


def test_returns_wait_for_the_close(client, official, setup):
    page = text(client.get(RETURNS))
    assert "Returns are entered after voting closes and until the tally is done: not now." in page
    response = enter(client, [0, 0, 0])
    assert response.status_code == 409


def test_a_voter_marked_in_the_poll_book_is_told_on_the_vote_page(app, setup, db_session, factory,
                                                                   runtime, paris):
    from ovote.voting import poll_book

    voter = verified_voter(app, db_session, setup)
    application = db_session.query(Application).filter_by(voter_id=voter.id).one()
    official = factory.user(Role.OFFICIAL, consulate=paris)
    poll_book.mark(db_session, setup.election, application, official=official, settings=runtime.settings)
    db_session.commit()
    client = app.test_client()
    log_in(app, client, voter)
    page = text(client.get("/elections/station/vote"))
    assert "You voted in person at your consulate in this election: you cannot also vote online." in page
    assert "ovote vote --server" not in page


def test_the_search_is_carried_to_the_mark_form_and_nothing_else(client, official, setup, db_session,
                                                                cipher):
    application = voter_with_passport(client.application, db_session, setup, cipher)
    page = client.get(BOOK, query_string={"number": "PT7777777", "code": "BER", "slug": "other"})
    assert page.status_code == 200
    assert f'action="{BOOK}/{application.id}?number=PT7777777"' in page.get_data(as_text=True)
