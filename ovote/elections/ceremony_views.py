"""Key ceremony pages: trustees download and upload their files, the commission follows."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.audit.services import record_view
from ovote.crypto.ceremony_files import dump_document, short_fingerprint
from ovote.elections import ceremony
from ovote.elections.ceremony_forms import CeremonyUploadForm
from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import message_of, status_of
from ovote.runtime import runtime

bp = Blueprint("ceremony", __name__, url_prefix="/elections/<slug>/ceremony")
#: the trustee's list of their ceremonies (the page the navigation links to)
home_bp = Blueprint("trustee_home", __name__, url_prefix="/trustee")
WATCHERS = (Role.COMMISSIONER, Role.AUDITOR)


def _election(slug):
    try:
        return ceremony.by_slug(db.session, slug)
    except Refused:
        abort(404)


def _trustee_page(election, error=None, status=200):
    attempt = ceremony.current_attempt(db.session, election, cipher=runtime().cipher)
    db.session.commit()  # a newly started attempt is kept even if nothing else happens
    index = attempt.index_of(current_user.id) if attempt else None
    return render_template(
        "elections/ceremony_trustee.html", election=election, attempt=attempt, index=index,
        downloads=ceremony.available_downloads(attempt, index) if index and not attempt.failed
        else [], error=error, fingerprint=short_fingerprint, steps=list(ceremony.Step)), status


@home_bp.route("/")
@roles_required(Role.TRUSTEE)
def index():
    return render_template("elections/ceremony_index.html",
                           elections=ceremony.elections_of_trustee(db.session, current_user))


@bp.route("/trustee")
@roles_required(Role.TRUSTEE)
def trustee(slug):
    return _trustee_page(_election(slug))


@bp.route("/files/<kind>.json")
@roles_required(Role.TRUSTEE)
def download(slug, kind):
    election = _election(slug)
    try:
        document = ceremony.download(db.session, election, current_user, kind, cipher=runtime().cipher)
    except Refused as exc:
        return _trustee_page(election, message_of(exc), status_of(exc))
    db.session.commit()
    name = f"{election.slug}-trustee-{document['trustee']}-{kind}.json"
    return Response(dump_document(document), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/upload", methods=["POST"])
@roles_required(Role.TRUSTEE)
def upload(slug):
    election = _election(slug)
    form = CeremonyUploadForm()
    sent = form.file.data if form.file.data and hasattr(form.file.data, "read") else None
    try:
        kept = ceremony.upload(db.session, election, current_user,
                               sent.read(ceremony.MAX_FILE + 1) if sent else b"", cipher=runtime().cipher)
    except Refused as exc:
        db.session.rollback()
        return _trustee_page(election, message_of(exc), status_of(exc))
    db.session.commit()
    flash(_("Your file for the step “%(step)s” is accepted.", step=kept.step.label), "success")
    return redirect(url_for("ceremony.trustee", slug=slug), 303)


@bp.route("/")
@roles_required(*WATCHERS)
def status(slug):
    election = _election(slug)
    attempt = ceremony.current_attempt(db.session, election, cipher=runtime().cipher)
    db.session.commit()
    # the page lists the trustees' e-mail addresses, as the staff list does
    record_view(db.session, actor=current_user, action="election.ceremony.status_view",
                target=election.audit_target)
    return render_template("elections/ceremony_status.html", election=election, attempt=attempt,
                           steps=list(ceremony.Step), emails=ceremony.trustee_emails(
                               db.session, attempt))


def _commission_action(slug, action, done):
    election = _election(slug)
    try:
        action(db.session, election, actor=current_user)
    except Refused as exc:
        db.session.rollback()
        flash(message_of(exc), "danger")
        return redirect(url_for("ceremony.status", slug=slug), 303)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("ceremony.status", slug=slug), 303)


@bp.route("/restart", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def restart(slug):
    return _commission_action(slug, ceremony.restart_without_culprits,
                              _("The named trustees are off the roster; the ceremony starts "
                                "again when the election goes back to its key ceremony."))


@bp.route("/silent", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def silent(slug):
    return _commission_action(slug, ceremony.name_silent_trustees,
                              _("The trustees who did not answer the complaints against them "
                                "are named."))
