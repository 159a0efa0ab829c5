from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ovote.accounts import services
from ovote.accounts.addresses import normalize_email
from ovote.accounts.errors import AccountError
from ovote.accounts.models import STAFF_ROLES
from ovote.form_input import Form
from ovote.refusals import message_of


EMAIL = {"autocomplete": "email", "autocapitalize": "none", "spellcheck": "false"}
NEW_PASSWORD = {"autocomplete": "new-password"}


# Messages say what to do (GOV.UK style), so that the error summary is a to-do list.
ENTER_EMAIL = _l("Enter your e-mail address")
EMAIL_TOO_LONG = _l("Enter an e-mail address of at most 254 characters")
ENTER_PASSWORD = _l("Enter your password")
PASSWORD_TOO_LONG = _l("Enter a password of at most 200 characters")
REPEAT_PASSWORD = _l("Enter the same password again")
PASSWORDS_DIFFER = _l("Enter the same password in both fields")


class SignUpForm(Form):
    email = EmailField(_l("E-mail address"), render_kw=EMAIL,
                       validators=[DataRequired(ENTER_EMAIL), Length(max=254, message=EMAIL_TOO_LONG)])
    password = PasswordField(_l("Password"), description=_l("At least 10 characters."),
                             render_kw=NEW_PASSWORD,
                             validators=[DataRequired(_l("Choose a password")),
                                         Length(max=200, message=PASSWORD_TOO_LONG)])
    confirm = PasswordField(_l("Repeat the password"), render_kw=NEW_PASSWORD,
                            validators=[DataRequired(REPEAT_PASSWORD), EqualTo("password", PASSWORDS_DIFFER)])

    # The service's own rules, run here too so that every problem is shown at once.
    def validate_email(self, field):
        try:
            normalize_email(field.data)
        except AccountError as exc:
            raise ValidationError(message_of(exc)) from None

    def validate_password(self, field):
        try:
            services.check_password_strength(field.data, self.email.data or "")
        except AccountError as exc:
            raise ValidationError(message_of(exc)) from None


class LoginForm(Form):
    email = EmailField(_l("E-mail address"), render_kw=EMAIL,
                       validators=[DataRequired(ENTER_EMAIL), Length(max=254, message=EMAIL_TOO_LONG)])
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password"},
                             validators=[DataRequired(ENTER_PASSWORD),
                                         Length(max=200, message=PASSWORD_TOO_LONG)])


class TotpForm(Form):
    code = StringField(_l("6-digit code"), render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
                       validators=[DataRequired(_l("Enter the 6-digit code from your authenticator app")),
                                   Length(min=6, max=7, message=_l("Enter the code as 6 digits"))])


class ForgotForm(Form):
    email = EmailField(_l("E-mail address"), render_kw=EMAIL,
                       validators=[DataRequired(ENTER_EMAIL), Length(max=254, message=EMAIL_TOO_LONG)])


class ResetForm(Form):
    password = PasswordField(_l("New password"), description=_l("At least 10 characters."),
                             render_kw=NEW_PASSWORD,
                             validators=[DataRequired(_l("Choose a new password")),
                                         Length(max=200, message=PASSWORD_TOO_LONG)])
    confirm = PasswordField(_l("Repeat the password"), render_kw=NEW_PASSWORD,
                            validators=[DataRequired(REPEAT_PASSWORD), EqualTo("password", PASSWORDS_DIFFER)])


class StaffForm(Form):
    email = EmailField(_l("E-mail address"), render_kw=EMAIL,
                       validators=[DataRequired(_l("Enter the staff member's e-mail address")),
                                   Length(max=254, message=EMAIL_TOO_LONG)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.label) for r in STAFF_ROLES])
    consulate = SelectField(_l("Consulate (officials only)"), choices=[], validate_choice=False)


class StaffRoleForm(Form):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.label) for r in STAFF_ROLES])
    consulate = SelectField(_l("Consulate (officials only)"), choices=[], validate_choice=False)


class StaffActionForm(Form):
    """A bare form: its CSRF token is what protects the staff action buttons."""

    confirm = BooleanField(default=True)
