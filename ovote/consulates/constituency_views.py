"""Commissioners define the home constituencies the register and the civil registry use."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.consulates import services
from ovote.consulates.forms import ConstituencyForm, ConstituencyNamesForm
from ovote.extensions import db
from ovote.consulates.views import other_languages
from ovote.refusals import message_of
from ovote.runtime import runtime

bp = Blueprint("constituencies", __name__, url_prefix="/constituencies")


def constituency_form(**kwargs):
    return ConstituencyForm.with_languages(other_languages())(**kwargs)


def _page(form, status=200):
    return render_template("constituencies/index.html", form=form,
                           constituencies=services.list_constituencies(db.session)), status


@bp.route("/")
@roles_required(Role.COMMISSIONER, Role.AUDITOR)
def index():
    return _page(constituency_form())


@bp.route("/", methods=["POST"])
@roles_required(Role.COMMISSIONER)
def create():
    form = constituency_form()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        created = services.create_constituency(db.session, actor=current_user,
                                               code=form.code.data, name=form.name.data,
                                               names=form.names(), settings=runtime().settings)
    except services.ConstituencyError as exc:
        getattr(form, exc.field or "code").errors.append(message_of(exc))
        return _page(form, 422)
    db.session.commit()
    flash(_("Constituency %(code)s added.", code=created.code), "success")
    return redirect(url_for("constituencies.index"), 303)


@bp.route("/<code>/names", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def names(code):
    """The constituency's name in the other languages offered (its code and default name
    stay: the civil registry and the elections refer to them)."""
    constituency = services.constituency_by_code(db.session, code) or abort(404)
    form = ConstituencyNamesForm.with_languages(other_languages())()
    if not form.is_submitted():
        form.fill_names(constituency.names)
    elif form.validate_on_submit():
        try:
            services.rename_constituency(db.session, constituency, actor=current_user,
                                         names=form.names(), settings=runtime().settings)
        except services.ConstituencyError as exc:
            getattr(form, exc.field or form.name_fields[0].name).errors.append(message_of(exc))
        else:
            db.session.commit()
            flash(_("Constituency %(code)s saved.", code=constituency.code), "success")
            return redirect(url_for("constituencies.index"), 303)
    status = 422 if form.errors else 200
    return render_template("constituencies/names.html", form=form, constituency=constituency), status
