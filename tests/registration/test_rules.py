"""Each eligibility rule on its own, from plain facts: pass, fail or needs review, with its reason."""
from dataclasses import replace
from datetime import date, datetime

import pytest

from ovote.registration import rules
from ovote.registration.models import CheckOutcome
from ovote.registration.registry_models import Citizenship

PASS, REVIEW, FAIL = CheckOutcome.PASS, CheckOutcome.REVIEW, CheckOutcome.FAIL
REGISTRY = rules.RegistryFacts(surname="Silva", given_names="Ana Maria", birth_date=date(1990, 1, 15),
                               citizenship=Citizenship.CITIZEN, disqualified=False, constituency="NORTH")
FACTS = rules.Facts(
    surname="Silva", given_names="Ana Maria", birth_date=date(1990, 1, 15), residence_country="FR",
    consulate="PAR", consulate_active=True, consulate_serves=("FR", "MC"), constituency="NORTH",
    passport_expiry=date(2031, 1, 1), first_submitted_at=datetime(2026, 3, 1, 12), reference_date=date(2026, 6, 7),
    today=date(2026, 3, 1), minimum_age=18, home_country="PT", registry=REGISTRY)


def check(rule, app, **changes):
    result = rule(replace(FACTS, **changes))
    return result.outcome, result.reason


def test_every_rule_passes_for_an_eligible_applicant(app):
    results = rules.evaluate(FACTS)
    assert [r.outcome for r in results] == [PASS] * len(rules.RULES)
    assert all(r.reason for r in results)
    assert rules.overall(results) is PASS


@pytest.mark.parametrize("birth, reference, outcome, reason", [
    (date(2008, 6, 7), date(2026, 6, 7), PASS, "Aged 18 on 2026-06-07 (the minimum is 18)."),
    (date(2008, 6, 8), date(2026, 6, 7), FAIL, "Aged 17 on 2026-06-07: under the minimum age of 18."),
    (date(2008, 2, 29), date(2026, 2, 28), FAIL, "Aged 17 on 2026-02-28"),
    (date(2008, 2, 29), date(2026, 3, 1), PASS, "Aged 18 on 2026-03-01"),
])
def test_minimum_age_on_the_reference_date(app, birth, reference, outcome, reason):
    got = check(rules.minimum_age, app, birth_date=birth, reference_date=reference)
    assert got[0] is outcome and reason in got[1]


@pytest.mark.parametrize("changes, outcome, reason", [
    ({}, PASS, "Found in the civil registry"),
    ({"surname": "SILVA", "given_names": "maria ana"}, PASS, "Found in the civil registry"),
    ({"surname": "Sílva", "given_names": "Ána-María"}, PASS, "Found in the civil registry"),
    ({"surname": "Santos"}, REVIEW, "the names differ"),
    ({"birth_date": date(1990, 1, 16)}, FAIL, "another date of birth"),
    ({"registry": None}, FAIL, "No entry of the civil registry has this document number."),
    ({"other_registry": (replace(REGISTRY, birth_date=date(1970, 3, 3)),)}, FAIL, "another date of birth"),
    ({"other_registry": (replace(REGISTRY, surname="Costa"),)}, REVIEW, "the names differ"),
    ({"other_registry": (REGISTRY,)}, PASS, "Found in the civil registry"),
])
def test_civil_registry_match_is_exact_on_dates_and_tolerant_on_names(app, changes, outcome, reason):
    got = check(rules.civil_registry, app, **changes)
    assert got[0] is outcome and reason in got[1]


@pytest.mark.parametrize("rule, registry, outcome, reason", [
    (rules.citizenship, replace(REGISTRY, citizenship=Citizenship.NOT_CITIZEN), FAIL, "not list the applicant as a citizen"),
    (rules.citizenship, None, REVIEW, "Not checked"),
    (rules.not_disqualified, replace(REGISTRY, disqualified=True), FAIL, "marks the applicant as disqualified"),
    (rules.not_disqualified, None, REVIEW, "Not checked"),
    (rules.home_constituency, replace(REGISTRY, constituency="SOUTH"), REVIEW,
     "chose the constituency NORTH; the civil registry says SOUTH"),
    (rules.home_constituency, None, REVIEW, "Not checked"),
])
def test_rules_that_read_the_registry(app, rule, registry, outcome, reason):
    got = check(rule, app, registry=registry)
    assert got[0] is outcome and reason in got[1]


@pytest.mark.parametrize("rule, other, outcome", [
    (rules.citizenship, replace(REGISTRY, citizenship=Citizenship.NOT_CITIZEN), FAIL),
    (rules.not_disqualified, replace(REGISTRY, disqualified=True), FAIL),
    (rules.home_constituency, replace(REGISTRY, constituency="SOUTH"), REVIEW),
])
def test_the_registry_row_of_the_second_document_counts_too(app, rule, other, outcome):
    assert check(rule, app, other_registry=(other,))[0] is outcome


def test_resident_abroad(app):
    assert check(rules.resident_abroad, app)[0] is PASS
    outcome, reason = check(rules.resident_abroad, app, residence_country="PT")
    assert outcome is FAIL and "is the home country (Portugal)" in reason


@pytest.mark.parametrize("changes, outcome, reason", [
    ({"residence_country": "MC"}, PASS, "Consulate PAR serves residents of Monaco."),
    ({"residence_country": "GB"}, FAIL, "Consulate PAR does not serve residents of United Kingdom."),
    ({"consulate_active": False}, FAIL, "Consulate PAR is closed."),
])
def test_consulate_serves_residence(app, changes, outcome, reason):
    assert check(rules.consulate_serves_residence, app, **changes) == (outcome, reason)


@pytest.mark.parametrize("expiry, outcome, reason", [
    (date(2026, 3, 1), PASS, "The passport is valid until 2026-03-01."),
    (date(2026, 2, 28), FAIL, "The passport expired on 2026-02-28."),
    (None, PASS, "Only a national identity number was given; it does not expire."),
])
def test_document_not_expired(app, expiry, outcome, reason):
    assert check(rules.document_not_expired, app, passport_expiry=expiry) == (outcome, reason)


@pytest.mark.parametrize("closes, outcome, reason", [
    (None, PASS, "No registration deadline is set."),
    (datetime(2026, 3, 1, 12, 0, 1), PASS, "Submitted on 2026-03-01 12:00 UTC, by the deadline of 2026-03-01."),
    (datetime(2026, 3, 1, 12), FAIL, "Submitted on 2026-03-01 12:00 UTC, after the deadline of 2026-03-01."),
])
def test_registration_deadline(app, closes, outcome, reason):
    got = check(rules.registration_deadline, app, deadline_closes_utc=closes, deadline_day=date(2026, 3, 1))
    assert got == (outcome, reason)


@pytest.mark.parametrize("rule, field, outcome", [
    (rules.unique_document, "same_document", FAIL),
    (rules.unique_person, "same_person", REVIEW),
])
def test_duplicates(app, rule, field, outcome):
    assert check(rule, app)[0] is PASS
    got = check(rule, app, **{field: ((4, 9), 2)})
    assert got[0] is outcome and "(at this consulate: #4, #9; at other consulates: 2)" in got[1]
    assert check(rule, app, **{field: ((), 1)})[0] is outcome


def test_overall_outcome():
    result = lambda outcome: rules.RuleResult("r", outcome, "age.ok", {})  # noqa: E731
    assert rules.overall([result(PASS), result(REVIEW)]) is REVIEW
    assert rules.overall([result(REVIEW), result(FAIL), result(PASS)]) is FAIL
    assert rules.overall([result(PASS)]) is PASS


def test_every_rule_has_a_title_and_every_reason_code_is_known(app):
    assert set(rules.RULE_TITLES) == {rule.__name__ for rule in rules.RULES}
    for rule in rules.RULES:
        for changes in ({}, {"registry": None}):
            assert rule(replace(FACTS, **changes)).reason_code in rules.REASONS
