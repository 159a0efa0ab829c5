"""Steps of several questions ask one per page and save each on its own; "Change" on the
review walks the step's pages and comes back to the review."""
import pytest

from ovote.registration import services
from ovote.registration.models import ApplicationState, VotingChannel
from tests.registration.conftest import post


def test_the_constituency_and_the_channel_are_two_pages_saved_one_at_a_time(client, db_session, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    application.voting_channel = None
    db_session.commit()
    login_as(application.voter)
    page = client.get("/register/step/constituency").get_data(as_text=True)
    assert 'id="constituency"' in page and 'name="channel"' not in page
    other = reg.constituency(code="SOUTH", name="Southern constituency")
    response = post(client, "/register/step/constituency", {"constituency": other.id})
    assert response.headers["Location"].endswith("/register/step/voting")
    db_session.refresh(application)
    assert application.constituency_id == other.id and application.voting_channel is None
    assert "voting" in services.missing_steps(application)
    page = client.get("/register/step/voting").get_data(as_text=True)
    assert 'name="channel"' in page and 'id="constituency"' not in page
    response = post(client, "/register/step/voting", {"channel": "postal"})
    assert response.headers["Location"].endswith("/register/step/upload")
    db_session.refresh(application)
    assert application.voting_channel is VotingChannel.POSTAL and "voting" not in services.missing_steps(application)


def test_change_on_the_review_walks_the_steps_pages_then_returns(client, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    review = client.get("/register/review").get_data(as_text=True)
    assert 'href="/register/step/constituency?return_to=review"' in review
    response = post(client, "/register/step/constituency", {"constituency": application.constituency_id,
                                                            "return_to": "review"},
                    form_url="/register/step/constituency?return_to=review")
    assert response.headers["Location"].endswith("/register/step/voting?return_to=review")
    page = client.get("/register/step/voting?return_to=review").get_data(as_text=True)
    assert "Save and return to the review" in page and "Save and finish later" not in page
    response = post(client, "/register/step/voting", {"channel": "online", "return_to": "review"})
    assert response.headers["Location"].endswith("/register/review")


@pytest.mark.parametrize("constituency, channel, message", [
    (None, "online", "Choose your home constituency from the list."),
    ("known", "by-pigeon", "Choose how you would like to vote."),
])
def test_saving_both_at_once_saves_neither_when_one_is_refused(db_session, reg, constituency, channel, message):
    from ovote.refusals import message_of

    application = reg.application(state=ApplicationState.DRAFT)
    before = (application.constituency_id, application.voting_channel)
    other = reg.constituency(code="SOUTH", name="Southern constituency")
    with pytest.raises(services.InvalidApplication) as refused:
        services.save_voting(db_session, application, actor=application.voter,
                             constituency_id=other.id if constituency else None, channel=channel)
    assert message_of(refused.value) == message
    db_session.rollback()
    db_session.refresh(application)
    assert (application.constituency_id, application.voting_channel) == before


def test_finish_later_on_the_first_page_of_a_step_goes_to_the_status_page(client, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    response = post(client, "/register/step/document-choice", {"has_document": "no", "then": "later"})
    assert response.headers["Location"].endswith("/register/")
