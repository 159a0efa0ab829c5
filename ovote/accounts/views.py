"""Sign-up, confirmation, login (with TOTP for staff), logout and password reset."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ovote.accounts import login as logins
from ovote.accounts import services, totp
from ovote.accounts.access import is_safe_next
from ovote.accounts.errors import AccountError, InvalidEmail, InvalidToken, TotpAlreadyEnrolled
from ovote.accounts.forms import ForgotForm, LoginForm, ResetForm, SignUpForm, TotpForm
from ovote.accounts.models import User
from ovote.audit.services import record
from ovote.extensions import db, limiter
from ovote.refusals import flash_refusal, message_of, status_of
from ovote.runtime import runtime

bp = Blueprint("accounts", __name__, url_prefix="/auth")
PENDING = "pending_staff"  # session key: the staff member who passed the password step
# Session key of the page to return to after login. Not "next": Flask-Login's strong
# session protection deletes that key from every anonymous session it checks.
NEXT = "after_login"


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _signup_limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _fresh_session(*keep):
    """Empty the session but for the language and the keys in `keep`: nothing planted
    in it before a login step (an enrolment secret, say) survives that step."""
    kept = {key: session[key] for key in ("lang", *keep) if key in session}
    session.clear()
    session.update(kept)


def _start_session(user):
    """Regenerate the session (nothing from before login survives) and log in."""
    next_url = session.get(NEXT)
    _fresh_session()
    login_user(user)
    session.permanent = True
    logins.complete_login(db.session, user)
    db.session.commit()
    return redirect(next_url if is_safe_next(next_url) else url_for("web.dashboard"), 303)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def signup():
    form = SignUpForm()
    if form.validate_on_submit():
        rt = runtime()
        try:
            services.register_voter(db.session, email=form.email.data, password=form.password.data,
                                    locale=session.get("lang"), settings=rt.settings,
                                    passwords=rt.passwords, cipher=rt.cipher, mailer=rt.mailer)
        except AccountError as exc:
            field = form.email if isinstance(exc, InvalidEmail) else form.password
            field.errors.append(message_of(exc))
            return render_template("accounts/signup.html", form=form), 422
        db.session.commit()
        return render_template("accounts/check_mail.html", email=form.email.data.strip())
    return render_template("accounts/signup.html", form=form), 422 if form.errors else 200


@bp.route("/confirm/<token>")
def confirm(token):
    try:
        services.confirm_email(db.session, token, settings=runtime().settings)
    except InvalidToken as exc:
        return render_template("accounts/link_problem.html", message=message_of(exc)), 400
    db.session.commit()
    flash(_("Your e-mail address is confirmed. You can now log in."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    if request.method == "GET" and is_safe_next(request.args.get("next")):
        session[NEXT] = request.args["next"]
    if form.validate_on_submit():
        rt = runtime()
        try:
            user = logins.authenticate(db.session, email=form.email.data, password=form.password.data,
                                       settings=rt.settings, passwords=rt.passwords, cipher=rt.cipher)
        except AccountError as exc:
            db.session.commit()  # keep the failure count and the audit event
            flash_refusal(exc)
            return render_template("accounts/login.html", form=form), status_of(exc)
        if not user.is_staff:
            return _start_session(user)
        _fresh_session(NEXT)
        session[PENDING] = user.session_token
        db.session.commit()
        return redirect(url_for("accounts.totp_check" if user.totp_enrolled else "accounts.totp_enrol"), 303)
    return render_template("accounts/login.html", form=form), 400 if form.errors else 200


def _pending_user():
    token = session.get(PENDING)
    user = token and db.session.scalar(db.select(User).where(User.session_token == token))
    return user if user and user.active else None


@bp.route("/totp", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def totp_check():
    user = _pending_user()
    if user is None or not user.totp_enrolled:
        return redirect(url_for("accounts.login"))
    form = TotpForm()
    if form.validate_on_submit():
        rt = runtime()
        try:
            totp.verify(db.session, user, form.code.data, settings=rt.settings, cipher=rt.cipher)
        except AccountError as exc:
            db.session.commit()
            flash_refusal(exc)
            return render_template("accounts/totp.html", form=form), status_of(exc)
        return _start_session(user)
    return render_template("accounts/totp.html", form=form), 400 if form.errors else 200


@bp.route("/totp/enrol", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def totp_enrol():
    user = _pending_user()
    if user is None:
        return redirect(url_for("accounts.login"))
    if user.totp_enrolled:  # meanwhile, in another window
        return redirect(url_for("accounts.totp_check"))
    secret = session.setdefault("totp_enrol_secret", totp.new_secret())
    form = TotpForm()
    if form.validate_on_submit():
        try:
            totp.enrol(db.session, user, secret, form.code.data, cipher=runtime().cipher)
        except TotpAlreadyEnrolled as exc:
            db.session.rollback()
            session.pop("totp_enrol_secret", None)
            flash_refusal(exc, "warning")
            return redirect(url_for("accounts.totp_check"), 303)
        except AccountError as exc:
            flash_refusal(exc)
        else:
            session.pop("totp_enrol_secret", None)
            return _start_session(user)
    uri = totp.provisioning_uri(secret, user.email)
    return render_template("accounts/totp_enrol.html", form=form, secret=secret,
                           qr=totp.qr_svg_data_uri(uri)), 400 if request.method == "POST" else 200


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # The session is a signed cookie: a copy of it stays valid until the token it
        # names changes. This ends the account's other sessions too.
        current_user.rotate_session_token()
        record(db.session, actor=current_user, action="account.logout", target=f"user:{current_user.id}")
        db.session.commit()
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have been logged out."), "info")
    return redirect(url_for("web.home"), 303)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        rt = runtime()
        services.request_password_reset(db.session, form.email.data, settings=rt.settings,
                                        mailer=rt.mailer)
        db.session.commit()
        return render_template("accounts/check_mail.html", email=form.email.data.strip(), reset=True)
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token):
    rt = runtime()
    try:
        services.read_token(db.session, token, "reset", settings=rt.settings)
    except InvalidToken as exc:
        return render_template("accounts/link_problem.html", message=message_of(exc)), 400
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(db.session, token, form.password.data, settings=rt.settings,
                                    passwords=rt.passwords)
        except AccountError as exc:
            form.password.errors.append(message_of(exc))
            return render_template("accounts/reset.html", form=form), 422
        db.session.commit()
        flash(_("Your password has been changed. Log in with the new one."), "success")
        return redirect(url_for("accounts.login"), 303)
    return render_template("accounts/reset.html", form=form), 400 if form.errors else 200
