"""The e-mail a voter gets at every change of their application's state, in their language."""
from flask_babel import force_locale
from flask_babel import gettext as _

from ovote.registration.models import ApplicationState
from ovote.registration.reasons import reason_label


def _reason(application):
    lines = [_("Reason: %(reason)s", reason=reason_label(application.decision_reason))]
    if application.decision_note:
        lines.append(_("Note from the consulate: %(note)s", note=application.decision_note))
    return "\n".join(lines)


def _message(application, link, left_register):
    consulate = application.consulate.name if application.consulate else ""
    state = application.state
    if state is ApplicationState.SUBMITTED:
        return (_("Your application to the overseas register was received"),
                _("%(consulate)s will check your application. We will write to you when it has "
                  "decided. Follow your application here: %(link)s", consulate=consulate, link=link))
    if state is ApplicationState.MORE_INFO:
        return (_("The consulate needs more information for your application"),
                _("%(reason)s\n\nOpen your application, make the changes asked for and submit it "
                  "again: %(link)s", reason=_reason(application), link=link))
    if state is ApplicationState.VERIFIED:
        return (_("You are on the overseas register"),
                _("%(consulate)s has verified your application. You will be able to vote from "
                  "abroad. Your application: %(link)s", consulate=consulate, link=link))
    if state is ApplicationState.REJECTED:
        return (_("Your application to the overseas register was rejected"),
                _("%(reason)s\n\nIf you think this is wrong, contact the consulate. You may also "
                  "start a new application: %(link)s", reason=_reason(application), link=link))
    if left_register:
        return (_("You have left the overseas register"),
                _("You withdrew your registration: you are no longer on the overseas register and "
                  "cannot vote from abroad unless you apply again. You may start a new application "
                  "at any time: %(link)s", link=link))
    return (_("Your application to the overseas register was withdrawn"),
            _("Your application was withdrawn and will not be examined. You may start a new "
              "one at any time: %(link)s", link=link))


def notify(session, application, *, mailer, left_register=False):
    """Mail the voter about the application's current state once the change commits;
    `left_register`: a verified voter has just withdrawn."""
    voter = application.voter
    with force_locale(voter.locale or "en"):
        subject, body = _message(application, mailer.link("registration.status"), left_register)
        mailer.send(voter.email, subject, body, session=session)
