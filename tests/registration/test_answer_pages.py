"""GOV.UK question-page patterns: "Change" returns to the review, the channel is chosen
from radios with none preselected, a consulate with no alternative is named, dates are
typed as day, month and year."""
import re
from datetime import date

from ovote.registration.models import ApplicationState
from tests.pages import page_of
from tests.registration.conftest import post, step_data


def start(client, login_as_voter):
    voter = login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    return voter


def test_change_on_the_review_page_comes_back_to_it(client, reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    review = client.get("/register/review").get_data(as_text=True)
    assert 'href="/register/step/residence?return_to=review"' in review
    page = client.get("/register/step/residence?return_to=review").get_data(as_text=True)
    assert '<input type="hidden" name="return_to" value="review">' in page
    assert "Save and return to the review" in page and "Save and finish later" not in page
    response = post(client, "/register/step/residence?return_to=review",
                    {**step_data("residence"), "address": "1 Quai Branly\n75007 Paris",
                     "return_to": "review", "then": "next"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/review")
    # without it, the next step follows as before
    response = post(client, "/register/step/residence", {**step_data("residence"), "then": "next"})
    assert response.headers["Location"].endswith("/register/step/consulate")


def test_the_channel_is_a_set_of_radios_with_nothing_chosen(client, reg, login_as_voter):
    start(client, login_as_voter)
    reg.constituency()
    page = client.get("/register/step/voting").get_data(as_text=True)
    radios = re.findall(r'<input[^>]*type="radio"[^>]*>', page)
    assert len(radios) == 3 and not any("checked" in r for r in radios)
    assert re.search(r'<fieldset[^>]*>\s*<legend class="form-label">How would you like to vote\?</legend>', page)
    response = post(client, "/register/step/voting", {"constituency": reg.constituency().id})
    assert response.status_code == 422
    assert page_of(response).summary == [("#channel-0", "Choose how you would like to vote")]


def test_a_single_consulate_is_named_instead_of_offered(client, factory, reg, login_as_voter, db_session):
    voter = start(client, login_as_voter)
    factory.consulate(code="PAR", name="Consulate General in Paris", city="Paris", served=("FR",))
    for step in ("identity", "documents", "residence"):
        assert post(client, f"/register/step/{step}", step_data(step)).status_code == 303
    page = page_of(client.get("/register/step/consulate"))
    served = page.by_id["consulate-served"]
    assert served and "select" not in client.get("/register/step/consulate").get_data(as_text=True).split(
        'id="consulate-served"')[1].split("</form>")[0]
    html = client.get("/register/step/consulate").get_data(as_text=True)
    assert "Consulate General in Paris (Paris)" in html
    assert "This consulate serves residents of France: it will check your application." in html
    consulate_id = re.search(r'<input type="hidden" name="consulate" value="(\d+)">', html).group(1)
    assert post(client, "/register/step/consulate", {"consulate": consulate_id}).status_code == 303


def test_a_choice_of_consulates_is_still_a_list(client, factory, login_as_voter):
    start(client, login_as_voter)
    factory.consulate(code="PAR", served=("FR",))
    factory.consulate(code="LYO", served=("FR",))
    for step in ("identity", "documents", "residence"):
        post(client, f"/register/step/{step}", step_data(step))
    html = client.get("/register/step/consulate").get_data(as_text=True)
    assert re.search(r'<select [^>]*id="consulate"', html) and 'id="consulate-served"' not in html


def test_the_date_of_birth_is_three_fields_with_birthday_autocomplete(client, login_as_voter, db_session):
    voter = start(client, login_as_voter)
    html = client.get("/register/step/identity").get_data(as_text=True)
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        assert re.search(rf'<label class="form-label" for="birth_date-{part}">', html)
        assert re.search(rf'id="birth_date-{part}"\s+name="birth_date-{part}" type="text" inputmode="numeric" '
                         rf'value="" autocomplete="bday-{part}"', html)
    data = {**step_data("identity"), "birth_date-day": "7", "birth_date-month": "03", "birth_date-year": "1985"}
    del data["birth_date"]
    assert post(client, "/register/step/identity", data).status_code == 303
    from ovote.registration.models import Application

    application = db_session.query(Application).filter_by(voter_id=voter.id).one()
    assert application.birth_date == date(1985, 3, 7)
    html = client.get("/register/step/identity").get_data(as_text=True)
    assert 'id="birth_date-day"' in html and 'value="7"' in html and 'value="1985"' in html


def test_the_country_of_residence_autocompletes_as_a_country(client, login_as_voter):
    start(client, login_as_voter)
    html = client.get("/register/step/residence").get_data(as_text=True)
    assert re.search(r'<select autocomplete="country" class="form-select" id="country"', html)
