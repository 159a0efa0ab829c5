"""Who may reach what: role checks for views and the one consulate-scoping helper."""
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ovote.accounts.models import Role


def roles_required(*roles):
    """Only users holding one of `roles` pass; others get 403, anonymous users the login page.

    Staff are logged in only after their TOTP code (see accounts.views), so
    any authenticated staff user here has passed the second factor.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def check_consulate_access(user, consulate):
    """404 unless `user` may see `consulate`: officials only their own, commissioners
    and auditors all. 404 (not 403) so that other posts' existence is not revealed."""
    if consulate is None:
        abort(404)
    if user.role is Role.OFFICIAL and user.consulate_id != consulate.id:
        abort(404)
    if user.role not in (Role.OFFICIAL, Role.COMMISSIONER, Role.AUDITOR):
        abort(404)
    return consulate


def is_safe_next(target):
    """Only same-site relative paths are followed after login.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash,
    so "/<tab>/evil.example" would lead off-site, and a newline cannot go into a
    Location header at all: any space, control character or backslash refuses
    the target.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    return all(c.isprintable() and not c.isspace() for c in target)
