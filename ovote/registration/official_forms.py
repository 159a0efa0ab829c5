"""Forms of the consular official's page: the decision in two halves, the second official's
confirmation, the appointment and the identity check in person."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from ovote.form_input import Form
from ovote.registration.forms import CheckboxesField, DatePartsField, held_document_choices
from ovote.registration.reasons import ACTIONS, reasons_for


def _at_most(n):
    return Length(max=n, message=_l("Write at most %(max)d characters"))


DECISION_CHOICES = {
    "verify": _l("Verify: add to the register"),
    "request_info": _l("Ask the applicant for more information"),
    "reject": _l("Reject"),
}


class DecisionChoiceForm(Form):
    """The first half of a decision: which one (a GET form: it changes nothing). The second
    half, `DecisionForm`, then offers only the reasons that fit it, without any script."""

    class Meta:
        csrf = False

    decision = RadioField(_l("Decision"), validate_choice=False,
                          validators=[DataRequired(_l("Choose a decision")),
                                      AnyOf(ACTIONS, message=_l("Choose a decision"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing is chosen beforehand: a decision is always the official's own choice.
        self.decision.choices = [SelectChoice(a, str(label)) for a, label in DECISION_CHOICES.items()]


class DecisionForm(Form):
    action = HiddenField()
    reason = RadioField(_l("Reason"), validate_choice=False,
                        validators=[DataRequired(_l("Choose the reason for the decision"))])
    note = TextAreaField(_l("Note to the applicant (optional)"), validators=[Length(max=2000)],
                         render_kw={"rows": 3})
    confirm = BooleanField(_l("I have checked the details and the document, and I confirm this decision."),
                           validators=[DataRequired(_l("Tick the box to confirm the decision"))])

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.action.data if self.action.data in ACTIONS else action
        if chosen in ACTIONS:
            self.action.data = chosen
        self.chosen = chosen if chosen in ACTIONS else None
        self.reason.choices = [SelectChoice(code, str(label)) for code, label in reasons_for(self.chosen)]

    @property
    def chosen_label(self):
        return DECISION_CHOICES[self.chosen] if self.chosen else ""


class ConfirmForm(Form):
    """The second official's confirmation of a proposed verification, with a note if they wish."""
    note = TextAreaField(_l("Your note to the applicant (optional)"), validators=[Length(max=2000)],
                         description=_l("Added after the first official's note."), render_kw={"rows": 2})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "confirm")  # beside the decision form's own note on one page
        super().__init__(*args, **kwargs)


class AppointmentForm(Form):
    day = DatePartsField(_l("Date of the appointment"), required=True,
                         description=_l("For example, 14 12 2026"),
                         required_message=_l("Enter the day of the appointment"),
                         invalid_message=_l("Enter the day of the appointment as a real date, "
                                            "e.g. 14 12 2026"))
    at = StringField(_l("Time"), validators=[DataRequired(_l("Enter the time of the appointment")),
                                             _at_most(5)],
                     description=_l("Hours and minutes on the consulate's clock, e.g. 09:30"),
                     render_kw={"inputmode": "numeric", "class": "w-auto"})
    place = TextAreaField(_l("Place"), validators=[DataRequired(_l("Enter where the applicant should come")),
                                                   _at_most(300)],
                          description=_l("The consulate's address, and the desk or room."),
                          render_kw={"rows": 2})


class IdentityCheckForm(Form):
    outcome = RadioField(_l("Is the applicant the person named in the application?"),
                         validate_choice=False,
                         validators=[DataRequired(_l("Say whether the identity was confirmed"))])
    documents_seen = CheckboxesField(_l("Documents seen"), validate_choice=False,
                                     description=_l("Every document the applicant showed you."))
    notes = TextAreaField(_l("Notes (optional)"), validators=[Length(max=2000)],
                          description=_l("What you saw and checked; kept encrypted, for officials only."),
                          render_kw={"rows": 3})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [SelectChoice("confirmed", str(_l("Yes: identity confirmed"))),
                                SelectChoice("not_confirmed", str(_l("No: identity not confirmed")))]
        self.documents_seen.choices = held_document_choices()

    def values(self):
        outcome = {"confirmed": True, "not_confirmed": False}.get(self.outcome.data)
        return dict(confirmed=outcome, documents_seen=self.documents_seen.data, notes=self.notes.data)
