from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from ovote.form_input import Form

#: a receipt is about 400 bytes; a pasted or uploaded one may carry some white space
RECEIPT_LIMIT = 4096


class BoardSearchForm(Form):
    """The board page's search and paging: a GET form, no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(_l("Tracking code"), validators=[
        Optional(), Regexp(r"^[0-9a-fA-F\- ]{4,80}$", message=_l("Enter the tracking code, or its "
                                                                   "first groups, as on your receipt."))],
        description=_l("The full code, or its first groups as shown on your receipt (e.g. 3f2a-9c01)."))
    after = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**31 - 1)], default=0)


class ReceiptForm(Form):
    """A receipt to check. No CSRF token: the check changes nothing, and the page keeps
    no session (the server must not learn who checks which receipt)."""

    class Meta:
        csrf = False

    receipt = TextAreaField(_l("Receipt"), validators=[Optional(), Length(max=RECEIPT_LIMIT)],
                            description=_l("Paste the receipt exactly as ovote vote saved it."))
    receipt_file = FileField(_l("Or upload the receipt file"))
