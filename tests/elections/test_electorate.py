"""The last birth date of an eligible voter, as `rules.age_on` counts years."""
from datetime import date

import pytest

from ovote.elections.electorate import latest_birth_date
from ovote.registration.rules import age_on


@pytest.mark.parametrize("day", [date(2026, 12, 6), date(2024, 2, 29), date(2025, 3, 1), date(2028, 2, 28)])
def test_the_latest_birth_date_is_the_last_day_old_enough(day):
    last = latest_birth_date(day, 18)
    assert age_on(last, day) >= 18
    assert age_on(date.fromordinal(last.toordinal() + 1), day) < 18


def test_a_leap_day_election():
    assert latest_birth_date(date(2024, 2, 29), 18) == date(2006, 2, 28)
