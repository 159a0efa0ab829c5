"""The identity check in person of an applicant without a valid document.

An official of the applicant's consulate books an appointment (a day and time
on the consulate's clock, and a place); the voter sees it on their status page
and gets it by mail. At the consulate the official records what was seen and
whether the identity is confirmed. `verification.decide` verifies such an
application only on a confirmed check, and always with a second official.
"""
import logging
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from ovote.audit.services import record
from ovote.clock import utcnow
from ovote.errors import Refused
from ovote.registration import notifications
from ovote.registration.access import lock
from ovote.registration.in_person_models import IdentityAppointment, IdentityCheck
from ovote.registration.models import ApplicationState, HeldDocument
from ovote.registration.personal import seal
from ovote.registration.verification import check_official
from ovote.text import visible_text

log = logging.getLogger(__name__)


class InPersonRefused(Refused):
    """An appointment or identity check that cannot be recorded (`appointment.*`,
    `identity_check.*` in ovote.refusals); `field` names the form field at fault."""

    def __init__(self, code=None, /, *, field=None, **params):
        super().__init__(code, **params)
        self.field = field


def _under_review(application, prefix):
    if not application.no_valid_document:
        raise InPersonRefused(f"{prefix}.not_needed")
    if application.state is not ApplicationState.SUBMITTED:
        raise InPersonRefused(f"{prefix}.not_under_review", state=application.state.in_sentence)


def parse_clock_time(value):
    """A time of day typed as HH:MM (or H:MM, or H.MM), or None."""
    text = (value or "").strip().replace(".", ":").replace("h", ":")
    hours, sep, minutes = text.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        return None
    try:
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def consulate_moment_utc(day, at, zone_name):
    """`day` at `at` on the clock of `zone_name`, as naive UTC; None when the clocks skip that
    time (the hour lost when summer time starts)."""
    zone = ZoneInfo(zone_name)
    local = datetime.combine(day, at, tzinfo=zone)
    moment = local.astimezone(timezone.utc)
    if moment.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return moment.replace(tzinfo=None)


def book_appointment(session, application, *, official, day, at, place, mailer, now=None):
    """Book the identity check in person: `day` (a date) and `at` (HH:MM text) on the
    consulate's clock, at `place`; mail the voter. Booking again replaces the appointment
    (the earlier one stays in the history). Raises NotYourConsulate (404) and
    InPersonRefused; nothing is stored when refused."""
    lock(session, application)
    check_official(application, official)
    _under_review(application, "appointment")
    if day is None:
        raise InPersonRefused("appointment.day", field="day")
    clock = parse_clock_time(at)
    if clock is None:
        raise InPersonRefused("appointment.time", field="at")
    zone = application.consulate.timezone
    starts_at = consulate_moment_utc(day, clock, zone)
    if starts_at is None:
        raise InPersonRefused("appointment.not_on_clock", field="at", time=f"{clock:%H:%M}",
                              day=day.isoformat(), zone=zone)
    now = now or utcnow()
    if starts_at <= now:
        local_now = now.replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone))
        raise InPersonRefused("appointment.in_past", field="day", now=f"{local_now:%Y-%m-%d %H:%M} ({zone})")
    place = (place or "").strip()
    if not place or len(place) > 300:
        raise InPersonRefused("appointment.place", field="place")
    try:
        place = visible_text(place, multiline=True)
    except Refused as exc:
        raise InPersonRefused(exc.code, field="place", **exc.params) from None
    appointment = IdentityAppointment(application=application, starts_at=starts_at, place=place,
                                      booked_by_id=official.id, booked_at=now)
    session.add(appointment)
    session.flush()
    record(session, actor=official, action="application.appointment_booked",
           target=f"application:{application.id}",
           details={"consulate": application.consulate.code, "starts_at": starts_at.isoformat(),
                    "appointment": appointment.id})
    notifications.notify_appointment(session, application, appointment, mailer=mailer)
    log.info("application %s: identity check booked for %s UTC", application.id, starts_at)
    return appointment


def _held(codes, field):
    chosen = list(dict.fromkeys(codes or ()))
    known = {kind.value for kind in HeldDocument}
    if any(code not in known for code in chosen):
        raise InPersonRefused("identity_check.documents_seen", field=field)
    return ",".join(kind.value for kind in HeldDocument if kind.value in chosen)


def record_identity_check(session, application, *, official, confirmed, documents_seen, notes,
                          cipher, now=None):
    """Record the identity check in person: whether the official is satisfied that the
    applicant is who the application names (`confirmed`: True or False), the kinds of
    document seen (HeldDocument values; at least one to confirm) and notes (sealed).
    Raises NotYourConsulate (404) and InPersonRefused; nothing is stored when refused."""
    lock(session, application)
    check_official(application, official)
    _under_review(application, "identity_check")
    if confirmed not in (True, False):
        raise InPersonRefused("identity_check.outcome", field="outcome")
    seen = _held(documents_seen, "documents_seen")
    if confirmed and not seen:
        raise InPersonRefused("identity_check.nothing_seen", field="documents_seen")
    notes = (notes or "").strip()
    if len(notes) > 2000:
        raise InPersonRefused("identity_check.notes_too_long", field="notes")
    try:
        notes = visible_text(notes, multiline=True)
    except Refused as exc:
        raise InPersonRefused(exc.code, field="notes", **exc.params) from None
    check = IdentityCheck(application=application, appointment=application.appointment,
                          official_id=official.id, documents_seen=seen, identity_confirmed=confirmed,
                          checked_at=now or utcnow())
    seal(check, "notes_enc", notes, cipher=cipher)
    session.add(check)
    session.flush()
    record(session, actor=official, action="application.identity_check",
           target=f"application:{application.id}",
           details={"consulate": application.consulate.code, "confirmed": confirmed,
                    "documents_seen": seen.split(",") if seen else []})
    return check
