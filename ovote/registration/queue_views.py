"""The consular official's pages: the queue, an application with its checks, decisions.

Every page is for officials only, and only for their own consulate's
applications: `get_application` answers 404 for anything else. Showing
personal data (the queue, an application, its document) is an audit event.
"""
from datetime import timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ovote.accounts.models import Role
from ovote.accounts.access import roles_required
from ovote.audit.services import record_view
from ovote.countries import country_name
from ovote.formats import clock
from ovote.extensions import db
from ovote.refusals import flash_refusal, message_of, status_of
from ovote.registration import checks, documents, forms, in_person, official_forms, verification
from ovote.registration.access import get_application
from ovote.registration.documents import INLINE_TYPES
from ovote.registration.notifications import appointment_time
from ovote.registration.models import ApplicationState, CheckOutcome
from ovote.registration.personal import details, unseal
from ovote.registration.reasons import reason_label
from ovote.registration.rules import RULE_TITLES
from ovote.runtime import runtime

bp = Blueprint("review", __name__, url_prefix="/applications")


@bp.app_template_filter("consulate_time")
def consulate_time(moment, consulate):
    """A stored UTC time as the consulate's clock shows it, with the zone named: officials
    read times in their own zone, and a reader elsewhere still knows which it is."""
    if moment is None:
        return ""
    zone = ZoneInfo(consulate.timezone) if consulate and consulate.timezone else timezone.utc
    local = moment.replace(tzinfo=timezone.utc).astimezone(zone)
    return f"{clock(local)} ({consulate.timezone if consulate else 'UTC'})"


@bp.context_processor
def _helpers():
    return {"country_name": country_name, "appointment_time": appointment_time, "unseal": _unseal,
            "INLINE_TYPES": INLINE_TYPES}


def _unseal(row, column):
    return unseal(row, column, cipher=runtime().cipher)


def _enum_arg(kind, value):
    try:
        return kind(value) if value else None
    except ValueError:
        return None


@bp.route("/")
@roles_required(Role.OFFICIAL)
def queue():
    state = _enum_arg(ApplicationState, request.args.get("status"))
    check = _enum_arg(CheckOutcome, request.args.get("check"))
    page = request.args.get("page", 1, type=int)
    result = verification.queue(db.session, consulate=current_user.consulate, state=state, check=check,
                                page=page)
    cipher = runtime().cipher
    names = {a.id: _("Personal data deleted") if a.purged_at else details(a, cipher=cipher).full_name
             for a in result.applications}
    record_view(db.session, actor=current_user, action="application.queue_view",
                target=f"consulate:{current_user.consulate.code}",
                status=state.value if state else None, check=check.value if check else None,
                shown=len(result.applications))
    return render_template("registration/queue.html", queue=result, names=names, state=state,
                           check=check, States=ApplicationState, Outcomes=CheckOutcome)


def _registry_names(application, results):
    """The civil registry's names for the application's document numbers, when the check
    found that they differ from the typed ones (the official compares them side by side)."""
    if not any(r.rule == "civil_registry" and r.reason_code == "registry.names" for r in results):
        return []
    cipher = runtime().cipher
    return [(unseal(e, "surname_enc", cipher=cipher), unseal(e, "given_names_enc", cipher=cipher) or "")
            for e in checks.registry_entries(db.session, application)]


def _choice_form():
    """The first half of the decision, filled from the page's address (?decision=...)."""
    form = official_forms.DecisionChoiceForm(request.args if "decision" in request.args else None)
    if "decision" in request.args:
        form.validate()
    return form


def _show(application, status=200, choice_form=None, **page_forms):
    """The application's page, with its personal data: every rendering of it (a refused
    decision's included) is an audited view. `page_forms` are refused forms to show again
    (decision_form, appointment_form, check_form, confirm_form)."""
    record_view(db.session, actor=current_user, action="application.view",
                target=f"application:{application.id}")
    results = checks.stored_results(application)
    choice_form = choice_form or _choice_form()
    chosen = choice_form.decision.data if not choice_form.errors else None
    context = dict(
        decision_form=official_forms.DecisionForm(formdata=None, action=chosen),
        appointment_form=official_forms.AppointmentForm(formdata=None),
        check_form=official_forms.IdentityCheckForm(formdata=None),
        confirm_form=official_forms.ConfirmForm(formdata=None))
    context.update({name: form for name, form in page_forms.items() if form is not None})
    if not context["appointment_form"].is_submitted() and application.appointment:
        context["appointment_form"].place.data = application.appointment.place
    return render_template(
        "registration/application.html", application=application,
        person=details(application, cipher=runtime().cipher), results=results, rule_titles=RULE_TITLES,
        registry_names=_registry_names(application, results), choice_form=choice_form,
        proposal=verification.proposal(application), action_form=forms.ActionForm(),
        reason_label=reason_label, **context), status


def _refused_access(exc):
    """A decision refused because, re-read under its lock, the application is no longer this
    official's to see (e.g. the voter chose another consulate meanwhile): 404, not its page."""
    if isinstance(exc, verification.NotYourConsulate):
        abort(404)


@bp.route("/<int:application_id>")
@roles_required(Role.OFFICIAL)
def show(application_id):
    return _show(get_application(db.session, application_id, current_user))


@bp.route("/<int:application_id>/document")
@roles_required(Role.OFFICIAL)
def document(application_id):
    application = get_application(db.session, application_id, current_user)
    if application.document_file is None:
        flash(_("This application has no document."), "warning")
        return redirect(url_for(".show", application_id=application.id))
    record_view(db.session, actor=current_user, action="application.document_view",
                target=f"application:{application.id}", type=application.document_type)
    return documents.response_for(application, documents=runtime().documents)


@bp.route("/<int:application_id>/decision", methods=["POST"])
@roles_required(Role.OFFICIAL)
def decide(application_id):
    application = get_application(db.session, application_id, current_user)
    form = official_forms.DecisionForm()
    if form.chosen is None:  # no decision (or an unknown one) posted: choose it first
        choice = official_forms.DecisionChoiceForm(formdata=None)
        choice.decision.errors = [_("Choose a decision")]
        return _show(application, 422, choice_form=choice)
    if not form.validate_on_submit():
        return _show(application, 422, decision_form=form)
    rt = runtime()
    try:
        done = verification.decide(db.session, application, official=current_user,
                                   action=form.action.data, reason_code=form.reason.data,
                                   note=form.note.data, settings=rt.settings, cipher=rt.cipher,
                                   mailer=rt.mailer)
    except verification.DecisionRefused as exc:
        _refused_access(exc)
        form.form_errors.append(message_of(exc))
        return _show(application, status_of(exc), decision_form=form)
    db.session.commit()
    key = "propose_verify_in_person" if done.value == "propose_verify" and application.no_valid_document \
        else done.value
    flash(str(_DONE[key]), "success" if done.value != "propose_verify" else "info")
    return redirect(url_for(".show", application_id=application.id), 303)


_DONE = {
    "verify": _l("The application is verified: the voter is on the register."),
    "propose_verify": _l("Not every automatic check passed: a second official of your consulate must "
                        "now confirm the verification."),
    "propose_verify_in_person": _l("The applicant has no valid document: a second official of your "
                                  "consulate must now confirm the verification."),
    "confirm_verify": _l("Verification confirmed: the voter is on the register."),
    "reject": _l("The application is rejected. The applicant has been told why."),
    "request_info": _l("The applicant has been asked for more information."),
}


@bp.route("/<int:application_id>/confirm", methods=["POST"])
@roles_required(Role.OFFICIAL)
def confirm(application_id):
    application = get_application(db.session, application_id, current_user)
    form = official_forms.ConfirmForm()
    if not form.validate_on_submit():
        return _show(application, 422, confirm_form=form)
    try:
        verification.confirm(db.session, application, official=current_user,
                             mailer=runtime().mailer, note=form.note.data)
    except verification.DecisionRefused as exc:
        _refused_access(exc)
        form.form_errors.append(message_of(exc))
        return _show(application, status_of(exc), confirm_form=form)
    db.session.commit()
    flash(str(_DONE["confirm_verify"]), "success")
    return redirect(url_for(".show", application_id=application.id), 303)


@bp.route("/<int:application_id>/recheck", methods=["POST"])
@roles_required(Role.OFFICIAL)
def recheck(application_id):
    application = get_application(db.session, application_id, current_user)
    if forms.ActionForm().validate_on_submit():
        rt = runtime()
        try:
            verification.recheck(db.session, application, official=current_user, settings=rt.settings,
                                 cipher=rt.cipher)
        except verification.DecisionRefused as exc:
            db.session.rollback()
            flash_refusal(exc)
            return redirect(url_for(".show", application_id=application.id), 303)
        db.session.commit()
        flash(_("The automatic checks have been run again."), "success")
    return redirect(url_for(".show", application_id=application.id), 303)


def _in_person_refused(application, form, exc, name):
    """A refused appointment or identity check: its form again, the problem on its field."""
    db.session.rollback()
    _refused_access(exc)
    field = getattr(form, getattr(exc, "field", None) or "", None)
    (field.errors if field is not None else form.form_errors).append(message_of(exc))
    return _show(application, status_of(exc), **{name: form})


@bp.route("/<int:application_id>/appointment", methods=["POST"])
@roles_required(Role.OFFICIAL)
def book_appointment(application_id):
    """Book (or book again) the identity check in person of an applicant without a valid document."""
    application = get_application(db.session, application_id, current_user)
    form = official_forms.AppointmentForm()
    if not form.validate_on_submit():
        return _show(application, 422, appointment_form=form)
    try:
        in_person.book_appointment(db.session, application, official=current_user, day=form.day.data,
                                   at=form.at.data, place=form.place.data, mailer=runtime().mailer)
    except (in_person.InPersonRefused, verification.NotYourConsulate) as exc:
        return _in_person_refused(application, form, exc, "appointment_form")
    db.session.commit()
    flash(_("The appointment is booked. The applicant has been sent it by e-mail."), "success")
    return redirect(url_for(".show", application_id=application.id) + "#in-person", 303)


@bp.route("/<int:application_id>/identity-check", methods=["POST"])
@roles_required(Role.OFFICIAL)
def record_identity_check(application_id):
    """Record what was seen at the identity check in person."""
    application = get_application(db.session, application_id, current_user)
    form = official_forms.IdentityCheckForm()
    if not form.validate_on_submit():
        return _show(application, 422, check_form=form)
    try:
        in_person.record_identity_check(db.session, application, official=current_user,
                                        cipher=runtime().cipher, **form.values())
    except (in_person.InPersonRefused, verification.NotYourConsulate) as exc:
        return _in_person_refused(application, form, exc, "check_form")
    db.session.commit()
    flash(_("The identity check is recorded."), "success")
    return redirect(url_for(".show", application_id=application.id) + "#in-person", 303)
