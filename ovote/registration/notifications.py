"""The e-mail a voter gets at every change of their application's state, in their language."""
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
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
    consulate = application.consulate.local_name if application.consulate else ""
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
        body = _("%(consulate)s has verified your application. You will be able to vote from "
                 "abroad. Your application: %(link)s", consulate=consulate, link=link)
        if application.decision_note:
            body += "\n\n" + _("Note from the consulate: %(note)s", note=application.decision_note)
        return _("You are on the overseas register"), body
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


def reference(application):
    """The number a voter quotes about their application (on the status page and in mail)."""
    return f"OV-{application.id:06d}"


def expected_decision(application, days):
    """The day by which the consulate usually decides: `days` working days (Monday to
    Friday) after the (last) submission, or None before it is submitted."""
    if application.submitted_at is None:
        return None
    day = application.submitted_at.date()
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def notify(session, application, *, mailer, settings=None, left_register=False):
    """Mail the voter about the application's current state once the change commits;
    `left_register`: a verified voter has just withdrawn. In the voter's language.
    `settings` (ovote.settings.Settings) is needed for a submission: it says when the
    consulate usually decides."""
    voter = application.voter
    with force_locale(voter.locale or "en"):
        subject, body = _message(application, mailer.link("registration.status"), left_register)
        body = "\n\n".join([_("Your reference number: %(reference)s", reference=reference(application)),
                             body, _next_step(application, settings, voter.locale or "en")])
        mailer.send(voter.email, subject, body, session=session)


def appointment_time(appointment, consulate, locale):
    """When an appointment is, on the consulate's clock, in words of `locale`, the zone named:
    e.g. "Monday 14 December 2026, 10:30 (Europe/Paris)"."""
    local = appointment.starts_at.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(consulate.timezone))
    return "%s, %s (%s)" % (format_date(local.date(), format="full", locale=locale),
                            format_time(local.time(), format="short", locale=locale), consulate.timezone)


def notify_appointment(session, application, appointment, *, mailer):
    """Mail the voter the appointment for their identity check in person, in their language,
    once it commits."""
    voter = application.voter
    locale = voter.locale or "en"
    with force_locale(locale):
        held = ", ".join(str(kind.label) for kind in application.held_documents)
        body = "\n\n".join([
            _("Your reference number: %(reference)s", reference=reference(application)),
            _("You told us that you do not have a valid identity document. %(consulate)s will "
              "check who you are in person. Please come:", consulate=application.consulate.name),
            _("When: %(when)s\nWhere: %(place)s",
              when=appointment_time(appointment, application.consulate, locale), place=appointment.place),
            _("Bring every document you have that shows who you are (you told us: %(held)s), and "
              "this reference number.", held=held),
            _("What happens next: an official sees you and your documents; two officials then decide "
              "on your application and we write to you. If you cannot come, contact the consulate. "
              "Your application: %(link)s", link=mailer.link("registration.status")),
        ])
        mailer.send(voter.email, _("Your appointment for an identity check at the consulate"), body,
                    session=session)


def _next_step(application, settings, locale):
    state = application.state
    if state is ApplicationState.SUBMITTED and application.no_valid_document:
        return _("What happens next: as you have no valid document, the consulate will write to you "
                 "with an appointment to check who you are in person. Bring the documents you have.")
    if state is ApplicationState.SUBMITTED:
        day = expected_decision(application, settings.decision_days)
        return _("What happens next: the consulate usually decides by %(day)s. You do not need to "
                 "do anything until then.", day=format_date(day, format="long", locale=locale))
    if state is ApplicationState.MORE_INFO:
        return _("What happens next: once you have submitted your application again, the consulate "
                 "looks at it again.")
    if state is ApplicationState.VERIFIED:
        return _("What happens next: when voting opens, we will write to you with how to vote.")
    return _("What happens next: nothing, unless you start a new application.")
