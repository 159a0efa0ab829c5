"""The voter's pages: the application in short steps, review and submission, status, withdrawal."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.audit.services import record_view
from ovote.consulates.services import list_constituencies
from ovote.countries import country_name
from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import flash_refusal, message_of, status_of
from ovote.registration import documents, forms, services
from ovote.registration.models import ApplicationState
from ovote.registration.personal import details
from ovote.registration.reasons import reason_label
from ovote.runtime import runtime

bp = Blueprint("registration", __name__, url_prefix="/register")

STEP_TITLES = {
    "identity": _l("Who you are"),
    "documents": _l("Identity documents"),
    "residence": _l("Where you live"),
    "consulate": _l("Your consulate"),
    "voting": _l("Constituency and voting"),
    "upload": _l("Document scan"),
}
#: step -> (its form, its service, the collaborators of the Runtime the service takes)
STEP_FORMS = {
    "identity": (forms.IdentityForm, services.save_identity, ("cipher",)),
    "documents": (forms.DocumentsForm, services.save_documents, ("cipher",)),
    "residence": (forms.ResidenceForm, services.save_residence, ("cipher",)),
    "consulate": (forms.ConsulateChoiceForm, services.save_consulate, ()),
    "voting": (forms.VotingForm, services.save_voting, ()),
    "upload": (forms.UploadForm, services.save_document, ("documents",)),
}


@bp.context_processor
def _helpers():
    return {"States": ApplicationState, "reason_label": reason_label, "country_name": country_name}


def _page(template, status=200, **context):
    application = context.get("application")
    done = services.completed_steps(application) if application is not None else []
    return render_template(template, steps=services.STEPS, titles=STEP_TITLES, done_steps=done,
                           **context), status


def _editable_application():
    application = services.current_application(db.session, current_user)
    return application if application is not None and application.state.editable else None


def _not_editable():
    """The answer when the voter's application cannot be changed (there is none, or it is no
    longer a draft). A step's page sends the voter to the status page. An edit or submission
    posted from a page loaded earlier (in a second tab, before the application was submitted,
    or while another request submitted it) is not saved: the answer is 409 with the status
    page, saying so and why."""
    db.session.rollback()  # a refused save leaves nothing behind, and the state is re-read
    application = services.current_application(db.session, current_user)
    if request.method != "POST" or application is None:
        return redirect(url_for(".status"))
    refusal = Refused("application.change_not_saved", state=application.state.in_sentence)
    flash_refusal(refusal)
    return _status_page(application, status_of(refusal))


def _form_for(step, application):
    form_class = STEP_FORMS[step][0]
    if step == "consulate":
        return form_class(consulates=services.consulates_for(db.session, application))
    if step == "voting":
        return form_class(constituencies=list_constituencies(db.session))
    if step == "upload":
        return form_class(attached=application.document_file is not None,
                          max_bytes=runtime().settings.document_max_bytes)
    return form_class()


def _field_for(form, name):
    """The form field a service error names, else the form's first field."""
    fields = [f for f in form if f.name != "csrf_token"]
    return next((f for f in fields if f.name == name), fields[0])


def _after_save(step):
    if request.form.get("then") == "later":
        flash(_("Saved. You can come back and continue at any time."), "success")
        return url_for(".status")
    position = services.STEPS.index(step)
    if position + 1 < len(services.STEPS):
        return url_for(".step", step=services.STEPS[position + 1])
    return url_for(".review")


@bp.route("/")
@roles_required(Role.VOTER)
def status():
    return _status_page(services.current_application(db.session, current_user))


def _status_page(application, status=200):
    person = details(application, cipher=runtime().cipher) if application else None
    missing = services.missing_steps(application) if application else []
    return _page("registration/status.html", status, application=application, person=person,
                 missing=missing, start_form=forms.ActionForm())


@bp.route("/start", methods=["POST"])
@roles_required(Role.VOTER)
def start():
    if forms.ActionForm().validate_on_submit():
        services.start_application(db.session, voter=current_user)
        db.session.commit()
    return redirect(url_for(".step", step=services.STEPS[0]), 303)


@bp.route("/step/<step>", methods=["GET", "POST"])
@roles_required(Role.VOTER)
def step(step):
    if step not in STEP_FORMS:
        abort(404)
    application = _editable_application()
    if application is None:
        return _not_editable()
    form = _form_for(step, application)
    if not form.is_submitted():
        form.fill(application, details(application, cipher=runtime().cipher))
    elif form.validate_on_submit():
        values = form.values()
        if values is not None:  # None: no new file on the upload step, the attached one stays
            _form, save, needs = STEP_FORMS[step]
            collaborators = {name: getattr(runtime(), name) for name in needs}
            try:
                save(db.session, application, actor=current_user, **collaborators, **values)
            except services.ApplicationNotEditable:  # submitted by another request meanwhile
                return _not_editable()
            except services.RegistrationError as exc:
                db.session.rollback()
                _field_for(form, exc.field).errors.append(message_of(exc))
                return _page("registration/step.html", status_of(exc), step=step, form=form,
                             application=application)
            db.session.commit()
        return redirect(_after_save(step), 303)
    return _page("registration/step.html", 422 if form.errors else 200, step=step, form=form,
                 application=application)


@bp.route("/review", methods=["GET", "POST"])
@roles_required(Role.VOTER)
def review():
    application = _editable_application()
    if application is None:
        return _not_editable()
    form = forms.SubmitForm()
    if form.validate_on_submit():
        rt = runtime()
        try:
            services.submit(db.session, application, actor=current_user, settings=rt.settings,
                            cipher=rt.cipher, mailer=rt.mailer)
        except services.ApplicationNotEditable:
            return _not_editable()
        except services.RegistrationError as exc:
            db.session.rollback()
            flash_refusal(exc)
            return _review_page(application, form, status_of(exc))
        db.session.commit()
        flash(_("Your application has been submitted. We have sent you an e-mail."), "success")
        return redirect(url_for(".status"), 303)
    return _review_page(application, form, 422 if form.errors else 200)


def _review_page(application, form, status):
    return _page("registration/review.html", status, application=application, form=form,
                 person=details(application, cipher=runtime().cipher),
                 missing=services.missing_steps(application))


@bp.route("/withdraw", methods=["GET", "POST"])
@roles_required(Role.VOTER)
def withdraw():
    application = services.current_application(db.session, current_user)
    if application is None:
        return redirect(url_for(".status"))
    form = forms.WithdrawForm()
    if form.validate_on_submit():
        try:
            services.withdraw(db.session, application, actor=current_user, mailer=runtime().mailer)
        except services.RegistrationError as exc:
            db.session.rollback()
            flash_refusal(exc)
            return redirect(url_for(".status"), 303)
        db.session.commit()
        flash(_("Your application has been withdrawn."), "success")
        return redirect(url_for(".status"), 303)
    return _page("registration/withdraw.html", 422 if form.errors else 200,
                 application=application, form=form)


@bp.route("/document")
@roles_required(Role.VOTER)
def document():
    """The voter's own uploaded document (there is no way to name anyone else's)."""
    application = services.current_application(db.session, current_user)
    if application is None or application.document_file is None:
        abort(404)
    record_view(db.session, actor=current_user, action="application.document_view",
                target=f"application:{application.id}", by="applicant")
    return documents.response_for(application, documents=runtime().documents)
