"""Public election pages: the list, and a page per election with its timeline, contests,
fingerprint and how to check it."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role

from ovote.elections import display, documents, eligibility, outreach, publication, services
from ovote.elections.forms import RemindersForm
from ovote.elections.display import TIMELINE_LABELS, local_timeline
from ovote.errors import Refused
from ovote.extensions import db
from ovote.runtime import runtime

bp = Blueprint("elections", __name__, url_prefix="/elections")


def label(labels):
    """A label map's text in the reader's language (for the templates)."""
    return display.label(labels, default_language=runtime().settings.default_locale)


@bp.route("/")
def index():
    return render_template("elections/index.html",
                           elections=services.list_elections(db.session, public=True), label=label)


@bp.route("/<slug>")
def public_page(slug):
    try:
        election = services.election_by_slug(db.session, slug)
        publication.check_public(election)
    except Refused:
        abort(404)
    consulate = _own_consulate()
    return render_template(
        "elections/public.html", election=election, label=label, documents=documents,
        definition=documents.definition_of(election), labels=TIMELINE_LABELS,
        timeline=local_timeline(election, election.timezone),
        own=(consulate, local_timeline(election, consulate.timezone)) if consulate else None,
        by_consulate=[(unit_consulate, local_timeline(election, unit_consulate.timezone))
                      for unit_consulate in sorted({u.consulate for u in election.units},
                                                   key=lambda c: c.code)])


def _own_consulate():
    """The logged-in voter's or official's consulate, to show the timeline in its time."""
    if not current_user.is_authenticated:
        return None
    if current_user.consulate is not None:
        return current_user.consulate
    return eligibility.registered_consulate(db.session, current_user)


@bp.route("/reminders", methods=["POST"])
@roles_required(Role.VOTER)
def reminders():
    """The account page's switch for the reminder mails before an election closes."""
    form = RemindersForm()
    if form.validate_on_submit():
        outreach.set_reminders(db.session, current_user, form.reminders.data == "yes")
        db.session.commit()
        flash(_("Your choice of reminders is saved."), "success")
    return redirect(url_for("web.dashboard"), 303)
