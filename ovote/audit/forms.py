from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import Length, NumberRange, Optional


class AuditFilterForm(FlaskForm):
    """Filters of the audit page; a GET form, so no CSRF token is needed."""

    class Meta:
        csrf = False

    actor = StringField(_l("Actor"), validators=[Optional(), Length(max=80)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=80)])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=120)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])
    #: bounded so that the page's offset fits a database integer
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=1_000_000)], default=1)
