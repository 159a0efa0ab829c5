"""The voter's pages: the application in short steps, review and submission, status, withdrawal."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.accounts.services import set_locale
from ovote.audit.services import record_view
from ovote.consulates.services import list_constituencies
from ovote.countries import country_name
from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import flash_refusal, message_of, status_of
from ovote.registration import documents, forms, notifications, services
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
#: page -> (the step it belongs to, its form, its service, the Runtime collaborators the
#: service takes), in the order of the walk. A step may take several pages, one question each.
PAGES = {
    "identity": ("identity", forms.IdentityForm, services.save_identity, ("cipher",)),
    "document-choice": ("documents", forms.DocumentChoiceForm, services.save_document_choice, ()),
    "documents": ("documents", forms.DocumentsForm, services.save_documents, ("cipher",)),
    "no-document": ("documents", forms.NoDocumentForm, services.save_no_document, ("cipher",)),
    "documents-held": ("documents", forms.DocumentsHeldForm, services.save_documents_held, ("cipher",)),
    "residence": ("residence", forms.ResidenceForm, services.save_residence, ("cipher",)),
    "consulate": ("consulate", forms.ConsulateChoiceForm, services.save_consulate, ()),
    "constituency": ("voting", forms.ConstituencyForm, services.save_constituency, ()),
    "voting": ("voting", forms.ChannelForm, services.save_channel, ()),
    "upload": ("upload", forms.UploadForm, services.save_document, ("documents",)),
}
#: the page a step starts on, where it is not the step's own name
STEP_START = {"documents": "document-choice", "voting": "constituency"}


def pages_of(application):
    """The pages this applicant walks: the document numbers, or the pages for a voter
    without a valid document."""
    skip = {"no-document", "documents-held"} if not application.no_valid_document else {"documents"}
    return [page for page in PAGES if page not in skip]


@bp.app_template_global()
def step_url(step, **values):
    """The address of the first page of `step`."""
    return url_for("registration.step", step=STEP_START.get(step, step), **values)


@bp.context_processor
def _helpers():
    return {"States": ApplicationState, "reason_label": reason_label, "country_name": country_name,
            "appointment_time": notifications.appointment_time,
            "reference": notifications.reference, "expected_decision": notifications.expected_decision}


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


def _form_for(page, application):
    form_class = PAGES[page][1]
    if page == "consulate":
        return form_class(consulates=services.consulates_for(db.session, application))
    if page == "constituency":
        return form_class(constituencies=list_constituencies(db.session))
    if page == "upload":
        return form_class(attached=application.document_file is not None,
                          max_bytes=runtime().settings.document_max_bytes,
                          no_document=application.no_valid_document)
    return form_class()


def _field_for(form, name):
    """The form field a service error names, else the form's first field."""
    fields = [f for f in form if f.name != "csrf_token"]
    return next((f for f in fields if f.name == name), fields[0])


class _TriedOnly(Exception):
    """Undoes a save that was only tried, to learn what the service would refuse."""


def _add_service_problems(page, form, application):
    """Add to a form that failed its own rules what the step's service refuses too,
    so that the voter sees every problem at once, not one round trip per rule.

    The save is tried inside a savepoint that is always rolled back, on fields
    the form had no complaint about only. The upload step is not tried: its
    service stores a file."""
    if page == "upload" or "csrf_token" in form.errors:
        return
    _step, _form, save, needs = PAGES[page]
    collaborators = {name: getattr(runtime(), name) for name in needs}
    try:
        with db.session.begin_nested():
            save(db.session, application, actor=current_user, **collaborators, **form.values())
            raise _TriedOnly
    except _TriedOnly:
        pass
    except services.ApplicationNotEditable:
        pass  # the POST that follows says so
    except services.RegistrationError as exc:
        field = _field_for(form, exc.field)
        if not field.errors:
            field.errors.append(message_of(exc))


def _keep_language():
    """A voter without a saved language keeps the one these pages are in (chosen or the
    browser's): the mail about their application is written in it."""
    if not current_user.locale:
        set_locale(db.session, current_user, str(get_locale() or "en"))


def _after_save(page, application):
    """Where a saved page leads: the status page for "finish later"; the next page of the
    same step (a step's questions are asked one per page); the review for a voter who came
    from it ("Change"); else the next step."""
    order = pages_of(application)
    order = order if page in order else list(PAGES)
    following = order[order.index(page) + 1] if order.index(page) + 1 < len(order) else None
    returning = request.form.get("return_to") == "review"
    if request.form.get("then") == "later" and not returning:
        flash(_("Saved. You can come back and continue at any time."), "success")
        return url_for(".status")
    if following and PAGES[following][0] == PAGES[page][0]:
        return url_for(".step", step=following, **({"return_to": "review"} if returning else {}))
    if returning:
        return url_for(".review")
    return url_for(".step", step=following) if following else url_for(".review")


def _step_page(page, form, application, status):
    order = pages_of(application)
    order = order if page in order else list(PAGES)
    back = order[order.index(page) - 1] if order.index(page) > 0 else None
    return _page("registration/step.html", status, step=PAGES[page][0], page=page, form=form,
                 application=application, back=back, back_title=STEP_TITLES[PAGES[back][0]] if back else None)


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
    page = step
    if page not in PAGES:
        abort(404)
    application = _editable_application()
    if application is None:
        return _not_editable()
    if page not in pages_of(application) and request.method != "POST":
        # The other path's page (e.g. the passport's, for a voter without a valid document)
        return redirect(step_url(PAGES[page][0], **request.args))
    form = _form_for(page, application)
    if not form.is_submitted():
        form.fill(application, details(application, cipher=runtime().cipher))
    elif not form.validate_on_submit():
        _add_service_problems(page, form, application)
    else:
        values = form.values()
        if values is not None:  # None: no new file on the upload step, the attached one stays
            _step, _form, save, needs = PAGES[page]
            collaborators = {name: getattr(runtime(), name) for name in needs}
            try:
                save(db.session, application, actor=current_user, **collaborators, **values)
            except services.ApplicationNotEditable:  # submitted by another request meanwhile
                return _not_editable()
            except services.RegistrationError as exc:
                db.session.rollback()
                _field_for(form, exc.field).errors.append(message_of(exc))
                return _step_page(page, form, application, status_of(exc))
            _keep_language()
            db.session.commit()
        return redirect(_after_save(page, application), 303)
    return _step_page(page, form, application, 422 if form.errors else 200)


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
            form.form_errors.append(message_of(exc))
            return _review_page(application, form, status_of(exc))
        _keep_language()
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
        _keep_language()
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
