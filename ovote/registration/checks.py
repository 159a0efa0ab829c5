"""Running the eligibility rules on an application and keeping their results.

`gather_facts` reads what the rules need (the settings, the civil registry, other
applications) into plain data; `run_checks` evaluates every rule and stores
one `CheckResult` per rule, replacing the previous run.
"""
import json
import logging
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.registration import rules
from ovote.registration.models import Application, ApplicationState, CheckResult
from ovote.registration.registry_models import RegistryEntry
from ovote.registration.personal import details, unseal

log = logging.getLogger(__name__)
#: states in which another application counts as a possible duplicate
_IN_PLAY = (ApplicationState.SUBMITTED, ApplicationState.MORE_INFO, ApplicationState.VERIFIED)


#: functions `(session, today) -> date | None` naming the coming election day; the elections
#: domain registers one (it depends on the register, not the other way round)
reference_date_sources = []


def reference_date(session, settings, today):
    """The day ages are assessed on: the coming election's day, else OVOTE_REFERENCE_DATE,
    else today."""
    for source in reference_date_sources:
        day = source(session, today)
        if day is not None:
            return day
    return settings.reference_date or today


def deadline_closes_utc(deadline, tz_name):
    """The first moment after `deadline` (a day, in time zone `tz_name`) as naive UTC."""
    closes = datetime.combine(deadline + timedelta(days=1), time.min, tzinfo=ZoneInfo(tz_name))
    return closes.astimezone(timezone.utc).replace(tzinfo=None)


def registry_entries(session, application):
    """The civil-registry rows of the application's document numbers (none, one or two)."""
    keys = [k for k in (application.national_id_index, application.passport_index) if k]
    if not keys:
        return []
    return session.scalars(select(RegistryEntry).where(RegistryEntry.document_index.in_(keys))
                           .order_by(RegistryEntry.id)).all()


def _registry_facts(entry, cipher):
    return rules.RegistryFacts(
        surname=unseal(entry, "surname_enc", cipher=cipher),
        given_names=unseal(entry, "given_names_enc", cipher=cipher) or "",
        birth_date=entry.birth_date, citizenship=entry.citizenship,
        disqualified=entry.disqualified, constituency=entry.constituency.code)


def _others(session, application, condition):
    """(ids at the same consulate, count elsewhere) of other voters' applications in play."""
    rows = session.execute(
        select(Application.id, Application.consulate_id).where(
            condition, Application.voter_id != application.voter_id,
            Application.state.in_(_IN_PLAY)).order_by(Application.id)).all()
    here = tuple(r.id for r in rows if r.consulate_id == application.consulate_id)
    return here, len(rows) - len(here)


def gather_facts(session, application, *, settings, cipher, now=None):
    """The `rules.Facts` of `application` (decrypted with `cipher`) under `settings`."""
    now = now or utcnow()
    person = details(application, cipher=cipher)
    registry = [_registry_facts(entry, cipher) for entry in registry_entries(session, application)]
    keys = [k for k in (application.national_id_index, application.passport_index) if k]
    consulate = application.consulate
    # "Today" is the consulate's day, as for the deadline: at 01:00 UTC it is still
    # yesterday in the Americas, where a passport expiring yesterday is valid today.
    today = now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(consulate.timezone)).date()
    return rules.Facts(
        surname=person.surname, given_names=person.given_names or "",
        birth_date=application.birth_date, residence_country=application.residence_country,
        consulate=consulate.code, consulate_active=consulate.active,
        consulate_serves=tuple(consulate.served_countries),
        constituency=application.constituency.code, passport_expiry=application.passport_expiry,
        first_submitted_at=application.first_submitted_at or now,
        reference_date=reference_date(session, settings, today), today=today,
        minimum_age=settings.minimum_age, home_country=settings.home_country,
        deadline_closes_utc=(deadline_closes_utc(settings.deadline, consulate.timezone)
                             if settings.deadline else None),
        deadline_day=settings.deadline, registry=registry[0] if registry else None,
        other_registry=tuple(registry[1:]),
        same_document=_others(session, application, or_(
            Application.national_id_index.in_(keys), Application.passport_index.in_(keys))),
        same_person=_others(session, application,
                            Application.person_index == application.person_index)
        if application.person_index else ((), 0),
        no_valid_document=application.no_valid_document,
    )


def run_checks(session, application, *, actor, settings, cipher, now=None):
    """Evaluate every rule, store the results and the overall outcome; returns the results."""
    now = now or utcnow()
    results = rules.evaluate(gather_facts(session, application, settings=settings, cipher=cipher,
                                          now=now))
    application.checks.clear()
    session.flush()
    for result in results:
        application.checks.append(CheckResult(rule=result.rule, outcome=result.outcome,
                                              reason_code=result.reason_code,
                                              params=json.dumps(result.params, sort_keys=True),
                                              checked_at=now))
    application.checks_outcome = rules.overall(results)
    session.flush()
    record(session, actor=actor, action="application.checks", target=f"application:{application.id}",
           details={"outcome": application.checks_outcome.value,
                    "not_passed": [r.rule for r in results if r.outcome is not rules.PASS]})
    log.info("checks of application %s: %s", application.id, application.checks_outcome.value)
    return results


def stored_results(application):
    """The stored results as RuleResult objects (for display), in the order of RULES."""
    order = {rule.__name__: i for i, rule in enumerate(rules.RULES)}
    found = [rules.RuleResult(c.rule, c.outcome, c.reason_code, json.loads(c.params))
             for c in application.checks if c.rule in order]
    return sorted(found, key=lambda r: order[r.rule])
