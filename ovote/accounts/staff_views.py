"""Commissioners manage staff accounts."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ovote.accounts import staff as services
from ovote.accounts.access import roles_required
from ovote.accounts.errors import AccountError
from ovote.accounts.forms import StaffActionForm, StaffForm, StaffRoleForm
from ovote.accounts.models import Role, User
from ovote.audit.services import record_view
from ovote.consulates.services import list_consulates, consulate_by_code
from ovote.extensions import MAX_ID, db
from ovote.refusals import flash_refusal, message_of
from ovote.runtime import runtime

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.route("/")
@roles_required(Role.COMMISSIONER)
def index():
    staff = services.list_staff(db.session)
    # Staff addresses are personal data: every page showing them is in the audit log.
    record_view(db.session, actor=current_user, action="staff.list_view", target="staff",
                shown=len(staff))
    return render_template("staff/index.html", staff=staff, action_form=StaffActionForm())


def _role_page(form, user, status):
    record_view(db.session, actor=current_user, action="staff.view", target=f"user:{user.id}")
    return render_template("staff/role.html", form=form, member=user), status


def _consulate_choices(form):
    form.consulate.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(c.code, f"{c.code} — {c.local_name}") for c in list_consulates(db.session)]


def _chosen_consulate(form):
    """The consulate picked in `form`, None for none; False (with the error set) for an unknown code."""
    if not form.consulate.data:
        return None
    consulate = consulate_by_code(db.session, form.consulate.data)
    if consulate is None:
        form.consulate.errors.append(_("Choose a consulate from the list."))
        return False
    return consulate


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def new():
    form = StaffForm()
    _consulate_choices(form)
    if form.validate_on_submit() and (consulate := _chosen_consulate(form)) is not False:
        rt = runtime()
        try:
            user = services.create_staff(db.session, actor=current_user, email=form.email.data,
                                         role=Role(form.role.data), consulate=consulate,
                                         settings=rt.settings, passwords=rt.passwords,
                                         cipher=rt.cipher, mailer=rt.mailer)
        except AccountError as exc:
            form.form_errors.append(message_of(exc))
            return render_template("staff/new.html", form=form), 422
        db.session.commit()
        flash(_("Account created for %(email)s; a link to set the password has been sent.",
                email=user.email), "success")
        return redirect(url_for("staff.index"), 303)
    return render_template("staff/new.html", form=form), 422 if form.errors else 200


def _staff_member(user_id):
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None or not user.is_staff:
        abort(404)
    return user


@bp.route("/<int:user_id>/role", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def change_role(user_id):
    user = _staff_member(user_id)
    form = StaffRoleForm(role=user.role.value, consulate=user.consulate.code if user.consulate else "")
    _consulate_choices(form)
    if form.validate_on_submit() and (consulate := _chosen_consulate(form)) is not False:
        try:
            services.change_staff_role(db.session, actor=current_user, user=user,
                                       role=Role(form.role.data), consulate=consulate)
        except AccountError as exc:
            form.form_errors.append(message_of(exc))
            return _role_page(form, user, 422)
        db.session.commit()
        flash(_("Done: %(email)s updated.", email=user.email), "success")
        return redirect(url_for("staff.index"), 303)
    return _role_page(form, user, 422 if form.errors else 200)


@bp.route("/<int:user_id>/<any(activate, deactivate, 'reset-totp'):action>", methods=["GET", "POST"])
@roles_required(Role.COMMISSIONER)
def act(user_id, action):
    user = _staff_member(user_id)
    if request.method == "GET":
        # Deactivating and resetting the authenticator lock a person out: the page
        # names them and asks first; the POST below is its answer.
        record_view(db.session, actor=current_user, action="staff.view", target=f"user:{user.id}")
        return render_template("staff/confirm.html", member=user, action=action, form=StaffActionForm())
    if not StaffActionForm().validate_on_submit():
        abort(400)
    try:
        if action == "reset-totp":
            services.reset_totp(db.session, actor=current_user, user=user)
        else:
            services.set_active(db.session, actor=current_user, user=user, active=action == "activate")
    except AccountError as exc:
        flash_refusal(exc)
        return redirect(url_for("staff.index"), 303)
    db.session.commit()
    flash(_("Done: %(email)s updated.", email=user.email), "success")
    return redirect(url_for("staff.index"), 303)
