"""The automatic eligibility checks: one function per rule.

Each rule takes the `Facts` gathered about an application (plain data: no
database, no request) and returns a `RuleResult`: pass, fail or needs review,
with a reason code. The reason's text lives in `REASONS` and is rendered in
the reader's language; its parameters are codes, dates and counts, never
personal data, because they are stored with the result.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from ovote.countries import country_name
from ovote.registration.matching import names_match
from ovote.registration.models import CheckOutcome
from ovote.registration.registry_models import Citizenship

PASS, REVIEW, FAIL = CheckOutcome.PASS, CheckOutcome.REVIEW, CheckOutcome.FAIL

REASONS = {
    "age.ok": _l("Aged %(age)s on %(date)s (the minimum is %(minimum)s)."),
    "age.too_young": _l("Aged %(age)s on %(date)s: under the minimum age of %(minimum)s."),
    "registry.match": _l("Found in the civil registry: document number, date of birth and names agree."),
    "registry.not_found": _l("No entry of the civil registry has this document number."),
    "registry.birth_date": _l("The civil registry has another date of birth for this document number."),
    "registry.names": _l("Document number and date of birth match the civil registry, but the names "
                         "differ: compare them with the document."),
    "registry.no_document": _l("No valid document: no entry of the civil registry was found from a "
                               "document number. The identity is checked in person at the consulate."),
    "registry.no_document_birth_date": _l("The civil registry has another date of birth for the number "
                                          "of the old document given: check it at the identity check "
                                          "in person."),
    "registry.unmatched": _l("Not checked: the applicant was not found in the civil registry."),
    "citizenship.citizen": _l("The civil registry lists the applicant as a citizen."),
    "citizenship.not_citizen": _l("The civil registry does not list the applicant as a citizen."),
    "disqualified.no": _l("The civil registry does not mark the applicant as disqualified."),
    "disqualified.yes": _l("The civil registry marks the applicant as disqualified from voting."),
    "constituency.same": _l("The chosen home constituency %(chosen)s is the one in the civil registry."),
    "constituency.differs": _l("The applicant chose the constituency %(chosen)s; the civil registry "
                               "says %(registry)s."),
    "abroad.yes": _l("Lives in %(country)s, outside the home country %(home)s."),
    "abroad.home": _l("The country of residence is the home country (%(home)s): residents there "
                      "vote at home, not on the overseas register."),
    "consulate.serves": _l("Consulate %(consulate)s serves residents of %(country)s."),
    "consulate.not_serving": _l("Consulate %(consulate)s does not serve residents of %(country)s."),
    "consulate.closed": _l("Consulate %(consulate)s is closed."),
    "document.valid": _l("The passport is valid until %(date)s."),
    "document.expired": _l("The passport expired on %(date)s."),
    "document.none_valid": _l("The applicant has no valid document: the identity is checked in "
                              "person at the consulate, and two officials verify."),
    "document.id_only": _l("Only a national identity number was given; it does not expire."),
    "deadline.none": _l("No registration deadline is set."),
    "deadline.in_time": _l("Submitted on %(submitted)s, by the deadline of %(deadline)s."),
    "deadline.late": _l("Submitted on %(submitted)s, after the deadline of %(deadline)s."),
    "duplicate_document.none": _l("No other application uses these document numbers."),
    "duplicate_document.found": _l("Another application uses the same document number "
                                   "(at this consulate: %(here)s; at other consulates: %(elsewhere)s)."),
    "duplicate_document.no_document": _l("Another application uses the number of the old document "
                                         "given (at this consulate: %(here)s; at other consulates: "
                                         "%(elsewhere)s): compare them at the identity check in person."),
    "duplicate_person.none": _l("No other application has the same names and date of birth."),
    "duplicate_person.found": _l("Another application has the same names and date of birth "
                                 "(at this consulate: %(here)s; at other consulates: %(elsewhere)s)."),
}


@dataclass(frozen=True)
class RegistryFacts:
    surname: str
    given_names: str
    birth_date: date
    citizenship: Citizenship
    disqualified: bool
    constituency: str


@dataclass(frozen=True)
class Facts:
    """What the rules know about one application, gathered by `checks.gather_facts`."""

    surname: str
    given_names: str
    birth_date: date
    residence_country: str
    consulate: str
    consulate_active: bool
    consulate_serves: tuple
    constituency: str
    passport_expiry: date | None
    first_submitted_at: datetime
    reference_date: date
    today: date
    minimum_age: int
    home_country: str
    #: first moment after the deadline day (consulate's time zone) as naive UTC, and that day
    deadline_closes_utc: datetime | None = None
    deadline_day: date | None = None
    registry: RegistryFacts | None = None
    #: the registry row of the other document number, when both numbers are in the registry
    #: as different rows: every number given must belong to the applicant
    other_registry: tuple = ()
    #: ids of other applications with the same document number: (here, elsewhere count)
    same_document: tuple = field(default_factory=lambda: ((), 0))
    #: ids of other applications with the same normalised names and birth date
    same_person: tuple = field(default_factory=lambda: ((), 0))
    #: the applicant has no valid document: the identity is checked in person, so the rules
    #: about documents ask for review instead of failing
    no_valid_document: bool = False


#: the parameters of reasons that hold a country's ISO code
COUNTRY_PARAMS = ("country", "home")


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: CheckOutcome
    reason_code: str
    params: dict

    @property
    def reason(self):
        """The reason in the reader's language, countries by their names in it (the params
        keep the ISO codes, as stored)."""
        params = {key: country_name(value) if key in COUNTRY_PARAMS else value
                  for key, value in self.params.items()}
        return str(REASONS[self.reason_code]) % params


def _result(rule, outcome, code, **params):
    return RuleResult(rule.__name__, outcome, code, params)


def age_on(birth, day):
    """Whole years from `birth` to `day` (a 29 February birthday comes on 1 March in common years)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# -- the rules ----------------------------------------------------------------------

def minimum_age(facts):
    """Old enough on the reference date (the election day, or today when none is set)."""
    age = age_on(facts.birth_date, facts.reference_date)
    params = dict(age=age, date=facts.reference_date.isoformat(), minimum=facts.minimum_age)
    if age < facts.minimum_age:
        return _result(minimum_age, FAIL, "age.too_young", **params)
    return _result(minimum_age, PASS, "age.ok", **params)


def _entries(facts):
    """Every registry row found for the application's document numbers."""
    return (facts.registry, *facts.other_registry) if facts.registry else ()


def civil_registry(facts):
    """In the civil registry: exact on document number and date of birth, tolerant on names.

    With two document numbers in the registry, both rows must be the applicant's."""
    entries = _entries(facts)
    if not entries:
        if facts.no_valid_document:
            return _result(civil_registry, REVIEW, "registry.no_document")
        return _result(civil_registry, FAIL, "registry.not_found")
    if any(entry.birth_date != facts.birth_date for entry in entries):
        if facts.no_valid_document:
            return _result(civil_registry, REVIEW, "registry.no_document_birth_date")
        return _result(civil_registry, FAIL, "registry.birth_date")
    if not all(names_match((facts.surname, facts.given_names), (entry.surname, entry.given_names))
               for entry in entries):
        return _result(civil_registry, REVIEW, "registry.names")
    return _result(civil_registry, PASS, "registry.match")


def citizenship(facts):
    """A citizen according to the civil registry."""
    if facts.registry is None:
        return _result(citizenship, REVIEW, "registry.unmatched")
    if any(entry.citizenship is not Citizenship.CITIZEN for entry in _entries(facts)):
        return _result(citizenship, FAIL, "citizenship.not_citizen")
    return _result(citizenship, PASS, "citizenship.citizen")


def not_disqualified(facts):
    """Not disqualified from voting according to the civil registry."""
    if facts.registry is None:
        return _result(not_disqualified, REVIEW, "registry.unmatched")
    if any(entry.disqualified for entry in _entries(facts)):
        return _result(not_disqualified, FAIL, "disqualified.yes")
    return _result(not_disqualified, PASS, "disqualified.no")


def home_constituency(facts):
    """The chosen home constituency is the one the civil registry gives."""
    if facts.registry is None:
        return _result(home_constituency, REVIEW, "registry.unmatched")
    for entry in _entries(facts):
        if entry.constituency != facts.constituency:
            return _result(home_constituency, REVIEW, "constituency.differs",
                           chosen=facts.constituency, registry=entry.constituency)
    return _result(home_constituency, PASS, "constituency.same", chosen=facts.constituency)


def resident_abroad(facts):
    """The country of residence is not the home country."""
    params = dict(country=facts.residence_country, home=facts.home_country)
    if facts.residence_country == facts.home_country:
        return _result(resident_abroad, FAIL, "abroad.home", **params)
    return _result(resident_abroad, PASS, "abroad.yes", **params)


def consulate_serves_residence(facts):
    """The chosen consulate is open and serves the country of residence."""
    params = dict(consulate=facts.consulate, country=facts.residence_country)
    if not facts.consulate_active:
        return _result(consulate_serves_residence, FAIL, "consulate.closed", **params)
    if facts.residence_country not in facts.consulate_serves:
        return _result(consulate_serves_residence, FAIL, "consulate.not_serving", **params)
    return _result(consulate_serves_residence, PASS, "consulate.serves", **params)


def document_not_expired(facts):
    """The passport, when one was given, has not expired; without a valid document, review
    (the identity is checked in person)."""
    if facts.no_valid_document:
        return _result(document_not_expired, REVIEW, "document.none_valid")
    if facts.passport_expiry is None:
        return _result(document_not_expired, PASS, "document.id_only")
    params = dict(date=facts.passport_expiry.isoformat())
    if facts.passport_expiry < facts.today:
        return _result(document_not_expired, FAIL, "document.expired", **params)
    return _result(document_not_expired, PASS, "document.valid", **params)


def registration_deadline(facts):
    """First submitted by the end of the deadline day in the consulate's time zone."""
    if facts.deadline_closes_utc is None:
        return _result(registration_deadline, PASS, "deadline.none")
    params = dict(submitted=facts.first_submitted_at.strftime("%Y-%m-%d %H:%M UTC"),
                  deadline=facts.deadline_day.isoformat())
    if facts.first_submitted_at >= facts.deadline_closes_utc:
        return _result(registration_deadline, FAIL, "deadline.late", **params)
    return _result(registration_deadline, PASS, "deadline.in_time", **params)


def _ids(ids):
    return ", ".join(f"#{i}" for i in ids) or "0"


def unique_document(facts):
    """No other application uses the same document number (exact, by blind index)."""
    here, elsewhere = facts.same_document
    if (here or elsewhere) and facts.no_valid_document:
        return _result(unique_document, REVIEW, "duplicate_document.no_document",
                       here=_ids(here), elsewhere=elsewhere)
    if here or elsewhere:
        return _result(unique_document, FAIL, "duplicate_document.found",
                       here=_ids(here), elsewhere=elsewhere)
    return _result(unique_document, PASS, "duplicate_document.none")


def unique_person(facts):
    """No other application has the same normalised names and date of birth, at any consulate."""
    here, elsewhere = facts.same_person
    if here or elsewhere:
        return _result(unique_person, REVIEW, "duplicate_person.found",
                       here=_ids(here), elsewhere=elsewhere)
    return _result(unique_person, PASS, "duplicate_person.none")


RULES = (minimum_age, civil_registry, citizenship, not_disqualified, home_constituency,
         resident_abroad, consulate_serves_residence, document_not_expired,
         registration_deadline, unique_document, unique_person)

RULE_TITLES = {
    "minimum_age": _l("Minimum age"),
    "civil_registry": _l("Civil registry"),
    "citizenship": _l("Citizenship"),
    "not_disqualified": _l("Not disqualified"),
    "home_constituency": _l("Home constituency"),
    "resident_abroad": _l("Resident abroad"),
    "consulate_serves_residence": _l("Consulate serves the country"),
    "document_not_expired": _l("Document not expired"),
    "registration_deadline": _l("Registration deadline"),
    "unique_document": _l("No duplicate document"),
    "unique_person": _l("No duplicate person"),
}


def evaluate(facts):
    """Every rule's result, in the order of RULES."""
    return [rule(facts) for rule in RULES]


def overall(results):
    """FAIL if any rule failed, else REVIEW if any needs review, else PASS."""
    outcomes = {r.outcome for r in results}
    return FAIL if FAIL in outcomes else REVIEW if REVIEW in outcomes else PASS
