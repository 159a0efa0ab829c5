"""Who is logged in: the session cookie names a user by their rotating session token."""
from flask_babel import lazy_gettext as _l

from ovote.accounts.models import User
from ovote.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_token):
    return db.session.execute(
        db.select(User).where(User.session_token == session_token)
    ).scalar_one_or_none()


def init_app(app):
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
