"""Commissioners define the home constituencies the register and the civil registry use."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.consulates import services
from ovote.consulates.forms import ConstituencyForm
from ovote.extensions import db
from ovote.refusals import message_of

bp = Blueprint("constituencies", __name__, url_prefix="/constituencies")


def _page(form, status=200):
    return render_template("constituencies/index.html", form=form,
                           constituencies=services.list_constituencies(db.session)), status


@bp.route("/")
@roles_required(Role.COMMISSIONER, Role.AUDITOR)
def index():
    return _page(ConstituencyForm())


@bp.route("/", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def create():
    form = ConstituencyForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        created = services.create_constituency(db.session, actor=current_user,
                                               code=form.code.data, name=form.name.data)
    except services.ConstituencyError as exc:
        getattr(form, exc.field or "code").errors.append(message_of(exc))
        return _page(form, 422)
    db.session.commit()
    flash(_("Constituency %(code)s added.", code=created.code), "success")
    return redirect(url_for("constituencies.index"), 303)
