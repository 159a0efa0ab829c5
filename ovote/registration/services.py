"""The voter's side of the register: a draft saved step by step, submission, withdrawal.

Services take the session explicitly, flush, audit through `record` and raise
the exceptions below (whose `message` is safe to show and `field` names the
form field at fault); the request layer commits. Audit details never hold
personal data: only step names, codes and sizes.
"""
import logging
import unicodedata
from datetime import date

import phonenumbers
import pycountry
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ovote.accounts.models import utcnow
from ovote.audit.services import record
from ovote.consulates.models import Constituency, Consulate
from ovote.registration import documents, matching, notifications, passport_mrz
from ovote.registration.access import lock
from ovote.registration.checks import deadline_closes_utc, run_checks, settings
from ovote.registration.models import (ACTIVE_STATES, Application, ApplicationState, IllegalTransition,
                                       VotingChannel, sync_verified_documents)
from ovote.registration.personal import details, seal

log = logging.getLogger(__name__)
STEPS = ("identity", "documents", "residence", "consulate", "voting", "upload")
EARLIEST_BIRTH = date(1900, 1, 1)


class RegistrationError(Exception):
    """Base of the register's refusals; `message` is safe to show."""

    status = 422

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


class InvalidApplication(RegistrationError):
    pass


class ApplicationNotEditable(RegistrationError):
    status = 409


class IncompleteApplication(RegistrationError):
    def __init__(self, missing):
        super().__init__(_("Complete every step before you submit."))
        self.missing = missing


class RegistrationClosed(RegistrationError):
    status = 403


# -- finding and starting -----------------------------------------------------------

def current_application(session, voter):
    """The voter's application in play, else their latest (withdrawn or rejected) one, else None."""
    return session.scalars(
        select(Application).where(Application.voter_id == voter.id)
        .order_by(Application.state.in_(ACTIVE_STATES).desc(), Application.id.desc())).first()


def start_application(session, *, voter):
    """The voter's application in play, or a new draft when there is none."""
    existing = current_application(session, voter)
    if existing is not None and existing.state in ACTIVE_STATES:
        return existing
    application = Application(voter=voter, state=ApplicationState.DRAFT)
    try:
        with session.begin_nested():
            session.add(application)
    except IntegrityError:
        # A concurrent request started one first; the unique index kept it single.
        return current_application(session, voter)
    record(session, actor=voter, action="application.start", target=f"application:{application.id}")
    return application


def _editable(application):
    if not application.state.editable:
        raise ApplicationNotEditable(_("This application is %(state)s: it can no longer be changed.",
                                       state=str(application.state.label).lower()))


def _locked_editable(session, application):
    """Re-read the application under its row lock, then refuse unless it may still be changed.

    A step's page was loaded while the application was editable; by the time the
    answers arrive it may have been resubmitted, verified or withdrawn by another
    request. Each save judges the state that request left, as submission does.
    """
    _editable(lock(session, application))


def _saved(session, application, actor, step):
    application.updated_at = utcnow()
    session.flush()
    record(session, actor=actor, action="application.update", target=f"application:{application.id}",
           details={"step": step})


def _text(value, field, *, max_length, required=True, multiline=False):
    """Stripped text without control characters; raises InvalidApplication."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidApplication(_("This field is required."), field)
    if len(value) > max_length:
        raise InvalidApplication(_("Write at most %(n)d characters.", n=max_length), field)
    allowed = {"\n", "\r"} if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise InvalidApplication(_("Remove the control characters from this field."), field)
    return value


def country_code(value, field):
    code = (value or "").strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise InvalidApplication(_("%(code)s is not a country code of ISO 3166.", code=code or "?"), field)
    return code


# -- the steps ------------------------------------------------------------------------

def save_identity(session, application, *, actor, surname, given_names, birth_date, birth_place,
                  today=None):
    """Names, date and place of birth."""
    _locked_editable(session, application)
    surname = _text(surname, "surname", max_length=100)
    given_names = _text(given_names, "given_names", max_length=100, required=False)
    birth_place = _text(birth_place, "birth_place", max_length=100)
    if birth_date is None:
        raise InvalidApplication(_("This field is required."), "birth_date")
    if birth_date > (today or utcnow().date()):
        raise InvalidApplication(_("The date of birth cannot be in the future."), "birth_date")
    if birth_date < EARLIEST_BIRTH:
        raise InvalidApplication(_("Check the year of birth."), "birth_date")
    seal(application, "surname_enc", surname)
    seal(application, "given_names_enc", given_names)
    seal(application, "birth_place_enc", birth_place)
    application.birth_date = birth_date
    application.person_index = matching.person_index(surname, given_names, birth_date)
    _saved(session, application, actor, "identity")


def _document_number(value, field):
    number = matching.normalize_document_number(_text(value, field, max_length=40, required=False))
    if number and not (3 <= len(number) <= 20 and number.isalnum() and number.isascii()):
        raise InvalidApplication(_("A document number has 3 to 20 letters and digits."), field)
    return number or None


def check_mrz(application, mrz_text, *, passport_number, passport_state, passport_expiry):
    """The MRZ read and checked against the typed fields; raises InvalidApplication (field "mrz")."""
    try:
        mrz = passport_mrz.read_mrz(mrz_text)
    except passport_mrz.MrzInvalid as exc:
        raise InvalidApplication(exc.message, "mrz") from None
    person = details(application)
    wrong = passport_mrz.disagreements(
        mrz, passport_number=passport_number, passport_state=passport_state,
        passport_expiry=passport_expiry, birth_date=application.birth_date,
        surname=person.surname, given_names=person.given_names)
    if wrong:
        raise InvalidApplication(_("The MRZ does not agree with what you typed: %(fields)s. Check "
                                   "both.", fields=", ".join(wrong)), "mrz")
    return mrz


def save_documents(session, application, *, actor, national_id, passport_number, passport_state,
                   passport_expiry, mrz):
    """National identity number and/or passport (number, issuing state, expiry, optional MRZ)."""
    _locked_editable(session, application)
    national_id = _document_number(national_id, "national_id")
    passport_number = _document_number(passport_number, "passport_number")
    if not (national_id or passport_number):
        raise InvalidApplication(_("Give your national identity number, your passport, or both."),
                                 "national_id")
    state = None
    if passport_number:
        state = country_code(passport_state, "passport_state")
        if passport_expiry is None:
            raise InvalidApplication(_("Give the passport's expiry date."), "passport_expiry")
    mrz_text = _text(mrz, "mrz", max_length=200, required=False, multiline=True)
    if mrz_text:
        if not passport_number:
            raise InvalidApplication(_("The MRZ belongs to a passport: give its number too."), "mrz")
        mrz_text = check_mrz(application, mrz_text, passport_number=passport_number,
                             passport_state=state, passport_expiry=passport_expiry).text
    seal(application, "national_id_enc", national_id)
    seal(application, "passport_number_enc", passport_number)
    seal(application, "mrz_enc", mrz_text)
    application.national_id_index = matching.document_index(national_id) if national_id else None
    application.passport_index = matching.document_index(passport_number) if passport_number else None
    application.passport_state = state
    application.passport_expiry = passport_expiry if passport_number else None
    _saved(session, application, actor, "documents")


def normalize_phone(phone, country):
    """E.164 form of a valid number; raises InvalidApplication (field "phone").

    A number without a country code is read in the format of `country`, where the
    voter lives; any valid number of another country is accepted with its code (a
    voter in Canada may well keep a French mobile)."""
    message = _("Enter a phone number of %(country)s with its area code, or a number of another "
                "country starting with + and its country code, e.g. +33 6 12 34 56 78.",
                country=country_name(country))
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        raise InvalidApplication(message, "phone") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidApplication(message, "phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_name(code):
    country = pycountry.countries.get(alpha_2=code or "")
    return country.name if country else (code or "")


def save_residence(session, application, *, actor, country, address, phone):
    """Country of residence (ISO 3166), address abroad and a phone number valid there."""
    _locked_editable(session, application)
    country = country_code(country, "country")
    address = _text(address, "address", max_length=500, multiline=True)
    phone = normalize_phone(_text(phone, "phone", max_length=40), country)
    seal(application, "address_enc", address)
    seal(application, "phone_enc", phone)
    if application.residence_country != country:
        application.consulate_id = None  # its consulate must be chosen again for the new country
    application.residence_country = country
    _saved(session, application, actor, "residence")


def consulates_for(session, application):
    """The open consulates serving the application's country of residence."""
    from ovote.consulates.services import consulates_serving

    return consulates_serving(session, application.residence_country) if application.residence_country else []


def save_consulate(session, application, *, actor, consulate_id):
    """The consulate that will verify the application: one serving the country of residence."""
    _locked_editable(session, application)
    if not application.residence_country:
        raise InvalidApplication(_("Give your country of residence first."), "consulate")
    consulate = session.get(Consulate, consulate_id) if consulate_id else None
    if consulate is None or consulate not in consulates_for(session, application):
        raise InvalidApplication(_("This consulate does not serve residents of %(country)s. Choose one "
                                   "from the list.", country=country_name(application.residence_country)),
                                 "consulate")
    application.consulate = consulate
    _saved(session, application, actor, "consulate")


def save_voting(session, application, *, actor, constituency_id, channel):
    """Home constituency and the preferred way to vote."""
    _locked_editable(session, application)
    constituency = session.get(Constituency, constituency_id) if constituency_id else None
    if constituency is None:
        raise InvalidApplication(_("Choose your home constituency from the list."), "constituency")
    try:
        channel = VotingChannel(channel)
    except ValueError:
        raise InvalidApplication(_("Choose how you would like to vote."), "channel") from None
    application.constituency, application.voting_channel = constituency, channel
    _saved(session, application, actor, "voting")


def save_document(session, application, *, actor, data):
    """The scan or photo of the identity document: JPEG, PNG or PDF, judged by its content."""
    _locked_editable(session, application)
    try:
        documents.check_size(len(data))
        media_type = documents.sniff(data)
    except documents.DocumentRejected as exc:
        error = InvalidApplication(exc.message, "document")
        error.status = exc.status
        raise error from None
    old, application.document_file = application.document_file, documents.store(data)
    documents.replace_when_committed(session, old=old, new=application.document_file)
    application.document_type, application.document_size = media_type, len(data)
    _saved(session, application, actor, "upload")
    record(session, actor=actor, action="application.document_upload",
           target=f"application:{application.id}", details={"type": media_type, "size": len(data)})


# -- completeness, submission, withdrawal --------------------------------------------

def completed_steps(application):
    done = {
        "identity": application.surname_enc is not None and application.birth_date is not None,
        "documents": application.national_id_index is not None or application.passport_index is not None,
        "residence": application.residence_country is not None and application.phone_enc is not None,
        "consulate": application.consulate_id is not None,
        "voting": application.constituency_id is not None and application.voting_channel is not None,
        "upload": application.document_file is not None,
    }
    return [step for step in STEPS if done[step]]


def missing_steps(application):
    done = completed_steps(application)
    return [step for step in STEPS if step not in done]


def submit(session, application, *, actor, now=None):
    """Send a complete application to its consulate, run the checks and tell the voter.

    Raises IncompleteApplication (naming the missing steps), InvalidApplication when
    the MRZ no longer agrees with edited details, and RegistrationClosed for a first
    submission after the deadline.
    """
    _editable(lock(session, application))
    now = now or utcnow()
    missing = missing_steps(application)
    if missing:
        raise IncompleteApplication(missing)
    person = details(application)
    if person.mrz:
        check_mrz(application, person.mrz, passport_number=person.passport_number,
                  passport_state=application.passport_state, passport_expiry=application.passport_expiry)
    deadline = settings().deadline
    if application.first_submitted_at is None and deadline is not None \
            and now >= deadline_closes_utc(deadline, application.consulate.timezone):
        raise RegistrationClosed(_("The registration deadline (%(day)s) has passed.",
                                   day=deadline.isoformat()))
    application.submit(now)
    session.flush()
    record(session, actor=actor, action="application.submit", target=f"application:{application.id}",
           details={"consulate": application.consulate.code})
    run_checks(session, application, actor=actor, now=now)
    notifications.notify(session, application)
    return application


def withdraw(session, application, *, actor):
    """The voter takes the application back; raises ApplicationNotEditable if it is closed."""
    lock(session, application)
    was_on_register = application.state is ApplicationState.VERIFIED
    try:
        application.withdraw()
    except IllegalTransition:
        raise ApplicationNotEditable(_("This application is %(state)s: it cannot be withdrawn.",
                                       state=str(application.state.label).lower())) from None
    sync_verified_documents(session, application)  # its document numbers are free again
    record(session, actor=actor, action="application.withdraw", target=f"application:{application.id}")
    notifications.notify(session, application, left_register=was_on_register)
