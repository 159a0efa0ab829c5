"""The trustee's upload form of the key ceremony pages."""
from flask_babel import lazy_gettext as _l
from wtforms import FileField

from ovote.form_input import Form


class CeremonyUploadForm(Form):
    # The file's checks are the ceremony service's (ovote.elections.ceremony.upload): a
    # missing file is refused there as "not a ceremony file", like any other bad one.
    file = FileField(_l("Ceremony file"))
