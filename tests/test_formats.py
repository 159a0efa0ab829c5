"""Dates, times and numbers as the page's language writes them."""
from datetime import date, datetime, timezone

import pytest

from ovote.formats import clock, day, number

WHEN = datetime(2026, 12, 1, 9, 5, 7)


@pytest.mark.parametrize("lang, shown_day, shown_clock, with_seconds, shown_number", [
    ("en", "March 27, 1990", "Dec 1, 2026, 9:05\u202fAM", "Dec 1, 2026, 9:05:07\u202fAM", "12,345.5"),
    ("fr", "27 mars 1990", "1 déc. 2026, 09:05", "1 déc. 2026, 09:05:07", "12\u202f345,5"),
    ("ar", "27 مارس 1990", "01\u200f/12\u200f/2026، 9:05 ص", "01\u200f/12\u200f/2026، 9:05:07 ص", "12,345.5"),
])
def test_each_language_writes_them_its_own_way(app, lang, shown_day, shown_clock, with_seconds, shown_number):
    with app.test_request_context(f"/?lang={lang}"):
        assert day(date(1990, 3, 27)) == shown_day
        assert clock(WHEN) == shown_clock and clock(WHEN, seconds=True) == with_seconds
        assert number(12345.5) == shown_number
        assert day(None) == clock(None) == number(None) == ""


def test_a_wall_clock_time_is_shown_as_it_is(app):
    """An aware time (a timeline in a consulate's zone) keeps its wall clock: no
    conversion to UTC on the way."""
    from zoneinfo import ZoneInfo

    toronto = WHEN.replace(tzinfo=timezone.utc).astimezone(ZoneInfo("America/Toronto"))
    with app.test_request_context("/?lang=fr"):
        assert clock(toronto) == "1 déc. 2026, 04:05"
        assert day(WHEN) == "1 décembre 2026"


def test_the_review_page_writes_dates_in_the_page_language(client, login_as_voter):
    from tests.registration.conftest import post, step_data

    login_as_voter()
    post(client, "/register/start", {}, form_url="/register/")
    post(client, "/register/step/identity", {**step_data("identity"), "then": "next"})
    page = client.get("/register/review?lang=fr").get_data(as_text=True)
    assert "15 janvier 1990" in page
    page = client.get("/register/review?lang=ar").get_data(as_text=True)
    assert "15 يناير 1990" in page
