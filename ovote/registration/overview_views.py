"""The commission's registration overview and its CSV export (aggregates only)."""
from flask import Blueprint, Response, render_template

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.extensions import db
from ovote.registration import overview

bp = Blueprint("overview", __name__, url_prefix="/registration")


@bp.route("/overview")
@roles_required(Role.COMMISSIONER, Role.AUDITOR)
def index():
    rows = overview.consulate_rows(db.session)
    labels = {state: str(state.label) for state in overview.STATES}
    chart = overview.stacked_bars(rows, state_labels=labels)
    return render_template("registration/overview.html", rows=rows, chart=chart, labels=labels,
                           states=overview.STATES, colours=overview.COLOURS)


@bp.route("/overview.csv")
@roles_required(Role.COMMISSIONER, Role.AUDITOR)
def export():
    body = overview.to_csv(overview.consulate_rows(db.session))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="registration-overview.csv"'})
