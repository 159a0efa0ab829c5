"""Forms of the polling station's pages: finding a voter, marking them, the paper counts."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from ovote.elections import display
from ovote.form_input import Form
from ovote.registration.forms import DatePartsField

#: the largest count a field takes (a consulate's polling station is far below it)
COUNT_DIGITS = 7


class PollBookSearchForm(Form):
    """A GET form: a reference or document number, or the names with the date of birth."""

    class Meta:
        csrf = False

    number = StringField(_l("Reference number, passport number or identity card number"),
                         validators=[Optional(), Length(max=40)],
                         description=_l("As on the voter's document, or their reference number "
                                        "(e.g. OV-000123)."))
    surname = StringField(_l("Family name(s)"), validators=[Optional(), Length(max=200)])
    given_names = StringField(_l("Given name(s)"), validators=[Optional(), Length(max=200)])
    birth_date = DatePartsField(_l("Date of birth"), autocomplete="off",
                                description=_l("For example, 27 3 1990."))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if ok and not self.number.data and not (self.surname.data and self.birth_date.data):
            self.number.errors.append(str(_l("Enter a reference or document number, or the family "
                                             "name and the date of birth.")))
            return False
        return ok

    def query_args(self):
        """The search as typed, for the URL of a form posted from its results (so that the
        page shown after a refusal shows them again)."""
        args = {name: self[name].data for name in ("number", "surname", "given_names") if self[name].data}
        args.update({f"birth_date-{part}": value for part, value in self.birth_date.parts.items() if value})
        return args

    @property
    def asked(self):
        """Something was typed: the page shows what was found (or that nothing was)."""
        return bool(self.number.data or self.surname.data or self.given_names.data
                    or any(self.birth_date.parts.values()))


class MarkForm(Form):
    checked = BooleanField(_l("I have checked the voter's identity document, and I am giving them "
                              "their ballot papers."),
                           validators=[DataRequired(_l("Tick the box to confirm that you checked the "
                                                       "voter's identity document"))])


def return_form(contest, *, default_language):
    """A form class with one count field per option of `contest` (`option_<position>`), labelled
    in the reader's language."""
    fields = {}
    for option in contest.options:
        label = display.label(option.labels, default_language=default_language) or option.code
        fields[f"option_{option.position}"] = StringField(
            label, validators=[InputRequired(_l("Enter the votes for %(option)s", option=label)),
                               Regexp(rf"^\s*\d{{1,{COUNT_DIGITS}}}\s*$",
                                      message=_l("Enter the votes for %(option)s as a whole number of "
                                                 "0 or more, like 12", option=label))],
            render_kw={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"})
    form_class = type("ReturnForm", (Form,), fields)
    form_class.counts = lambda self: [int(self[f"option_{o.position}"].data) for o in contest.options]
    form_class.option_field = lambda self, position: self[f"option_{position}"]
    return form_class


class ReturnDecisionForm(Form):
    decision = RadioField(_l("Do these counts match the count sheet?"),
                          choices=[SelectChoice("confirm", _l("Yes, confirm them")),
                                   SelectChoice("reject", _l("No, reject them: they must be entered again"))],
                          validators=[InputRequired(_l("Choose whether you confirm or reject the counts"))])
    reason = TextAreaField(_l("Why do you reject them?"), validators=[Length(max=2000)],
                           description=_l("Only if you reject them: the official who entered them "
                                          "reads this."), render_kw={"rows": 3})
