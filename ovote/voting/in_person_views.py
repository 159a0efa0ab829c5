"""The consular polling station's pages: the poll book, and the in-person returns.

For officials of the consulate only (any other consulate's pages answer 404, as
the other official pages do), for elections in which the consulate has a
reporting unit. Finding a voter shows personal data: each search that shows
some is an audited view.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ovote.accounts.access import check_consulate_access, roles_required
from ovote.accounts.models import Role
from ovote.audit.services import record_view
from ovote.consulates.services import consulate_by_code
from ovote.elections import display
from ovote.elections.models import Contest, Election
from ovote.extensions import MAX_ID, db
from ovote.refusals import message_of, status_of
from ovote.registration.models import Application
from ovote.registration.notifications import reference
from ovote.registration.personal import details
from ovote.runtime import runtime
from ovote.voting import in_person, poll_book
from ovote.voting.in_person_forms import MarkForm, PollBookSearchForm, ReturnDecisionForm, return_form
from ovote.voting.models import ReturnState

bp = Blueprint("in_person", __name__, url_prefix="/consulates/<code>/elections/<slug>")


@bp.context_processor
def _helpers():
    default = runtime().settings.default_locale
    return {"label": lambda labels: display.label(labels, default_language=default), "zip": zip}


def _station(code, slug):
    """The consulate (the official's own, else 404) and an election it has a unit in."""
    consulate = check_consulate_access(current_user, consulate_by_code(db.session, code))
    election = db.session.scalar(select(Election).where(Election.slug == slug))
    if election is None or not election.state.frozen \
            or not poll_book.consulate_unit_ids(db.session, election, consulate):
        abort(404)
    return consulate, election


def _mark_form(application_id):
    return MarkForm(prefix=f"voter-{application_id}", formdata=None)


def _poll_book(consulate, election, search, posted=None, status=200):
    found, names = [], {}
    if search.asked and search.validate():
        rt = runtime()
        found = poll_book.search(db.session, election, consulate=consulate, settings=rt.settings,
                                 cipher=rt.cipher, number=(search.number.data or "").strip(),
                                 surname=search.surname.data, given_names=search.given_names.data,
                                 birth_date=search.birth_date.data)
        names = {f.application.id: details(f.application, cipher=rt.cipher) for f in found if f.ours}
        record_view(db.session, actor=current_user, action="voting.poll_book_search",
                    target=f"consulate:{consulate.code}", election=election.slug, shown=len(names))
    forms = {f.application.id: _mark_form(f.application.id) for f in found}
    if posted is not None:
        forms[posted[0]] = posted[1]
    return render_template(
        "voting/poll_book.html", consulate=consulate, election=election, search=search, found=found,
        names=names, forms=forms, form=posted[1] if posted else search, reference=reference,
        message_of=message_of,
        marked=poll_book.marked_count(db.session, election, consulate),
        open=poll_book.poll_book_open(election)), status


@bp.route("/poll-book")
@roles_required(Role.OFFICIAL)
def poll_book_page(code, slug):
    consulate, election = _station(code, slug)
    return _poll_book(consulate, election, PollBookSearchForm(request.args))


@bp.route("/poll-book/<int:application_id>", methods=["POST"])
@roles_required(Role.OFFICIAL)
def mark(code, slug, application_id):
    consulate, election = _station(code, slug)
    application = db.session.get(Application, application_id) if 0 < application_id <= MAX_ID else None
    if application is None:
        abort(404)
    form = MarkForm(prefix=f"voter-{application_id}")
    search = PollBookSearchForm(request.args)  # the search the official came from, shown again
    if not form.validate_on_submit():
        return _poll_book(consulate, election, search, (application_id, form), 422)
    try:
        poll_book.mark(db.session, election, application, official=current_user,
                       settings=runtime().settings)
    except poll_book.PollBookRefused as exc:
        db.session.rollback()
        form.form_errors.append(message_of(exc))
        return _poll_book(consulate, election, search, (application_id, form), status_of(exc))
    db.session.commit()
    flash(_("Voter %(reference)s is marked in the poll book as having voted in person. Give them "
            "their ballot papers.", reference=reference(application)), "success")
    return redirect(url_for(".poll_book_page", code=consulate.code, slug=election.slug), 303)


# -- returns --------------------------------------------------------------------------

@bp.route("/returns")
@roles_required(Role.OFFICIAL)
def returns(code, slug):
    consulate, election = _station(code, slug)
    return render_template("voting/returns.html", consulate=consulate, election=election,
                           rows=in_person.overview(db.session, election, consulate),
                           open=in_person.returns_open(election), States=ReturnState)


def _contest(consulate, election, contest_code):
    contest = db.session.scalar(select(Contest).where(Contest.election_id == election.id,
                                                      Contest.code == contest_code))
    if contest is None or contest not in in_person.carried_contests(db.session, election, consulate):
        abort(404)
    return contest


def _return_page(consulate, election, contest, form=None, decision=None, status=200):
    entry = in_person.in_play(db.session, election, consulate, contest)
    form_class = return_form(contest, default_language=runtime().settings.default_locale)
    if form is None and entry is None:
        form = form_class(formdata=None)
    decision = decision or ReturnDecisionForm(formdata=None)
    return render_template(
        "voting/return_contest.html", consulate=consulate, election=election, contest=contest,
        entry=entry, form=form if entry is None else decision, count_form=form, decision=decision,
        voters=in_person.voters_for(db.session, election, consulate, contest),
        rejected=in_person.last_rejected(db.session, election, consulate, contest),
        open=in_person.returns_open(election), States=ReturnState), status


@bp.route("/returns/<contest_code>", methods=["GET", "POST"])
@roles_required(Role.OFFICIAL)
def contest_return(code, slug, contest_code):
    consulate, election = _station(code, slug)
    contest = _contest(consulate, election, contest_code)
    if request.method == "GET":
        return _return_page(consulate, election, contest)
    form = return_form(contest, default_language=runtime().settings.default_locale)()
    if not form.validate_on_submit():
        return _return_page(consulate, election, contest, form, status=422)
    try:
        in_person.enter(db.session, election, contest, form.counts(), official=current_user)
    except in_person.ReturnRefused as exc:
        db.session.rollback()
        errors = form.option_field(exc.option).errors if exc.option is not None else form.form_errors
        errors.append(message_of(exc))
        return _return_page(consulate, election, contest, form, status=status_of(exc))
    db.session.commit()
    flash(_("The counts are entered. A second official of the consulate must now confirm them."), "success")
    return redirect(url_for(".returns", code=consulate.code, slug=election.slug), 303)


@bp.route("/returns/<contest_code>/decision", methods=["POST"])
@roles_required(Role.OFFICIAL)
def decide(code, slug, contest_code):
    consulate, election = _station(code, slug)
    contest = _contest(consulate, election, contest_code)
    entry = in_person.in_play(db.session, election, consulate, contest)
    form = ReturnDecisionForm()
    if entry is None:  # rejected meanwhile (or never entered): the page says where it stands
        return redirect(url_for(".contest_return", code=code, slug=slug, contest_code=contest.code), 303)
    if not form.validate_on_submit():
        return _return_page(consulate, election, contest, decision=form, status=422)
    try:
        if form.decision.data == "confirm":
            in_person.confirm(db.session, election, entry, official=current_user)
        else:
            in_person.reject(db.session, election, entry, official=current_user, reason=form.reason.data)
    except in_person.ReturnRefused as exc:
        db.session.rollback()
        about_reason = exc.code.startswith(("returns.reason", "text."))
        (form.reason.errors if about_reason else form.form_errors).append(message_of(exc))
        return _return_page(consulate, election, contest, decision=form, status=status_of(exc))
    db.session.commit()
    flash(_("The counts are confirmed.") if form.decision.data == "confirm"
          else _("The counts are rejected: an official of the consulate can enter them again."), "success")
    return redirect(url_for(".returns", code=consulate.code, slug=election.slug), 303)


@bp.app_template_global("polling_elections")
def polling_elections(consulate):
    """Elections in which `consulate` has a reporting unit, open for voting or later, for the
    consulate page of its officials: (election, voters marked, poll book open, returns open)."""
    if getattr(current_user, "role", None) is not Role.OFFICIAL or current_user.consulate_id != consulate.id:
        return []
    return [(e, poll_book.marked_count(db.session, e, consulate), poll_book.poll_book_open(e),
             in_person.returns_open(e)) for e in poll_book.station_elections(db.session, consulate)]
