"""The one way views load an application: with the access check, or 404; and the row lock
under which its state changes."""
from flask import abort

from ovote.accounts.access import check_consulate_access
from ovote.accounts.models import Role
from ovote.extensions import MAX_ID
from ovote.registration.models import Application


def get_application(session, application_id, for_user):
    """The application `application_id` if `for_user` may see it, else 404.

    A voter sees only their own; an official only the submitted applications of
    their own consulate (a draft withdrawn before it was ever submitted stays the
    voter's own business); nobody else sees applications one by one. 404 (never
    403) so that the existence of other people's applications is not revealed.
    """
    application = session.get(Application, application_id) if 0 < application_id <= MAX_ID else None
    if application is None:
        abort(404)
    if for_user.role is Role.VOTER:
        if application.voter_id != for_user.id:
            abort(404)
        return application
    if for_user.role is not Role.OFFICIAL or not application.reviewable:
        abort(404)
    check_consulate_access(for_user, application.consulate)
    return application


def lock(session, application):
    """Re-read `application` under a row lock (SELECT ... FOR UPDATE) before changing its state.

    Two requests acting on one application at once (two officials, or an official
    and the voter) are serialised: the later one waits for the earlier one to
    commit, then judges its transition from that result, not from the state its
    page was loaded in. Returns the application.
    """
    session.refresh(application, with_for_update=True)
    return application
