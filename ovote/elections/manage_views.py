"""The commission's election pages: one thing per page, an error summary on every form,
the election's page as the "check your answers" summary with a change link per part,
and the moves of the state machine (ceremony, freeze with its progress page, open, close).
Auditors see the pages; only commissioners change anything."""
import threading

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role, User
from ovote.consulates.services import list_constituencies
from ovote.elections import ceremony_link, documents, forms, freezing, services, timeline
from ovote.elections import display
from ovote.elections.display import TIMELINE_LABELS, local_timeline
from ovote.elections.models import ElectionFrozen
from ovote.errors import Refused
from ovote.extensions import db
from ovote.refusals import message_of, status_of
from ovote.runtime import runtime

bp = Blueprint("manage_elections", __name__, url_prefix="/commission/elections")
SEE = (Role.COMMISSIONER, Role.AUDITOR)


def label(labels):
    """A label map's text in the reader's language (for the templates)."""
    return display.label(labels, default_language=runtime().settings.default_locale)


def _with_languages(form_class, prefix, description):
    return forms.with_languages(form_class, prefix, description, settings=runtime().settings)


def _election(slug):
    try:
        return services.election_by_slug(db.session, slug)
    except Refused:
        from flask import abort

        abort(404)


def _form_page(template, form, election=None, **context):
    """The form again, with its errors; the status is the refusal's (422 for bad input,
    409 when the election's state forbids the change)."""
    status = getattr(form, "refusal_status", None) or (422 if form.errors else 200)
    if election is not None and not election.state.editable and not form.errors:
        form.form_errors.append(message_of(ElectionFrozen(state=election.state.label)))
        status = status_of(ElectionFrozen())
    return render_template(f"elections/manage/{template}", form=form, election=election,
                           label=label, **context), status


def _attempt(form, change, success, *, default_field, slug=None):
    """Run `change()`; on success commit, flash `success` and go back to the election (`slug`,
    or the one `change` returns); on a refusal put its message on the field it names (or
    `default_field`)."""
    try:
        result = change()
    except Refused as refusal:
        db.session.rollback()
        form.refusal_status = status_of(refusal)
        field = refusal.params.get("field")
        target = getattr(form, field, None) if field else None
        if refusal.code == "election_frozen":
            form.form_errors.append(message_of(refusal))
            return None
        if target is None:
            target = getattr(form, default_field)
        target.errors = list(target.errors) + [message_of(refusal)]
        return None
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("manage_elections.show", slug=slug or result.slug), 303)


@bp.route("/")
@roles_required(*SEE)
def index():
    return render_template("elections/manage/index.html", label=label,
                           elections=services.list_elections(db.session))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new():
    form = _with_languages(forms.ElectionForm, "title", _l("Title"))()
    if form.validate_on_submit():
        done = _attempt(form, lambda: services.create_election(
            db.session, actor=current_user, slug=form.slug.data.strip(), title=form.texts("title"),
            settings=runtime().settings,
            threshold=form.threshold.data, min_unit_ballots=form.min_unit_ballots.data,
            max_revotes=form.max_revotes.data), _("Election created."), default_field="slug")
        if done:
            return done
    return _form_page("form.html", form, title=_("Create an election"))


@bp.route("/<slug>")
@roles_required(*SEE)
def show(slug):
    election = _election(slug)
    progress = freezing.progress_of(db.session, election) if election.state.value == "ceremony" else None
    return render_template(
        "elections/manage/show.html", election=election, label=label, documents=documents,
        labels=TIMELINE_LABELS, timeline=local_timeline(election, election.timezone),
        ceremony_finished=ceremony_link.ceremony_finished(db.session, election), progress=progress,
        action=forms.ConfirmForm())


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def settings(slug):
    election = _election(slug)
    form_class = _with_languages(forms.ElectionForm, "title", _l("Title"))
    form = form_class(obj=election)
    if not form.is_submitted():
        for language, text in election.title.items():
            field = getattr(form, f"title_{language.replace('-', '_')}", None)
            if field is not None:
                field.data = text
    del form.slug
    if form.validate_on_submit():
        done = _attempt(form, lambda: services.update_settings(
            db.session, election, actor=current_user, title=form.texts("title"),
            settings=runtime().settings,
            threshold=form.threshold.data, min_unit_ballots=form.min_unit_ballots.data,
            max_revotes=form.max_revotes.data), _("Settings saved."), default_field="threshold",
            slug=slug)
        if done:
            return done
    return _form_page("form.html", form, election, title=_("Settings"))


@bp.route("/<slug>/timeline", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def edit_timeline(slug):
    election = _election(slug)
    form = forms.TimelineForm()
    if not form.is_submitted():
        for name, when in local_timeline(election, election.timezone):
            getattr(form, name).data = when.replace(tzinfo=None) if when else None
        form.election_day.data = election.election_day
    if form.validate_on_submit():
        done = _attempt(form, lambda: services.set_timeline(
            db.session, election, actor=current_user, election_day=form.election_day.data,
            **{name: getattr(form, name).data for name in TIMELINE_LABELS}),
            _("Timeline saved."), default_field="registration_deadline", slug=slug)
        if done:
            return done
    return _form_page("form.html", form, election, title=_("Timeline"),
                      hint=_("Times in %(zone)s, the commission's time zone.", zone=election.timezone))


@bp.route("/<slug>/contests/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new_contest(slug):
    election = _election(slug)
    form = _with_languages(forms.ContestForm, "label", _l("Name"))()
    if form.validate_on_submit():
        done = _attempt(form, lambda: services.add_contest(
            db.session, election, actor=current_user, code=form.code.data.strip(),
            labels=form.texts("label"), settings=runtime().settings, min_selections=form.min_selections.data,
            max_selections=form.max_selections.data),
            _("Contest added."), default_field="code", slug=slug)
        if done:
            return done
    return _form_page("form.html", form, election, title=_("Add a contest"))


@bp.route("/<slug>/contests/<code>/options/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new_option(slug, code):
    election = _election(slug)
    form = _with_languages(forms.OptionForm, "label", _l("Name"))()
    if form.validate_on_submit():
        done = _attempt(form, lambda: services.add_option(
            db.session, election, code, actor=current_user, code=form.code.data.strip(),
            labels=form.texts("label"), settings=runtime().settings), _("Option added."), default_field="code", slug=slug)
        if done:
            return done
    return _form_page("form.html", form, election, title=_("Add an option to %(contest)s", contest=code))


@bp.route("/<slug>/styles/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new_style(slug):
    election = _election(slug)
    form = forms.BallotStyleForm()
    form.contests.choices = [SelectChoice(c.code, f"{c.code} — {label(c.labels)}")
                             for c in election.contests]
    form.constituencies.choices = [SelectChoice(c.code, f"{c.code} — {c.local_name}")
                                   for c in list_constituencies(db.session)]
    if form.validate_on_submit():
        done = _attempt(form, lambda: services.add_ballot_style(
            db.session, election, actor=current_user, code=form.code.data.strip(),
            contests=form.contests.data, constituencies=form.constituencies.data),
            _("Ballot style added."), default_field="code", slug=slug)
        if done:
            return done
    return _form_page("form.html", form, election, title=_("Add a ballot style"))


@bp.route("/<slug>/trustees/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new_trustee(slug):
    election = _election(slug)
    form = forms.TrusteeForm()
    taken = {t.user_id for t in election.trustees}
    form.email.choices = [SelectChoice(u.email, u.email) for u in db.session.scalars(
        select(User).where(User.role == Role.TRUSTEE, User.active.is_(True)).order_by(User.email))
        if u.id not in taken]
    if form.validate_on_submit():
        done = _attempt(form, lambda: services.add_trustee(
            db.session, election, actor=current_user, email=form.email.data),
            _("Trustee added."), default_field="email", slug=slug)
        if done:
            return done
    return _form_page("form.html", form, election, title=_("Add a trustee"))


# -- moves of the state machine --------------------------------------------------------

MOVES = {
    "start-ceremony": (lambda e: services.start_ceremony(db.session, e, actor=current_user),
                       _l("Start the key ceremony"), _l("The key ceremony has started.")),
    "abandon-ceremony": (lambda e: services.abandon_ceremony(db.session, e, actor=current_user),
                         _l("Stop the key ceremony and go back to the draft"),
                         _l("The ceremony was stopped; the election is a draft again.")),
    "open": (lambda e: timeline.open_election(db.session, e, actor=current_user),
             _l("Open voting now"), _l("Voting is open.")),
    "close": (lambda e: timeline.close_election(db.session, e, actor=current_user,
                                                cipher=runtime().cipher),
              _l("Close voting now"), _l("Voting is closed.")),
}


@bp.route("/<slug>/<any('start-ceremony', 'abandon-ceremony', open, close):move>", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def change_state(slug, move):
    election = _election(slug)
    run, question, done = MOVES[move]
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            run(election)
        except Refused as refusal:
            db.session.rollback()
            return render_template("elections/manage/confirm.html", election=election, form=form,
                                   question=question, label=label,
                                   refusal=message_of(refusal)), status_of(refusal)
        db.session.commit()
        flash(str(done), "success")
        return redirect(url_for("manage_elections.show", slug=slug), 303)
    return render_template("elections/manage/confirm.html", election=election, form=form,
                           question=question, label=label)


@bp.route("/<slug>/freeze", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def freeze(slug):
    """Ask for the freeze: checked at once, carried out by a worker (a thread here, or the
    next `ovote election tick`), followed on the progress page."""
    election = _election(slug)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            freezing.request_freeze(db.session, election, actor=current_user)
        except Refused as refusal:
            db.session.rollback()
            return render_template("elections/manage/confirm.html", election=election, form=form,
                                   question=_l("Freeze the election"), label=label,
                                   refusal=message_of(refusal)), status_of(refusal)
        db.session.commit()
        _start_freeze_worker(current_app._get_current_object())
        return redirect(url_for("manage_elections.freeze_progress", slug=slug), 303)
    return render_template("elections/manage/confirm.html", election=election, form=form,
                           question=_l("Freeze the election"), label=label,
                           explain=_l("This makes one token key per consulate and ballot style and "
                                      "fixes the definition and its fingerprint. Nothing in it can "
                                      "change afterwards."))


def _start_freeze_worker(app):
    """Run the requested freezes now: in the request under test (FREEZE_IN_REQUEST), else in
    a thread of its own with its own session, so that the request returns at once."""
    rt = runtime(app)

    def work():
        with app.app_context():
            from ovote.elections.keys import UnitKeyMaker, workers_for

            maker = UnitKeyMaker(workers_for(rt.settings.freeze_workers))
            try:
                freezing.run_requested_freezes(db.session, actor="freeze-worker", cipher=rt.cipher,
                                               make_keys=maker,
                                               batch_size=rt.settings.freeze_batch)
            finally:
                maker.close()
                db.session.remove()

    if app.config.get("FREEZE_IN_REQUEST"):
        freezing.run_requested_freezes(db.session, actor="freeze-worker", cipher=rt.cipher,
                                       batch_size=rt.settings.freeze_batch)
    else:
        threading.Thread(target=work, name="freeze", daemon=True).start()


@bp.route("/<slug>/freeze/progress")
@roles_required(*SEE)
def freeze_progress(slug):
    election = _election(slug)
    done, total = freezing.progress_of(db.session, election) if not election.state.frozen else (1, 1)
    return render_template("elections/manage/progress.html", election=election, label=label,
                           done=done, total=total, documents=documents)
