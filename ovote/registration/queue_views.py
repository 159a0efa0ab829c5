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
from ovote.extensions import db
from ovote.refusals import flash_refusal, message_of, status_of
from ovote.registration import checks, documents, forms, verification
from ovote.registration.access import get_application
from ovote.registration.models import ApplicationState, CheckOutcome
from ovote.registration.personal import details
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
    return f"{local:%Y-%m-%d %H:%M} ({consulate.timezone if consulate else 'UTC'})"


@bp.context_processor
def _helpers():
    return {"country_name": country_name}


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


def _show(application, decision_form=None, status=200):
    """The application's page, with its personal data: every rendering of it (a refused
    decision's included) is an audited view."""
    record_view(db.session, actor=current_user, action="application.view",
                target=f"application:{application.id}")
    return render_template(
        "registration/application.html", application=application,
        person=details(application, cipher=runtime().cipher),
        results=checks.stored_results(application), rule_titles=RULE_TITLES,
        decision_form=decision_form or forms.DecisionForm(), action_form=forms.ActionForm(),
        reason_label=reason_label), status


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
    form = forms.DecisionForm()
    if not form.validate_on_submit():
        return _show(application, form, 422)
    rt = runtime()
    try:
        done = verification.decide(db.session, application, official=current_user,
                                   action=form.action.data, reason_code=form.reason.data,
                                   note=form.note.data, settings=rt.settings, cipher=rt.cipher,
                                   mailer=rt.mailer)
    except verification.DecisionRefused as exc:
        _refused_access(exc)
        form.form_errors.append(message_of(exc))
        return _show(application, form, status_of(exc))
    db.session.commit()
    flash(str(_DONE[done.value]), "success" if done.value != "propose_verify" else "info")
    return redirect(url_for(".show", application_id=application.id), 303)


_DONE = {
    "verify": _l("The application is verified: the voter is on the register."),
    "propose_verify": _l("Not every automatic check passed: a second official of your consulate must "
                        "now confirm the verification."),
    "confirm_verify": _l("Verification confirmed: the voter is on the register."),
    "reject": _l("The application is rejected. The applicant has been told why."),
    "request_info": _l("The applicant has been asked for more information."),
}


@bp.route("/<int:application_id>/confirm", methods=["POST"])
@roles_required(Role.OFFICIAL)
def confirm(application_id):
    application = get_application(db.session, application_id, current_user)
    if forms.ActionForm().validate_on_submit():
        try:
            verification.confirm(db.session, application, official=current_user,
                                 mailer=runtime().mailer)
        except verification.DecisionRefused as exc:
            _refused_access(exc)
            flash_refusal(exc)
            return _show(application, status=status_of(exc))
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
