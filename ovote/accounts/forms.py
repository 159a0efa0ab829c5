from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ovote.accounts.models import STAFF_ROLES
from ovote.form_input import Form


EMAIL = {"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
NEW_PASSWORD = {"autocomplete": "new-password"}


class SignUpForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 10 characters."), render_kw=NEW_PASSWORD)
    confirm = PasswordField(_l("Repeat the password"), render_kw=NEW_PASSWORD,
                            validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))])


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw=EMAIL)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class TotpForm(Form):
    code = StringField(_l("6-digit code"), validators=[DataRequired(), Length(min=6, max=7)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class ForgotForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)],
                       render_kw=EMAIL)


class ResetForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 10 characters."), render_kw=NEW_PASSWORD)
    confirm = PasswordField(_l("Repeat the password"), render_kw=NEW_PASSWORD,
                            validators=[DataRequired(), EqualTo("password", _l("The passwords do not match."))])


class StaffForm(Form):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.label) for r in STAFF_ROLES])
    consulate = SelectField(_l("Consulate (officials only)"), choices=[], validate_choice=False)


class StaffRoleForm(Form):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.label) for r in STAFF_ROLES])
    consulate = SelectField(_l("Consulate (officials only)"), choices=[], validate_choice=False)


class StaffActionForm(Form):
    """A bare form: its CSRF token is what protects the staff action buttons."""

    confirm = BooleanField(default=True)
