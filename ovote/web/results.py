"""The public results of an election once the commission has published them:
`/elections/<slug>/results` (national totals, per consulate or pool, online and in
person apart, turnout, charts with their tables) and its downloads, `results.csv`
and `results.json` (the §8 results.json list, byte for byte as the record has it)."""
from flask import Blueprint, Response, abort, render_template
from babel import Locale
from flask_babel import format_decimal, format_percent, get_locale
from sqlalchemy import select

from ovote.consulates.models import Consulate
from ovote.crypto.canonical import canonical_json
from ovote.elections import display, documents, electorate, publication, services
from ovote.elections.models import ElectionState
from ovote.errors import Refused
from ovote.extensions import db
from ovote.runtime import runtime
from ovote.tally.services import published_results
from ovote.web import bar_chart, results_presenter

bp = Blueprint("results", __name__, url_prefix="/elections")


@bp.context_processor
def _numbers():
    """Counts and percentages in the reader's language ("1,234" and "45.2%" in English,
    "1 234" and "45,2 %" in French)."""
    pattern = (get_locale() or Locale("en")).percent_formats[None].pattern.replace("#,##0", "#,##0.0")
    return {"number": format_decimal, "percent": lambda p: format_percent(p / 100, format=pattern)}


def _label(labels):
    return display.label(labels, default_language=runtime().settings.default_locale)


def _public_election(slug):
    try:
        election = services.election_by_slug(db.session, slug)
        publication.check_public(election)
    except Refused:
        abort(404)
    return election


def _presented(election, document):
    definition = documents.definition_of(election)
    codes = sorted({unit["consulate"] for unit in definition["units"]})
    names = dict(db.session.execute(select(Consulate.code, Consulate.name).where(Consulate.code.in_(codes))).all())
    eligible = electorate.eligible_voters(db.session, election, minimum_age=runtime().settings.minimum_age)
    contests = results_presenter.present(document, definition, consulate_names=names, eligible=eligible,
                                         label=_label)
    return definition, contests


def _published(slug):
    election = _public_election(slug)
    document = published_results(db.session, election)
    if document is None:
        abort(404)
    return election, document


@bp.route("/<slug>/results")
def page(slug):
    election = _public_election(slug)
    document = published_results(db.session, election)
    if document is None:
        return render_template("results/not_yet.html", election=election, label=_label,
                               tallying=election.state in (ElectionState.CLOSED, ElectionState.TALLYING,
                                                           ElectionState.TALLIED))
    definition, contests = _presented(election, document)
    return render_template(
        "results/page.html", election=election, label=_label, contests=contests,
        charts={c.id: bar_chart.option_bars(c) for c in contests if c.published},
        floor=definition["manifest"]["min_unit_ballots"])


@bp.route("/<slug>/results.csv")
def csv_download(slug):
    election, document = _published(slug)
    _, contests = _presented(election, document)
    return Response(results_presenter.results_csv(contests), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{election.slug}-results.csv"'})


@bp.route("/<slug>/results.json")
def json_download(slug):
    election, document = _published(slug)
    return Response(canonical_json(document), mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{election.slug}-results.json"'})
