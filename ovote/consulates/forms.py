from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ovote.countries import country_choices
from ovote.form_input import Form


class ConsulateForm(Form):
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


class ConstituencyForm(Form):
    code = StringField(_l("Code"),
                       description=_l("1 to 16 letters A to Z or digits 0 to 9, as written in the "
                                      "civil-registry file, e.g. NORTH."),
                       validators=[DataRequired(_l("Enter the constituency's code")),
                                   Length(max=16, message=_l("Enter a code of at most 16 characters"))])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the constituency's name")),
                                               Length(max=200, message=_l("Enter a name of at most 200 characters"))])
