"""The voting part of the JSON API (DESIGN.md §7): login, eligibility, tokens,
ballots and the bulletin board. Views parse, call a service and answer JSON;
every refusal is ``{"error", "message"}`` (`ovote.refusals.as_json`).

The ballots endpoint is anonymous by construction: the session interface
neither reads nor writes a cookie on its path (`ovote.serving.COOKIELESS_PATHS`),
it is exempt from CSRF, and nothing in it touches `current_user`.
"""
from flask import current_app, request, session
from flask_login import current_user, login_user
from flask_wtf.csrf import generate_csrf, validate_csrf
from sqlalchemy import select
from sqlalchemy.orm import defer
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import ValidationError

from ovote.accounts import login as logins
from ovote.accounts.errors import AccountError
from ovote.api_input import read_json
from ovote.api import bp, json_response
from ovote.crypto.canonical import hex_decode, parse_json
from ovote.crypto.errors import DecodeError
from ovote.elections.models import Election
from ovote.errors import Refused
from ovote.extensions import csrf, db, limiter
from ovote.refusals import as_json
from ovote.runtime import runtime
from ovote.voting import board, casting, issuance
from ovote.voting.eligibility import eligibility

#: a ballot body may be this large (§7); a 3-contest ballot is about 10 KiB
BALLOT_LIMIT = 1024 * 1024
#: the largest body of any other JSON request
BODY_LIMIT = 64 * 1024


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    body, status = as_json(Refused("too_large", limit=BALLOT_LIMIT))
    return json_response(body, status)


def _frozen_election(slug, *, for_cast=False):
    query = select(Election).where(Election.slug == slug)
    if for_cast:  # the definition is cached per fingerprint: do not fetch its bytes each time
        query = query.options(defer(Election.definition), defer(Election.ceremony_proofs),
                              defer(Election.close_statement), defer(Election.title))
    election = db.session.scalar(query)
    if election is None or not election.state.frozen:
        raise Refused("unknown_election", slug=slug[:64])
    return election


def _voter():
    if not current_user.is_authenticated:
        raise Refused("login_required")
    return current_user


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.post("/auth/login")
@csrf.exempt
@limiter.limit(_login_limit)
def login():
    # A JSON content type cannot be sent cross-site without CORS: no login CSRF.
    if not request.is_json:
        raise Refused("bad_json", detail="send Content-Type: application/json")
    body = read_json(fields={"email", "password"}, limit=BODY_LIMIT)
    rt = runtime()
    try:
        user = logins.authenticate(db.session, email=body["email"], password=body["password"],
                                   settings=rt.settings, passwords=rt.passwords, cipher=rt.cipher)
    except AccountError:
        db.session.commit()  # keep the failure count and the audit event
        raise
    if user.is_staff:
        db.session.commit()
        raise Refused("staff_use_web")
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    session.permanent = True
    logins.complete_login(db.session, user)
    db.session.commit()
    return json_response({"csrf_token": generate_csrf()})


@bp.get("/elections/<slug>/eligibility")
def election_eligibility(slug):
    voter = _voter()
    election = _frozen_election(slug)
    verdict = eligibility(db.session, election, voter, settings=runtime().settings)
    issued = verdict.eligible and issuance.token_issued(db.session, election, voter)
    return json_response(verdict.to_dict(token_issued=issued))


@bp.post("/elections/<slug>/tokens")
@csrf.exempt  # checked below, to answer in the API's shape
def tokens(slug):
    voter = _voter()
    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except ValidationError:
        raise Refused("csrf_failed") from None
    body = read_json(fields={"blinded_msg"}, limit=BODY_LIMIT)
    try:
        blinded_msg = hex_decode(body["blinded_msg"], what="blinded_msg")
    except DecodeError:
        raise Refused("bad_blinded_msg") from None
    election = _frozen_election(slug)
    unit, blind_sig, created = issuance.issue(db.session, election=election, voter=voter,
                                              blinded_msg=blinded_msg, settings=runtime().settings,
                                              cipher=runtime().cipher)
    db.session.commit()
    return json_response({"unit": unit.code, "blind_sig": blind_sig.hex()}, 201 if created else 200)


@bp.post("/elections/<slug>/ballots")
@csrf.exempt
def ballots(slug):
    ballot = read_json(None, limit=BALLOT_LIMIT)  # its shape is the ballot validation's (§3.8)
    election = _frozen_election(slug, for_cast=True)
    result = casting.cast(db.session, election=election, ballot=ballot,
                          cipher=runtime().cipher)
    return json_response({"receipt": result.receipt}, 201 if result.created else 200)


def _int_arg(name, default, low, high):
    text = request.args.get(name)
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or len(text) > 10 or not low <= int(text) <= high:
        raise Refused("bad_board_query")
    return int(text)


@bp.get("/elections/<slug>/board")
def board_page(slug):
    after = _int_arg("after", 0, 0, 2**31 - 1)
    limit = _int_arg("limit", board.DEFAULT_PAGE, 1, board.MAX_PAGE)
    election = _frozen_election(slug)
    entries = board.page(db.session, election, after=after, limit=limit)
    _, head = board.head_of(db.session, election)
    return json_response({"entries": entries, "head": head})


@bp.get("/elections/<slug>/board/<tracking_code>")
def board_entry(slug, tracking_code):
    election = _frozen_election(slug)
    entry, ballot = board.find(db.session, election, tracking_code)
    return json_response({"entry": entry, "ballot": parse_json(ballot)})
