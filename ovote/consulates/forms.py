from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ovote.countries import country_choices
from ovote.form_input import Form


class ConsulateForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(min=2, max=8)],
                       description=_l("2 to 8 letters A to Z or digits 0 to 9, e.g. PAR."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    host_country = SelectField(_l("Country where the consulate is"), validate_choice=False)
    timezone = StringField(_l("Time zone"), validators=[DataRequired(), Length(max=64)],
                           description=_l("IANA name, e.g. Europe/Paris."))
    served = SelectMultipleField(_l("Countries of residence it serves"), validate_choice=False,
                                 description=_l("Hold Ctrl (or Cmd) to choose several."))
    active = BooleanField(_l("Open (serves voters)"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(code, name) for code, name in country_choices()]
        self.host_country.choices = choices
        self.served.choices = choices


class ConstituencyForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=16)],
                       description=_l("1 to 16 letters A to Z or digits 0 to 9, as written in the "
                                       "civil-registry file, e.g. NORTH."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
