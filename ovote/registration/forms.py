"""Forms of the application steps and of the official's decision.

Forms check presence and length; the services check meaning (a date of birth
in the past, a phone number valid in the country, a consulate serving it) so
that the same rules hold for every caller. Each step form knows how to fill
itself from an application (`fill`) and what it hands to its service (`values`).
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TelField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ovote.countries import country_choices
from ovote.data_sizes import format_size
from ovote.extensions import MAX_ID
from ovote.form_input import Form
from ovote.registration.models import VotingChannel
from ovote.registration.reasons import reason_choices


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


class IdentityForm(Form):
    surname = StringField(_l("Family name(s)"), validators=[DataRequired(), Length(max=100)],
                          description=_l("As written in your passport or identity card."),
                          render_kw={"autocomplete": "family-name"})
    given_names = StringField(_l("Given name(s)"), validators=[Optional(), Length(max=100)],
                              render_kw={"autocomplete": "given-name"})
    birth_date = DateField(_l("Date of birth"), validators=[InputRequired()])
    birth_place = StringField(_l("Place of birth"), validators=[DataRequired(), Length(max=100)],
                              description=_l("Town and country."))

    def fill(self, application, person):
        self.surname.data, self.given_names.data = person.surname, person.given_names
        self.birth_date.data, self.birth_place.data = application.birth_date, person.birth_place

    def values(self):
        return dict(surname=self.surname.data, given_names=self.given_names.data,
                    birth_date=self.birth_date.data, birth_place=self.birth_place.data)


class DocumentsForm(Form):
    national_id = StringField(_l("National identity number"), validators=[Length(max=40)],
                              description=_l("Leave empty if you give a passport only."))
    passport_number = StringField(_l("Passport number"), validators=[Length(max=40)])
    passport_state = SelectField(_l("Passport issued by"), validate_choice=False)
    passport_expiry = DateField(_l("Passport valid until"), validators=[Optional()])
    mrz = TextAreaField(_l("Machine-readable zone (optional)"), validators=[Length(max=200)],
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


class ResidenceForm(Form):
    country = SelectField(_l("Country where you live"), validate_choice=False)
    address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=500)],
                            render_kw={"rows": 3, "autocomplete": "street-address"})
    phone = TelField(_l("Phone number"), validators=[DataRequired(), Length(max=40)],
                     description=_l("A number in the country where you live."),
                     render_kw={"autocomplete": "tel"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _options(country_choices(), blank=True)

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
        self.consulate.choices = _options((str(c.id), f"{c.name} ({c.city})") for c in consulates)

    def fill(self, application, person):
        self.consulate.data = str(application.consulate_id or "")

    def values(self):
        return dict(consulate_id=_int_or_none(self.consulate.data))


class VotingForm(Form):
    constituency = SelectField(_l("Home constituency"), validate_choice=False,
                               description=_l("The constituency where you last lived at home, "
                                              "as in the civil registry."))
    channel = SelectField(_l("How would you like to vote?"), validate_choice=False)

    def __init__(self, *args, constituencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.constituency.choices = _options(((str(c.id), f"{c.name} ({c.code})")
                                              for c in constituencies), blank=True)
        self.channel.choices = _options((c.value, c.label) for c in VotingChannel)

    def fill(self, application, person):
        self.constituency.data = str(application.constituency_id or "")
        if application.voting_channel:
            self.channel.data = application.voting_channel.value

    def values(self):
        return dict(constituency_id=_int_or_none(self.constituency.data), channel=self.channel.data)


class UploadForm(Form):
    """The document scan: a file is required until one is attached; after that a new file
    replaces it and none keeps it."""
    document = FileField(_l("Scan or photo of your passport or identity card"),
                         validators=[FileRequired(_l("Choose the file to send."))],
                         render_kw={"accept": "image/jpeg,image/png,application/pdf"})

    def __init__(self, *args, attached=False, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
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


class DecisionForm(Form):
    action = SelectField(_l("Decision"), validate_choice=False)
    reason = SelectField(_l("Reason"), validate_choice=False)
    note = TextAreaField(_l("Note to the applicant (optional)"), validators=[Length(max=2000)],
                         render_kw={"rows": 3})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = _options([
            ("verify", _l("Verify: add to the register")),
            ("request_info", _l("Ask the applicant for more information")),
            ("reject", _l("Reject")),
        ])
        self.reason.choices = {str(group): _options(reasons) for group, reasons in reason_choices().items()}


class ActionForm(Form):
    """A bare form whose CSRF token protects a one-button action (confirm, check again)."""
