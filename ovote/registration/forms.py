"""Forms of the application steps (the official's are in `official_forms`).

Forms check presence and length; the services check meaning (a date of birth
in the past, a phone number valid in the country, a consulate serving it) so
that the same rules hold for every caller. Each step form knows how to fill
itself from an application (`fill`) and what it hands to its service (`values`).
"""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, Field, RadioField, SelectField, SelectMultipleField, StringField,
                     TelField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ovote.clock import utcnow
from ovote.countries import country_choices
from ovote.data_sizes import format_size
from ovote.extensions import MAX_ID
from ovote.form_input import Form
from ovote.refusals import message_of
from ovote.registration import services
from ovote.registration.models import HeldDocument, NoDocumentReason, VotingChannel


def _options(pairs, blank=False):
    """SelectField choices as a {value: label} dict (labels rendered in the current language)."""
    options = {"": str(_l("— choose —"))} if blank else {}
    options.update((value, str(label)) for value, label in pairs)
    return options


def _int_or_none(value):
    """The id chosen in a select, or None for anything that cannot be a row's id."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


class DatePartsField(Field):
    """A date typed as day, month and year in three inputs (the GOV.UK date pattern),
    posted as `<name>-day`, `<name>-month` and `<name>-year`; the `_forms.html` macro
    renders it. A client that posts the date whole as `<name>` (YYYY-MM-DD) is read
    too. `autocomplete` names the token family of the parts (e.g. "bday": bday-day...).
    Missing parts or an impossible date are this field's errors, with its messages."""

    PARTS = ("day", "month", "year")

    def __init__(self, label=None, validators=None, *, required=False, autocomplete=None,
                 required_message=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.flags.required = required
        self.autocomplete = autocomplete
        self.required_message = required_message or _l("Enter the date")
        self.invalid_message = invalid_message or _l("Enter a real date, e.g. 27 3 1990")
        self.typed = None  # the parts as posted, shown again as typed when refused

    @property
    def parts(self):
        """What the three inputs show: the parts as typed, else the date's."""
        if self.typed is not None:
            return self.typed
        if self.data is None:
            return dict.fromkeys(self.PARTS, "")
        return {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}

    def part_fields(self):
        return [("day", _("Day"), 2), ("month", _("Month"), 2), ("year", _("Year"), 4)]

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors, self.raw_data, self.typed = [], None, None
        self.object_data = self.data = data if isinstance(data, date) else None
        if formdata is None:
            return
        names = [f"{self.name}-{part}" for part in self.PARTS]
        if any(name in formdata for name in names):
            values = [formdata.get(name) for name in names]
            self.typed = {part: (v.strip() if isinstance(v, str) else "") for part, v in zip(self.PARTS, values)}
        elif self.name in formdata:
            whole = formdata.get(self.name)
            whole = whole.strip() if isinstance(whole, str) else ""
            year, _sep, rest = whole.partition("-")
            month, _sep, day = rest.partition("-")
            self.typed = {"day": day, "month": month, "year": year}
        else:
            self.data = None
            return
        self.raw_data = list(self.typed.values())
        self.data = self._parse(**self.typed)

    def _parse(self, *, day, month, year):
        if not (day or month or year):
            return None
        try:
            if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
                raise ValueError
            return date(int(year), int(month), int(day))
        except ValueError:
            self.process_errors.append(self.invalid_message)
            return None

    def pre_validate(self, form):
        if self.data is None and not self.process_errors and self.flags.required:
            raise StopValidation(self.required_message)

    def _value(self):
        return self.data.isoformat() if self.data else ""


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes in a fieldset (the `_forms.html` macro renders it like
    radios); `data` is the list of the values ticked."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AtLeastOne:
    """A CheckboxesField with nothing ticked is refused with `message`."""

    def __init__(self, message):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        if not field.data:
            raise StopValidation(self.message)


def held_document_choices():
    return [SelectChoice(kind.value, str(kind.label)) for kind in HeldDocument]


def _at_most(n):
    return Length(max=n, message=_l("Write at most %(max)d characters"))


def _birth_date_in_range(form, field):
    if field.data is None:
        return
    if field.data > utcnow().date():
        raise ValidationError(_l("Enter a date of birth in the past"))
    if field.data < services.EARLIEST_BIRTH:
        raise ValidationError(_l("Check the year of birth: enter it with 4 digits, e.g. 1990"))


class IdentityForm(Form):
    surname = StringField(_l("Family name(s)"),
                          validators=[DataRequired(_l("Enter your family name")), _at_most(100)],
                          description=_l("As written in your passport or identity card."),
                          render_kw={"autocomplete": "family-name"})
    given_names = StringField(_l("Given name(s)"), validators=[Optional(), _at_most(100)],
                              render_kw={"autocomplete": "given-name"})
    birth_date = DatePartsField(_l("Date of birth"), validators=[_birth_date_in_range], required=True,
                                description=_l("For example, 27 3 1990"), autocomplete="bday",
                                required_message=_l("Enter your date of birth"),
                                invalid_message=_l("Enter your date of birth as a real date, e.g. 27 3 1990"))
    birth_place = StringField(_l("Place of birth"),
                              validators=[DataRequired(_l("Enter your place of birth")), _at_most(100)],
                              description=_l("Town and country."))

    def fill(self, application, person):
        self.surname.data, self.given_names.data = person.surname, person.given_names
        self.birth_date.data, self.birth_place.data = application.birth_date, person.birth_place

    def values(self):
        return dict(surname=self.surname.data, given_names=self.given_names.data,
                    birth_date=self.birth_date.data, birth_place=self.birth_place.data)


class DocumentsForm(Form):
    national_id = StringField(_l("National identity number"), validators=[_at_most(40)],
                              description=_l("Leave empty if you give a passport only."))
    passport_number = StringField(_l("Passport number"), validators=[_at_most(40)])
    passport_state = SelectField(_l("Passport issued by"), validate_choice=False)
    passport_expiry = DatePartsField(_l("Passport valid until"), description=_l("For example, 1 6 2031"),
                                     invalid_message=_l("Enter the passport's expiry date as a real date, "
                                                        "e.g. 1 6 2031"))
    mrz = TextAreaField(_l("Machine-readable zone (optional)"), validators=[_at_most(200)],
                        description=_l("The two lines of 44 characters at the bottom of the photo page, "
                                       "e.g. P<UTOERIKSSON<<ANNA<MARIA... They let us check the "
                                       "passport number at once."),
                        render_kw={"rows": 2, "spellcheck": "false", "autocapitalize": "characters"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.passport_state.choices = _options(country_choices(), blank=True)

    def fill(self, application, person):
        self.national_id.data, self.passport_number.data = person.national_id, person.passport_number
        self.passport_state.data = application.passport_state
        self.passport_expiry.data, self.mrz.data = application.passport_expiry, person.mrz

    def values(self):
        return dict(national_id=self.national_id.data, passport_number=self.passport_number.data,
                    passport_state=self.passport_state.data, passport_expiry=self.passport_expiry.data,
                    mrz=self.mrz.data)


class DocumentChoiceForm(Form):
    has_document = RadioField(_l("Do you have a valid passport or national identity card?"),
                              validate_choice=False,
                              validators=[DataRequired(_l("Say whether you have a valid passport or "
                                                          "national identity card"))],
                              description=_l("Valid means not expired, and in your hands."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_document.choices = [
            SelectChoice("yes", str(_l("Yes"))),
            SelectChoice("no", str(_l("No, I do not have a valid document"))),
        ]

    def fill(self, application, person):
        if application.no_valid_document:
            self.has_document.data = "no"
        elif application.document_indexes:
            self.has_document.data = "yes"

    def values(self):
        return dict(has_document=self.has_document.data)


class NoDocumentForm(Form):
    reason = RadioField(_l("Why do you not have a valid document?"), validate_choice=False,
                        validators=[DataRequired(_l("Choose why you do not have a valid document"))],
                        description=_l("You can still register: the consulate will check who you are "
                                       "in person."))
    explanation = TextAreaField(_l("Tell us more (optional)"), validators=[_at_most(1000)],
                                description=_l("For example when and where it was lost, or which "
                                               "authority holds it."),
                                render_kw={"rows": 3})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = [SelectChoice(r.value, str(r.label)) for r in NoDocumentReason]

    def fill(self, application, person):
        if application.no_document_reason:
            self.reason.data = application.no_document_reason.value
        self.explanation.data = person.no_document_explanation

    def values(self):
        return dict(reason=self.reason.data, explanation=self.explanation.data)


class DocumentsHeldForm(Form):
    documents_held = CheckboxesField(
        _l("Which of these documents do you have?"), validate_choice=False,
        validators=[AtLeastOne(_l("Choose the documents you have, or “Another document”"))],
        description=_l("Select all that apply. You will send a scan or photo of one of them, and "
                       "bring them all to the consulate."))
    document_number = StringField(_l("Number of an old or expired passport or identity card (optional)"),
                                  validators=[_at_most(40)],
                                  description=_l("If you know it: it helps the consulate find you in "
                                                 "the civil registry."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents_held.choices = held_document_choices()

    def fill(self, application, person):
        self.documents_held.data = [kind.value for kind in application.held_documents]
        self.document_number.data = person.national_id

    def values(self):
        return dict(documents_held=self.documents_held.data, document_number=self.document_number.data)


class ResidenceForm(Form):
    country = SelectField(_l("Country where you live"), validate_choice=False,
                          render_kw={"autocomplete": "country"})
    address = TextAreaField(_l("Address"),
                            validators=[DataRequired(_l("Enter your address where you live")), _at_most(500)],
                            render_kw={"rows": 3, "autocomplete": "street-address"})
    phone = TelField(_l("Phone number"),
                     validators=[DataRequired(_l("Enter a phone number where we can reach you")),
                                 _at_most(40)],
                     description=_l("A number of the country where you live, or of any other "
                                    "country if you start it with + and its country code."),
                     render_kw={"autocomplete": "tel"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _options(country_choices(), blank=True)

    def validate_phone(self, field):
        """The service's phone rule, run here too so that it is shown with the other
        problems; judged only once the country is one it can be judged by."""
        try:
            country = services.country_code(self.country.data, "country")
        except services.RegistrationError:
            return
        try:
            services.normalize_phone(field.data, country)
        except services.RegistrationError as exc:
            raise ValidationError(message_of(exc)) from None

    def fill(self, application, person):
        self.country.data = application.residence_country
        self.address.data, self.phone.data = person.address, person.phone

    def values(self):
        return dict(country=self.country.data, address=self.address.data, phone=self.phone.data)


class ConsulateChoiceForm(Form):
    consulate = SelectField(_l("Consulate"), validate_choice=False,
                            description=_l("Only the consulates serving your country of residence are "
                                           "listed."))

    def __init__(self, *args, consulates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.consulate.choices = _options((str(c.id), f"{c.local_name} ({c.city})") for c in consulates)

    def fill(self, application, person):
        self.consulate.data = str(application.consulate_id or "")

    def values(self):
        return dict(consulate_id=_int_or_none(self.consulate.data))


class ConstituencyForm(Form):
    constituency = SelectField(_l("Home constituency"), validate_choice=False,
                               validators=[DataRequired(_l("Choose your home constituency from the list"))],
                               description=_l("The constituency where you last lived at home, "
                                              "as in the civil registry."))

    def __init__(self, *args, constituencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency.choices = _options(((str(c.id), f"{c.local_name} ({c.code})")
                                              for c in constituencies), blank=True)

    def fill(self, application, person):
        self.constituency.data = str(application.constituency_id or "")

    def values(self):
        return dict(constituency_id=_int_or_none(self.constituency.data))


class ChannelForm(Form):
    channel = RadioField(_l("How would you like to vote?"), validate_choice=False,
                         validators=[DataRequired(_l("Choose how you would like to vote")),
                                     AnyOf([c.value for c in VotingChannel],
                                           message=_l("Choose how you would like to vote"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [SelectChoice(c.value, str(c.label)) for c in VotingChannel]

    def fill(self, application, person):
        if application.voting_channel:
            self.channel.data = application.voting_channel.value

    def values(self):
        return dict(channel=self.channel.data)


class UploadForm(Form):
    """The document scan: a file is required until one is attached; after that a new file
    replaces it and none keeps it."""
    document = FileField(_l("Scan or photo of your passport or identity card"),
                         validators=[FileRequired(_l("Choose the file to send."))],
                         render_kw={"accept": "image/jpeg,image/png,application/pdf"})

    def __init__(self, *args, attached=False, max_bytes, no_document=False, **kwargs):
        super().__init__(*args, **kwargs)
        if no_document:
            self.document.label.text = _("Scan or photo of a document you have")
        if attached:
            self.document.validators = []
            self.document.flags.required = False
        self.document.description = _(
            "JPEG, PNG or PDF, up to %(size)s. The page with your photo must be readable.",
            size=format_size(max_bytes))

    def fill(self, application, person):
        pass

    def values(self):
        """The new file for the service, or None when none was chosen (the attached one stays)."""
        if not self.document.data:
            return None
        return dict(data=self.document.data.read())


class SubmitForm(Form):
    declaration = BooleanField(_l("I declare that this information is true and complete."),
                               validators=[DataRequired(_l("Tick the declaration to submit."))])


class WithdrawForm(Form):
    confirm = BooleanField(_l("Yes, withdraw my application."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])


class ActionForm(Form):
    """A bare form whose CSRF token protects a one-button action (confirm, check again)."""
