"""The commission's election forms. A text offered in every language has one field per
language (`title_en`, `label_fr`, ...), made for the app's languages at run time."""
from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import (DateField, DateTimeLocalField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ovote.form_input import Form

_DATETIME = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def _language_name(code):
    return Locale.parse(code.replace("-", "_")).get_display_name(code).capitalize()


def with_languages(form_class, prefix, description, *, settings):
    """A subclass of `form_class` with one text field `<prefix>_<language>` per language
    `settings` offers, the default one first; `form.texts(prefix)` gathers them into a dict."""
    default = settings.default_locale
    ordered = [default] + [lang for lang in settings.languages if lang != default]
    fields = {"languages": tuple(ordered)}
    for language in ordered:
        text = f"{description} ({_language_name(language)})"
        fields[f"{prefix}_{language.replace('-', '_')}"] = StringField(
            text, render_kw={"lang": language},
            description=_l("Required.") if language == default else _l("Optional."))
    return type(form_class.__name__, (form_class,), fields)


class LanguageTexts:
    #: the languages of the text fields (set by `with_languages`)
    languages = ()

    def texts(self, prefix):
        return {lang: getattr(self, f"{prefix}_{lang.replace('-', '_')}").data or ""
                for lang in self.languages}


class ElectionForm(LanguageTexts, Form):
    slug = StringField(_l("Short name"), description=_l(
        "Used in addresses and in the election's record: lower-case letters, digits and hyphens, "
        "e.g. general-2027. It cannot change once the election is frozen."))
    threshold = IntegerField(_l("Trustees needed to decrypt (k)"), validators=[Optional()],
                             description=_l("Any k of the trustees together can decrypt the results."))
    min_unit_ballots = IntegerField(_l("Smallest number of ballots behind a published result"),
                                    default=10, validators=[InputRequired()],
                                    description=_l("Consulates with fewer ballots are pooled "
                                                   "(1 means no floor)."))
    max_revotes = IntegerField(_l("How often a voter may vote again"), default=20,
                               validators=[InputRequired()])


class TimelineForm(Form):
    registration_deadline = DateTimeLocalField(_l("Registration deadline"), format=_DATETIME,
                                               validators=[InputRequired()])
    tokens_open = DateTimeLocalField(_l("Ballot tokens can be asked for from"), format=_DATETIME,
                                     validators=[InputRequired()])
    voting_opens = DateTimeLocalField(_l("Voting opens"), format=_DATETIME, validators=[InputRequired()])
    voting_closes = DateTimeLocalField(_l("Voting closes"), format=_DATETIME, validators=[InputRequired()])
    election_day = DateField(_l("Election day"), validators=[InputRequired()],
                             description=_l("Voters' ages are assessed on this day."))


class ContestForm(LanguageTexts, Form):
    code = StringField(_l("Contest code"), description=_l("Upper-case letters and digits, e.g. PRES."))
    min_selections = IntegerField(_l("Fewest options a voter chooses"), default=0,
                                  validators=[InputRequired()])
    max_selections = IntegerField(_l("Most options a voter chooses"), default=1,
                                  validators=[InputRequired()])


class OptionForm(LanguageTexts, Form):
    code = StringField(_l("Option code"), description=_l("Upper-case letters and digits, e.g. YES."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BallotStyleForm(Form):
    code = StringField(_l("Ballot style code"), description=_l("Upper-case letters and digits, e.g. NORTH."))
    contests = MultiCheckboxField(_l("Contests on this ballot"), validate_choice=False)
    constituencies = MultiCheckboxField(_l("Home constituencies whose voters get it"),
                                        validate_choice=False)


class TrusteeForm(Form):
    email = SelectField(_l("Trustee"), validate_choice=False,
                        description=_l("Staff members with the trustee role."))


class ConfirmForm(Form):
    """A button alone: the CSRF token is the whole form."""


class RemindersForm(Form):
    reminders = RadioField(_l("Reminders before an election closes"),
                           choices=[SelectChoice("yes", _l("Send me a reminder")),
                                    SelectChoice("no", _l("No reminders"))],
                           validators=[InputRequired()])
