"""The audit log page for auditors and commissioners."""
from datetime import datetime, time

from flask import Blueprint, render_template, request
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.audit.forms import AuditFilterForm
from ovote.audit.models import AuditEvent
from ovote.audit.services import record, verify_chain
from ovote.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
FILTERS = ("actor", "action", "target", "since", "until")


@bp.route("/")
@roles_required(Role.AUDITOR, Role.COMMISSIONER)
def index():
    form = AuditFilterForm(request.args)
    form.validate()

    def wanted(field):
        """The field's value when it was given and is valid, else None (the filter is off)."""
        return None if field.errors else field.data

    query = db.select(AuditEvent).order_by(AuditEvent.seq.desc())
    if wanted(form.actor):
        query = query.where(AuditEvent.actor == form.actor.data.strip())
    if wanted(form.action):
        query = query.where(AuditEvent.action.startswith(form.action.data.strip(), autoescape=True))
    if wanted(form.target):
        query = query.where(AuditEvent.target == form.target.data.strip())
    if wanted(form.since):
        query = query.where(AuditEvent.at >= datetime.combine(form.since.data, time.min))
    if wanted(form.until):
        query = query.where(AuditEvent.at <= datetime.combine(form.until.data, time.max))
    page = db.paginate(query, page=wanted(form.page) or 1, per_page=PAGE_SIZE, error_out=False)
    # The page links carry the filters only: the raw query string would hand url_for
    # arguments of its own (`_scheme`, `_external`, `endpoint`).
    filters = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    return render_template("audit/index.html", form=form, page=page, filters=filters)


@bp.route("/verify", methods=["POST"])
@roles_required(Role.AUDITOR, Role.COMMISSIONER)
def verify():
    broken = verify_chain(db.session)
    record(db.session, actor=current_user, action="audit.verify",
           details={"intact": broken is None, "first_broken": broken.seq if broken else None})
    db.session.commit()
    return render_template("audit/verified.html", broken=broken)
