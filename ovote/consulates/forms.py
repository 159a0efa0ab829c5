from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ovote.countries import country_choices
from ovote.form_input import Form


class NamesForm(Form):
    """A form with an optional name field per other language offered (`name_fr`, ...):
    `with_languages` makes the form for the languages of the settings."""

    languages = ()

    @classmethod
    def with_languages(cls, languages):
        """This form with a `name_<code>` field for each of `languages`, labelled in the
        reader's language ("Name in French", "Nom en arabe")."""
        reader = get_locale() or Locale("en")
        fields = {"languages": tuple(languages)}
        for code in languages:
            language = Locale.parse(code).get_display_name(reader)
            fields[f"name_{code}"] = StringField(
                _("Name in %(language)s", language=language),
                description=_l("Optional: readers of that language see this name, others the one above."),
                validators=[Length(max=200, message=_l("Enter a name of at most 200 characters"))],
                render_kw={"lang": code, "dir": "auto"})
        return type(cls.__name__, (cls,), fields)

    @property
    def name_fields(self):
        return [self[f"name_{code}"] for code in self.languages]

    def names(self):
        return {code: self[f"name_{code}"].data or "" for code in self.languages}

    def fill_names(self, names):
        for code in self.languages:
            self[f"name_{code}"].data = (names or {}).get(code, "")


class ConsulateForm(NamesForm):
    code = StringField(_l("Code"), description=_l("2 to 8 letters A to Z or digits 0 to 9, e.g. PAR."),
                       validators=[DataRequired(_l("Enter the consulate's code")),
                                   Length(min=2, max=8, message=_l("Enter a code of 2 to 8 letters or digits"))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the consulate's name")),
                                               Length(max=200, message=_l("Enter a name of at most 200 characters"))])
    city = StringField(_l("City"), validators=[DataRequired(_l("Enter the city of the consulate")),
                                               Length(max=120, message=_l("Enter a city of at most 120 characters"))])
    host_country = SelectField(_l("Country where the consulate is"), validate_choice=False)
    timezone = StringField(_l("Time zone"), description=_l("IANA name, e.g. Europe/Paris."),
                           validators=[DataRequired(_l("Enter the consulate's time zone, e.g. Europe/Paris")),
                                       Length(max=64, message=_l("Enter a time zone of at most 64 characters"))])
    served = SelectMultipleField(_l("Countries of residence it serves"), validate_choice=False,
                                 description=_l("Hold Ctrl (or Cmd) to choose several."))
    active = BooleanField(_l("Open (serves voters)"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(code, name) for code, name in country_choices()]
        self.host_country.choices = choices
        self.served.choices = choices


class ConstituencyForm(NamesForm):
    code = StringField(_l("Code"),
                       description=_l("1 to 16 letters A to Z or digits 0 to 9, as written in the "
                                      "civil-registry file, e.g. NORTH."),
                       validators=[DataRequired(_l("Enter the constituency's code")),
                                   Length(max=16, message=_l("Enter a code of at most 16 characters"))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the constituency's name")),
                                               Length(max=200, message=_l("Enter a name of at most 200 characters"))])


class ConstituencyNamesForm(NamesForm):
    """The names of an existing constituency in the other languages offered."""
