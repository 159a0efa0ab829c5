"""The commission's overview (`/commission/`) for commissioners and auditors: the
diaspora map, voters on the register and ballot tokens issued by country of residence,
and counted ballots by consulate for an election chosen on the page, each figure also
in a table (the map is a complement to it)."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.countries import country_name
from ovote.elections import display, services
from ovote.extensions import db
from ovote.form_input import Form
from ovote.runtime import runtime
from ovote.voting import diaspora
from ovote.web import world_map

bp = Blueprint("commission", __name__, url_prefix="/commission")
MEASURES = {
    "registrations": _l("Voters on the register"),
    "tokens": _l("Ballot tokens issued"),
    "ballots": _l("Counted ballots, by consulate's country"),
}


class MapForm(Form):
    """What the map shows; a GET form, so no CSRF token is needed."""

    class Meta:
        csrf = False

    election = SelectField(_l("Election"), choices=[], validate_choice=True)
    measure = RadioField(_l("Show on the map"), default="registrations",
                         choices=[SelectChoice(value, text) for value, text in MEASURES.items()])


def _figures(elections, form):
    """(election or None, the three sets of figures) for the form's choice."""
    chosen = form.election.data if "election" in form else None
    election = next((e for e in elections if e.slug == chosen), None)
    registered = diaspora.registrations_by_country(db.session)
    tokens = diaspora.tokens_by_country(db.session, election) if election else {}
    ballots = diaspora.ballots_by_consulate(db.session, election) if election else []
    return election, registered, tokens, ballots


@bp.route("/")
@roles_required(Role.COMMISSIONER, Role.AUDITOR)
def overview():
    language = str(get_locale() or "en")
    # Only a frozen election has reporting units, tokens and ballots.
    elections = [e for e in services.list_elections(db.session) if e.state.frozen]

    def label(labels):
        return display.label(labels, default_language=runtime().settings.default_locale)

    form = MapForm(request.args)
    if elections:
        form.election.choices = [SelectChoice(e.slug, label(e.title)) for e in elections]
        if not form.election.data:
            form.election.data = elections[0].slug
    else:  # nothing to choose: the map shows the register
        del form.election
    valid = form.validate() if request.args else True
    if form.measure.errors:
        form.measure.data = "registrations"
    if elections and form.election.errors:
        form.election.data = elections[0].slug
    election, registered, tokens, ballots = _figures(elections, form)

    def name_of(code):
        return country_name(code, language) if code else _("No longer on the register")

    # Tokens and ballots belong to an election: without one, the map shows the register.
    measure = form.measure.data = form.measure.data if election else "registrations"
    shown = {"registrations": registered, "tokens": tokens,
             "ballots": diaspora.ballots_by_country(ballots)}[measure]
    world = world_map.load_world(current_app.static_folder + "/map/world.json")
    chart = world_map.choropleth(
        world, {code: n for code, n in shown.items() if code}, name_of=name_of,
        title=lambda name, n: _("%(country)s: %(n)d", country=name, n=n))
    countries = sorted(set(registered) | set(tokens),
                       key=lambda code: (code is None, name_of(code).casefold()))
    rows = [(code, name_of(code), registered.get(code, 0), tokens.get(code, 0)) for code in countries]
    return render_template(
        "commission/overview.html", form=form, election=election, label=label, chart=chart,
        measure=measure, measure_label=MEASURES[measure], rows=rows, ballots=ballots,
        name_of=name_of, totals=(sum(registered.values()), sum(tokens.values()),
                                 sum(b.counted for b in ballots)),
        has_elections=bool(elections)), 200 if valid else 422
