"""Tally pages: the commission aggregates and publishes, trustees decrypt, anyone
downloads the published record."""
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.crypto.ceremony_files import dump_document
from ovote.elections import ceremony, display
from ovote.elections.forms import ConfirmForm
from ovote.elections.models import ElectionState
from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import message_of, status_of
from ovote.runtime import runtime
from ovote.tally import aggregation, decryption, publishing
from ovote.tally.forms import DecryptionUploadForm

bp = Blueprint("tally", __name__)
SEE = (Role.COMMISSIONER, Role.AUDITOR)


def _election(slug):
    try:
        return ceremony.by_slug(db.session, slug)
    except Refused:
        abort(404)


def label(labels):
    return display.label(labels, default_language=runtime().settings.default_locale)


# -- the commission --------------------------------------------------------------------

def _status_page(election, *, refusal=None, status=200):
    return render_template(
        "tally/status.html", election=election, label=label, refusal=refusal, form=ConfirmForm(),
        groups=aggregation.groups_of(db.session, election),
        decrypted=decryption.decrypted_trustees(db.session, election),
        results=publishing.results_of(db.session, election)), status


@bp.route("/commission/elections/<slug>/tally")
@roles_required(*SEE)
def status(slug):
    return _status_page(_election(slug))


def _commission_action(slug, run, done):
    election = _election(slug)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("tally.status", slug=slug), 303)
    try:
        run(election)
    except Refused as refusal:
        db.session.rollback()
        return _status_page(election, refusal=message_of(refusal), status=status_of(refusal))
    db.session.commit()
    flash(str(done), "success")
    return redirect(url_for("tally.status", slug=slug), 303)


@bp.route("/commission/elections/<slug>/tally/aggregate", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def aggregate(slug):
    # In this process: a page can wait for a few thousand ballots; a large election is
    # aggregated with `ovote tally aggregate`, in several processes.
    return _commission_action(
        slug, lambda e: aggregation.aggregate(db.session, e, actor=current_user, jobs=1),
        _l("The ballots are aggregated. The trustees can now decrypt."))


@bp.route("/commission/elections/<slug>/tally/publish", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def publish(slug):
    return _commission_action(
        slug, lambda e: publishing.publish(db.session, e, actor=current_user),
        _l("The results and the election record are published."))


# -- the trustees ----------------------------------------------------------------------

def _trustee_page(election, *, error=None, status=200):
    attempt = ceremony.latest_attempt(db.session, election)
    index = attempt.index_of(current_user.id) if attempt else None
    decrypted = decryption.decrypted_trustees(db.session, election)
    return render_template(
        "tally/trustee.html", election=election, index=index, error=error, label=label,
        decrypted=decrypted, form=DecryptionUploadForm(),
        tallying=election.state is ElectionState.TALLYING), status


@bp.route("/elections/<slug>/decryption/")
@roles_required(Role.TRUSTEE)
def trustee(slug):
    return _trustee_page(_election(slug))


@bp.route("/elections/<slug>/decryption/decrypt-request.json")
@roles_required(Role.TRUSTEE)
def download(slug):
    election = _election(slug)
    try:
        document = decryption.request_file(db.session, election, current_user,
                                           cipher=runtime().cipher)
    except Refused as exc:
        return _trustee_page(election, error=message_of(exc), status=status_of(exc))
    name = f"{election.slug}-trustee-{document['trustee']}-decrypt-request.json"
    return Response(dump_document(document), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/elections/<slug>/decryption/upload", methods=["POST"])
@roles_required(Role.TRUSTEE)
def upload(slug):
    election = _election(slug)
    form = DecryptionUploadForm()
    sent = form.file.data if form.file.data and hasattr(form.file.data, "read") else None
    try:
        decryption.upload(db.session, election, current_user,
                          sent.read(decryption.MAX_FILE + 1) if sent else b"")
    except Refused as exc:
        db.session.rollback()
        return _trustee_page(election, error=message_of(exc), status=status_of(exc))
    db.session.commit()
    flash(_("Your decryption is checked and accepted. Thank you."), "success")
    return redirect(url_for("tally.trustee", slug=slug), 303)


# -- anyone ----------------------------------------------------------------------------

@bp.route("/elections/<slug>/record.zip")
def record_zip(slug):
    """The election record (DESIGN.md §8) as a zip, once the results are published."""
    election = _election(slug)
    if election.state is not ElectionState.PUBLISHED:
        abort(404)
    path = publishing.published_record_zip(db.session, election,
                                           Path(current_app.instance_path) / "records",
                                           cipher=runtime().cipher)
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=f"{election.slug}-record.zip")
