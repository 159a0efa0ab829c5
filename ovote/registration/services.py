"""The voter's side of the register: a draft saved step by step, submission, withdrawal.

Services take the session and their collaborators (`cipher`, `documents`,
`settings`, `mailer`) explicitly, flush, audit through `record` and raise the
refusals below (their code's message is in `ovote.refusals`; `field` names the
form field at fault); the request layer commits. Audit details never hold
personal data: only step names, codes and sizes.
"""
from datetime import date

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.consulates.models import Constituency, Consulate
from ovote.consulates.services import consulates_serving
from ovote.countries import is_country_code, lazy_country_name
from ovote.errors import Refused
from ovote.registration import matching, notifications, passport_mrz
from ovote.registration.documents import DocumentRejected, sniff
from ovote.registration.access import lock
from ovote.registration.checks import deadline_closes_utc, run_checks
from ovote.registration.models import (ACTIVE_STATES, Application, ApplicationState, HeldDocument,
                                       IllegalTransition, NoDocumentReason, VotingChannel)
from ovote.registration.personal import details, seal
from ovote.text import visible_text

STEPS = ("identity", "documents", "residence", "consulate", "voting", "upload")
EARLIEST_BIRTH = date(1900, 1, 1)


class RegistrationError(Refused):
    """Base of the register's refusals; `field` names the form field at fault, if one is."""

    def __init__(self, code=None, /, *, field=None, **params):
        super().__init__(code, **params)
        self.field = field


class InvalidApplication(RegistrationError):
    pass


class ApplicationNotEditable(RegistrationError):
    pass


class IncompleteApplication(RegistrationError):
    code = "application.incomplete"

    def __init__(self, missing):
        super().__init__()
        self.missing = missing


class RegistrationClosed(RegistrationError):
    code = "registration.closed"


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
        raise ApplicationNotEditable("application.not_editable", state=application.state.in_sentence)


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
    """Stripped text that displays as what it is (`ovote.text`); raises InvalidApplication."""
    value = (value or "").strip()
    if required and not value:
        raise InvalidApplication("application.required", field=field)
    if len(value) > max_length:
        raise InvalidApplication("application.too_long", field=field, n=max_length)
    try:
        return visible_text(value, multiline=multiline)
    except Refused as exc:  # the shared rule's code, on this field
        raise InvalidApplication(exc.code, field=field, **exc.params) from None


def country_code(value, field):
    code = (value or "").strip().upper()
    if not is_country_code(code):
        raise InvalidApplication("application.country_code", field=field, code=code or "?")
    return code


# -- the steps ------------------------------------------------------------------------

def save_identity(session, application, *, actor, cipher, surname, given_names, birth_date,
                  birth_place, today=None):
    """Names, date and place of birth."""
    _locked_editable(session, application)
    surname = _text(surname, "surname", max_length=100)
    given_names = _text(given_names, "given_names", max_length=100, required=False)
    birth_place = _text(birth_place, "birth_place", max_length=100)
    if birth_date is None:
        raise InvalidApplication("application.required", field="birth_date")
    if birth_date > (today or utcnow().date()):
        raise InvalidApplication("application.birth_in_future", field="birth_date")
    if birth_date < EARLIEST_BIRTH:
        raise InvalidApplication("application.birth_year", field="birth_date")
    seal(application, "surname_enc", surname, cipher=cipher)
    seal(application, "given_names_enc", given_names, cipher=cipher)
    seal(application, "birth_place_enc", birth_place, cipher=cipher)
    application.birth_date = birth_date
    application.person_index = matching.person_index(surname, given_names, birth_date, cipher=cipher)
    _saved(session, application, actor, "identity")


def _document_number(value, field):
    number = matching.normalize_document_number(_text(value, field, max_length=40, required=False))
    if number and not (3 <= len(number) <= 20 and number.isalnum() and number.isascii()):
        raise InvalidApplication("application.document_number", field=field)
    return number or None


def check_mrz(application, mrz_text, *, passport_number, passport_state, passport_expiry, cipher):
    """The MRZ read and checked against the typed fields; raises InvalidApplication (field "mrz")."""
    try:
        mrz = passport_mrz.read_mrz(mrz_text)
    except passport_mrz.MrzInvalid as exc:
        raise InvalidApplication(exc.code, field="mrz", **exc.params) from None
    person = details(application, cipher=cipher)
    wrong = passport_mrz.disagreements(
        mrz, passport_number=passport_number, passport_state=passport_state,
        passport_expiry=passport_expiry, birth_date=application.birth_date,
        surname=person.surname, given_names=person.given_names)
    if wrong:
        raise InvalidApplication("application.mrz_disagrees", field="mrz", fields=", ".join(wrong))
    return mrz


def _forget_no_document(application):
    application.no_valid_document = False
    application.no_document_reason = application.no_document_explanation_enc = None
    application.documents_held = None


def _forget_documents(application):
    application.national_id_enc = application.national_id_index = None
    application.passport_number_enc = application.passport_index = None
    application.passport_state = application.passport_expiry = application.mrz_enc = None


def save_document_choice(session, application, *, actor, has_document):
    """Whether the applicant has a valid passport or national identity card ("yes"/"no").

    The answers of the other path are dropped when the answer changes: a voter who has
    no valid document gives none of its numbers, and the reverse. Answering as before
    keeps everything."""
    _locked_editable(session, application)
    if has_document not in ("yes", "no"):
        raise InvalidApplication("application.document_choice", field="has_document")
    without = has_document == "no"
    if without and not application.no_valid_document:
        _forget_documents(application)
        application.no_valid_document = True
    elif not without and application.no_valid_document:
        _forget_no_document(application)
    _saved(session, application, actor, "documents")


def save_no_document(session, application, *, actor, cipher, reason, explanation):
    """Why the applicant has no valid document (a NoDocumentReason value) and, if they wish,
    their own words about it (sealed). The consulate then checks the identity in person."""
    _locked_editable(session, application)
    try:
        reason = NoDocumentReason(reason)
    except ValueError:
        raise InvalidApplication("application.no_document_reason", field="reason") from None
    explanation = _text(explanation, "explanation", max_length=1000, required=False, multiline=True)
    if not application.no_valid_document:
        _forget_documents(application)
        application.no_valid_document = True
    application.no_document_reason = reason
    seal(application, "no_document_explanation_enc", explanation, cipher=cipher)
    _saved(session, application, actor, "documents")


def save_documents_held(session, application, *, actor, cipher, documents_held, document_number=None):
    """The kinds of document an applicant without a valid document still holds (HeldDocument
    values, at least one) and, if they know it, the number of an old or expired document
    (looked up in the civil registry like a national identity number)."""
    _locked_editable(session, application)
    if not application.no_valid_document:
        raise InvalidApplication("application.document_choice", field="documents_held")
    held = list(dict.fromkeys(documents_held or ()))
    known = {kind.value for kind in HeldDocument}
    if not held or any(code not in known for code in held):
        raise InvalidApplication("application.documents_held", field="documents_held")
    number = _document_number(document_number, "document_number")
    application.documents_held = ",".join(kind.value for kind in HeldDocument if kind.value in held)
    seal(application, "national_id_enc", number, cipher=cipher)
    application.national_id_index = matching.document_index(number, cipher=cipher) if number else None
    _saved(session, application, actor, "documents")


def save_documents(session, application, *, actor, cipher, national_id, passport_number,
                   passport_state, passport_expiry, mrz):
    """National identity number and/or passport (number, issuing state, expiry, optional MRZ)."""
    _locked_editable(session, application)
    national_id = _document_number(national_id, "national_id")
    passport_number = _document_number(passport_number, "passport_number")
    if not (national_id or passport_number):
        raise InvalidApplication("application.no_document", field="national_id")
    state = None
    if passport_number:
        state = country_code(passport_state, "passport_state")
        if passport_expiry is None:
            raise InvalidApplication("application.passport_expiry", field="passport_expiry")
    mrz_text = _text(mrz, "mrz", max_length=200, required=False, multiline=True)
    if mrz_text:
        if not passport_number:
            raise InvalidApplication("application.mrz_without_passport", field="mrz")
        mrz_text = check_mrz(application, mrz_text, passport_number=passport_number,
                             passport_state=state, passport_expiry=passport_expiry, cipher=cipher).text
    _forget_no_document(application)
    seal(application, "national_id_enc", national_id, cipher=cipher)
    seal(application, "passport_number_enc", passport_number, cipher=cipher)
    seal(application, "mrz_enc", mrz_text, cipher=cipher)
    application.national_id_index = matching.document_index(national_id, cipher=cipher) \
        if national_id else None
    application.passport_index = matching.document_index(passport_number, cipher=cipher) \
        if passport_number else None
    application.passport_state = state
    application.passport_expiry = passport_expiry if passport_number else None
    _saved(session, application, actor, "documents")


def normalize_phone(phone, country):
    """E.164 form of a valid number; raises InvalidApplication (field "phone").

    A number without a country code is read in the format of `country`, where the
    voter lives; any valid number of another country is accepted with its code (a
    voter in Canada may well keep a French mobile)."""
    refused = InvalidApplication("application.phone", field="phone", country=lazy_country_name(country))
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        raise refused from None
    if not phonenumbers.is_valid_number(number):
        raise refused
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def save_residence(session, application, *, actor, cipher, country, address, phone):
    """Country of residence (ISO 3166), address abroad and a phone number valid there."""
    _locked_editable(session, application)
    country = country_code(country, "country")
    address = _text(address, "address", max_length=500, multiline=True)
    phone = normalize_phone(_text(phone, "phone", max_length=40), country)
    seal(application, "address_enc", address, cipher=cipher)
    seal(application, "phone_enc", phone, cipher=cipher)
    if application.residence_country != country:
        application.consulate_id = None  # its consulate must be chosen again for the new country
    application.residence_country = country
    _saved(session, application, actor, "residence")


def consulates_for(session, application):
    """The open consulates serving the application's country of residence."""
    return consulates_serving(session, application.residence_country) if application.residence_country else []


def save_consulate(session, application, *, actor, consulate_id):
    """The consulate that will verify the application: one serving the country of residence."""
    _locked_editable(session, application)
    if not application.residence_country:
        raise InvalidApplication("application.residence_first", field="consulate")
    consulate = session.get(Consulate, consulate_id) if consulate_id else None
    if consulate is None or consulate not in consulates_for(session, application):
        raise InvalidApplication("application.consulate_not_serving", field="consulate",
                                 country=lazy_country_name(application.residence_country))
    application.consulate = consulate
    _saved(session, application, actor, "consulate")


def save_constituency(session, application, *, actor, constituency_id):
    """The home constituency the vote counts in."""
    _locked_editable(session, application)
    constituency = session.get(Constituency, constituency_id) if constituency_id else None
    if constituency is None:
        raise InvalidApplication("application.constituency", field="constituency")
    application.constituency = constituency
    _saved(session, application, actor, "voting")


def save_channel(session, application, *, actor, channel):
    """The preferred way to vote (a VotingChannel value)."""
    _locked_editable(session, application)
    try:
        application.voting_channel = VotingChannel(channel)
    except ValueError:
        raise InvalidApplication("application.channel", field="channel") from None
    _saved(session, application, actor, "voting")


def save_voting(session, application, *, actor, constituency_id, channel):
    """Home constituency and the preferred way to vote, at once (the pages ask them one at a
    time); nothing is saved if either is refused."""
    with session.begin_nested():
        save_constituency(session, application, actor=actor, constituency_id=constituency_id)
        save_channel(session, application, actor=actor, channel=channel)


def save_document(session, application, *, actor, documents, data):
    """The scan or photo of the identity document: JPEG, PNG or PDF, judged by its content.
    `documents` is the DocumentStore the file goes to."""
    _locked_editable(session, application)
    try:
        documents.check_size(len(data))
        media_type = sniff(data)
    except DocumentRejected as exc:
        raise InvalidApplication(exc.code, field="document", **exc.params) from None
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
        "documents": (application.no_document_reason is not None and bool(application.documents_held))
        if application.no_valid_document
        else application.national_id_index is not None or application.passport_index is not None,
        "residence": application.residence_country is not None and application.phone_enc is not None,
        "consulate": application.consulate_id is not None,
        "voting": application.constituency_id is not None and application.voting_channel is not None,
        "upload": application.document_file is not None,
    }
    return [step for step in STEPS if done[step]]


def missing_steps(application):
    done = completed_steps(application)
    return [step for step in STEPS if step not in done]


def submit(session, application, *, actor, settings, cipher, mailer, now=None):
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
    person = details(application, cipher=cipher)
    if person.mrz:
        check_mrz(application, person.mrz, passport_number=person.passport_number,
                  passport_state=application.passport_state, passport_expiry=application.passport_expiry,
                  cipher=cipher)
    deadline = settings.deadline
    if application.first_submitted_at is None and deadline is not None \
            and now >= deadline_closes_utc(deadline, application.consulate.timezone):
        raise RegistrationClosed(day=deadline.isoformat())
    application.submit(now)
    session.flush()
    record(session, actor=actor, action="application.submit", target=f"application:{application.id}",
           details={"consulate": application.consulate.code})
    run_checks(session, application, actor=actor, settings=settings, cipher=cipher, now=now)
    notifications.notify(session, application, mailer=mailer, settings=settings)
    return application


def withdraw(session, application, *, actor, mailer):
    """The voter takes the application back; raises ApplicationNotEditable if it is closed."""
    lock(session, application)
    was_on_register = application.state is ApplicationState.VERIFIED
    try:
        application.withdraw()
    except IllegalTransition:
        raise ApplicationNotEditable("application.not_withdrawable",
                                     state=application.state.in_sentence) from None
    record(session, actor=actor, action="application.withdraw", target=f"application:{application.id}")
    notifications.notify(session, application, mailer=mailer, left_register=was_on_register)
