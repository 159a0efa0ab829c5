"""The pages every official service links from its footer (privacy, accessibility,
help, contact), the commission's emblem, and what every page shows of the
commission (its name, its emblem, the settings the pages quote)."""
from flask import Blueprint, abort, render_template, send_file, url_for

from ovote.consulates.services import list_consulates
from ovote.extensions import db
from ovote.runtime import runtime

bp = Blueprint("pages", __name__)


@bp.route("/<any(privacy, accessibility, help, contact):page>")
def information(page):
    consulates = []
    if page == "contact":
        consulates = [c for c in list_consulates(db.session) if c.active]
    return render_template(f"pages/{page}.html", consulates=consulates)


@bp.route("/emblem")
def emblem():
    """The commission's emblem from OVOTE_COMMISSION_EMBLEM (the header shows the
    placeholder in static/ when it is unset)."""
    path = runtime().settings.commission_emblem
    if not path:
        abort(404)
    return send_file(path, max_age=86400)


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def inject():
        settings = runtime(app).settings
        return {
            "settings": settings,
            "commission": settings.commission_name,
            "emblem_url": url_for("pages.emblem") if settings.commission_emblem
            else url_for("static", filename="img/emblem.svg"),
        }
