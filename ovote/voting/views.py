"""Voting's web pages: the bulletin board, "check my receipt", and the voter's Vote pages
(the browser voting client, and voting with the ovote program).

The board and receipt pages are public and served without the session cookie
(`ovote.serving.COOKIELESS_PATHS`): a search or a check must not be tied to a login.
"""
from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ovote.accounts.access import roles_required
from ovote.accounts.models import Role
from ovote.elections.models import Election, ElectionState
from ovote.extensions import csrf, db
from ovote.runtime import runtime
from ovote.voting import board, client_text, receipts
from ovote.voting.eligibility import eligibility
from ovote.voting.forms import RECEIPT_LIMIT, BoardSearchForm, ReceiptForm
from ovote.voting.issuance import issuance_open, token_issued, voted_in_person

bp = Blueprint("voting", __name__, url_prefix="/elections")
PAGE = 50


def _frozen(slug):
    election = db.session.scalar(db.select(Election).where(Election.slug == slug))
    if election is None or not election.state.frozen:
        abort(404)
    return election


@bp.route("/<slug>/board")
def board_page(slug):
    election = _frozen(slug)
    form = BoardSearchForm(request.args)
    form.validate()
    after = form.after.data if not form.after.errors and form.after.data else 0
    found = None
    if form.code.data and not form.code.errors:
        found = board.search(db.session, election, form.code.data)
    entries = board.page(db.session, election, after=after, limit=PAGE)
    seq, head = board.head_of(db.session, election)
    return render_template("voting/board.html", election=election, form=form, found=found,
                           entries=entries, head=head, seq=seq, after=after, page_size=PAGE,
                           counts=board.counts(db.session, election))


@bp.route("/<slug>/receipt", methods=["GET", "POST"])
@csrf.exempt  # nothing changes, and the page keeps no session to protect
def receipt_page(slug):
    election = _frozen(slug)
    form = ReceiptForm()
    result = None
    if request.method == "POST" and form.validate():
        text = form.receipt.data or ""
        upload = form.receipt_file.data
        if upload and getattr(upload, "filename", ""):
            text = upload.read(RECEIPT_LIMIT + 1).decode("utf-8", "replace")
        result = receipts.check(db.session, election, text)
    status = 200 if result is None or result.ok else 422
    return render_template("voting/receipt.html", election=election, form=form,
                           result=result), status


def _voter_verdict(slug):
    election = _frozen(slug)
    verdict = eligibility(db.session, election, current_user, settings=runtime().settings)
    issued = verdict.eligible and token_issued(db.session, election, current_user)
    return election, verdict, issued


@bp.route("/<slug>/vote")
@roles_required(*Role)
def vote_page(slug):
    """The browser voting client, mounted on the app's layout: its words from the
    catalogue (`client_text`), the session's CSRF token for the token request only."""
    election, verdict, issued = _voter_verdict(slug)
    return render_template("voting/vote.html", election=election, verdict=verdict, issued=issued,
                           in_person=voted_in_person(db.session, election, current_user),
                           client_text=client_text.catalogue(),
                           voting_now=election.state is ElectionState.OPEN)


@bp.route("/<slug>/vote/program")
@roles_required(*Role)
def vote_program_page(slug):
    """Voting with the `ovote vote` program, the other way to vote."""
    election, verdict, issued = _voter_verdict(slug)
    return render_template("voting/vote_program.html", election=election, verdict=verdict,
                           issued=issued,
                           in_person=voted_in_person(db.session, election, current_user),
                           tokens_now=issuance_open(election),
                           server=request.host_url.rstrip("/"))


@bp.app_template_global("voting_elections")
def voting_elections():
    """Elections a logged-in voter may vote in now or soon, for the account page."""
    if not getattr(current_user, "is_authenticated", False) or current_user.role is not Role.VOTER:
        return []
    states = (ElectionState.FROZEN, ElectionState.OPEN)
    elections = db.session.scalars(db.select(Election).where(Election.state.in_(states))
                                   .order_by(Election.voting_opens)).all()
    settings = runtime().settings
    return [e for e in elections if eligibility(db.session, e, current_user, settings=settings).eligible]
