from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ovote.form_input import Form
from ovote.refusals import message_of
from ovote.text import ControlCharacters, has_control_characters


def no_control_characters(form, field):
    """Refuse control characters: PostgreSQL cannot compare with a NUL byte, and no
    actor, action or target holds one."""
    if has_control_characters(field.data):
        raise ValidationError(message_of(ControlCharacters()))


class AuditFilterForm(Form):
    """Filters of the audit page; a GET form, so no CSRF token is needed."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=80), no_control_characters])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=80), no_control_characters])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=120), no_control_characters])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    #: bounded so that the page's offset fits a database integer
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=1_000_000)], default=1)
