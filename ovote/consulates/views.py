"""Consulate pages: commissioners define them, officials see only their own."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ovote.accounts.access import check_consulate_access, roles_required
from ovote.accounts.models import Role
from ovote.consulates import services
from ovote.consulates.forms import ConsulateForm
from ovote.countries import country_name
from ovote.extensions import db
from ovote.refusals import message_of
from ovote.runtime import runtime

bp = Blueprint("consulates", __name__, url_prefix="/consulates")
STAFF_WHO_SEE = (Role.OFFICIAL, Role.COMMISSIONER, Role.AUDITOR)


@bp.route("/")
@roles_required(*STAFF_WHO_SEE)
def index():
    if current_user.role is Role.OFFICIAL:
        return redirect(url_for("consulates.show", code=current_user.consulate.code))
    return render_template("consulates/index.html",
                           consulates=services.list_consulates(db.session),
                           country_name=country_name)


@bp.route("/<code>")
@roles_required(*STAFF_WHO_SEE)
def show(code):
    consulate = check_consulate_access(current_user, services.consulate_by_code(db.session, code))
    return render_template("consulates/show.html", consulate=consulate, country_name=country_name)


def other_languages():
    """The languages offered other than the default, each with its own name field."""
    settings = runtime().settings
    return [code for code in settings.languages if code != settings.default_locale]


def consulate_form(**kwargs):
    return ConsulateForm.with_languages(other_languages())(**kwargs)


def _save(form, consulate=None):
    fields = dict(code=form.code.data, name=form.name.data, city=form.city.data,
                  host_country=form.host_country.data, timezone=form.timezone.data.strip(),
                  served=form.served.data, names=form.names(), settings=runtime().settings)
    try:
        if consulate is None:
            consulate = services.create_consulate(db.session, actor=current_user, **fields)
        else:
            services.update_consulate(db.session, consulate, actor=current_user,
                                      active=form.active.data, **fields)
    except services.ConsulateError as exc:
        getattr(form, exc.field or "code").errors.append(message_of(exc))
        return None
    db.session.commit()
    flash(_("Consulate %(code)s saved.", code=consulate.code), "success")
    return redirect(url_for("consulates.show", code=consulate.code), 303)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new():
    form = consulate_form()
    if form.validate_on_submit():
        response = _save(form)
        if response:
            return response
    status = 422 if form.errors else 200
    return render_template("consulates/form.html", form=form, consulate=None), status


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def edit(code):
    consulate = services.consulate_by_code(db.session, code) or abort(404)
    form = consulate_form(obj=consulate)
    if not form.is_submitted():
        form.served.data = consulate.served_countries
        form.fill_names(consulate.names)
    if form.validate_on_submit():
        response = _save(form, consulate)
        if response:
            return response
    status = 422 if form.errors else 200
    return render_template("consulates/form.html", form=form, consulate=consulate), status
