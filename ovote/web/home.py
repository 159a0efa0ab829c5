"""The site's own pages: home, the dashboard and the language choice."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ovote.accounts.access import is_safe_next
from ovote.accounts.services import set_locale
from ovote.extensions import db

bp = Blueprint("web", __name__)


@bp.route("/")
def home():
    return render_template("home.html")


@bp.route("/account")
def dashboard():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("dashboard.html")


@bp.route("/lang", methods=["POST"])
def choose_language():
    lang = request.form.get("lang")
    if lang not in current_app.config["LANGUAGES"]:
        flash(_("That language is not available."), "danger")
        return redirect(url_for("web.home")), 303
    session["lang"] = lang
    if current_user.is_authenticated:
        set_locale(db.session, current_user, lang)
        db.session.commit()
    target = request.form.get("next") or ""
    return redirect(target if is_safe_next(target) else url_for("web.home"), 303)
