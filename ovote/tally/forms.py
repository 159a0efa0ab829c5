"""The trustee's decryption upload form."""
from flask_babel import lazy_gettext as _l
from wtforms import FileField

from ovote.form_input import Form


class DecryptionUploadForm(Form):
    # The file's checks are the decryption service's (ovote.tally.decryption.upload): a
    # missing file is refused there like any other bad one, naming the trustee.
    file = FileField(_l("Decryption file"))
