"""The audit log page for auditors and commissioners."""
import json
from datetime import datetime, time

from flask import Blueprint, render_template, request
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role, User
from ovote.audit import labels
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
    ids = labels.user_ids(page.items)
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))} if ids else {}
    if any(u.is_staff for u in users.values()):
        # The page names staff by their address: a view of personal data, audited like the staff list.
        record(db.session, actor=current_user, action="audit.list_view", target="audit",
               details={"shown": len(page.items)})
        db.session.commit()
    return render_template("audit/index.html", form=form, page=page, filters=filters,
                           person=lambda value: labels.person_label(value, users),
                           action_label=labels.action_label, details_of=_details)


def _details(event):
    """An event's details as (name, value) pairs to show as fields."""
    try:
        data = json.loads(event.details or "{}")
    except ValueError:
        return [("", event.details)]
    if not isinstance(data, dict):
        return [("", event.details)]
    return [(name.replace("_", " "), value if not isinstance(value, (dict, list)) else json.dumps(value))
            for name, value in sorted(data.items())]


@bp.route("/verify", methods=["POST"])
@roles_required(Role.AUDITOR, Role.COMMISSIONER)
def verify():
    broken = verify_chain(db.session)
    record(db.session, actor=current_user, action="audit.verify",
           details={"intact": broken is None, "first_broken": broken.seq if broken else None})
    db.session.commit()
    return render_template("audit/verified.html", broken=broken)
