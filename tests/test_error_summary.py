"""After a refused submit every form page starts with one error summary: every problem
at once (the form's rules and the service's), each linked to its field, the title
starting "Error:", and messages that say what to do."""
import pytest

from ovote.accounts.models import Role
from ovote.registration.models import ApplicationState
from tests.pages import page_of
from tests.registration.conftest import post, reg, step_data  # noqa: F401 (reg: a fixture)


@pytest.fixture
def draft(reg, login_as):
    application = reg.application(state=ApplicationState.DRAFT)
    login_as(application.voter)
    return application


def assert_summary(response, expected):
    """`expected`: (field id, message) pairs, in the page's order."""
    page = page_of(response)
    assert response.status_code == 422
    assert page.title.startswith("Error: "), page.title
    assert page.summary == [(f"#{target}", message) for target, message in expected]
    assert page.summary_at < page.h1_at, "the summary comes before the page's heading"
    for target, _ in expected:
        assert target in page.by_id, f"the summary links to #{target}, which is not on the page"
        assert page.by_id[target].get("aria-invalid") == "true"
    return page


@pytest.mark.parametrize("step, changes, expected", [
    ("identity", {"surname": "", "birth_date": "2999-01-01", "birth_place": " "},
     [("surname", "Enter your family name"), ("birth_date-day", "Enter a date of birth in the past"),
      ("birth_place", "Enter your place of birth")]),
    # a form rule (the address) together with the service's phone rule
    ("residence", {"address": "", "phone": "12"},
     [("address", "Enter your address where you live"),
      ("phone", "Enter a phone number of France with its area code, or a number of another country "
                "starting with + and its country code, e.g. +33 6 12 34 56 78.")]),
    # a form rule (the MRZ's length) together with a rule only the service knows
    ("documents", {"passport_expiry": "", "mrz": "P" * 201},
     [("passport_expiry-day", "Give the passport's expiry date."), ("mrz", "Write at most 200 characters")]),
])
def test_a_step_lists_every_problem_at_once(client, draft, step, changes, expected):
    response = post(client, f"/register/step/{step}", {**step_data(step), **changes})
    assert_summary(response, expected)


def test_sign_up_lists_the_address_and_the_password_problems_together(client):
    response = post(client, "/auth/signup", {"email": "not an address", "password": "short",
                                             "confirm": "other"})
    page = assert_summary(response, [
        ("email", "This is not a valid e-mail address: An email address must have an @-sign."),
        ("password", "Choose a password of at least 10 characters."),
        ("confirm", "Enter the same password in both fields")])
    assert page.by_id["email"].get("aria-describedby") == "email-error"


def test_a_refusal_of_the_service_is_in_the_summary_too(client, factory, login_as):
    login_as(factory.user(Role.COMMISSIONER))
    response = post(client, "/staff/new", {"email": "", "role": "official", "consulate": "NOPE"})
    assert_summary(response, [("email", "Enter the staff member's e-mail address")])
    factory.user(Role.OFFICIAL, email="taken@example.org")
    response = post(client, "/staff/new", {"email": "taken@example.org", "role": "auditor", "consulate": ""})
    page = page_of(response)
    assert page.title.startswith("Error: ") and len(page.summary) == 1
    assert page.summary[0][0] is None  # a refusal about the whole form links nowhere


def test_a_page_without_problems_has_no_summary(client, draft):
    page = page_of(client.get("/register/step/identity"))
    assert page.summary_at is None and not page.title.startswith("Error")


def test_the_focus_moves_by_a_served_script_not_an_inline_one(client, draft):
    response = post(client, "/register/step/identity", {**step_data("identity"), "surname": ""})
    page = page_of(response)
    assert [s.get("src") for s in page.scripts] == ["/static/js/app.js"]
    assert not any("inline" in s for s in page.scripts)
    summary = page.by_id["error-summary"]
    assert summary["tabindex"] == "-1" and summary["role"] == "alert"
    assert "data-error-summary" in client.get("/static/js/app.js").get_data(as_text=True)
