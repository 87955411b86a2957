"""Routes of the sign-in pages. Thin: validate, call a service, commit, respond."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.access import authenticated, public
from app.audit import record_audit
from app.auth import bp, services
from app.auth.forms import ChangePasswordForm, LoginForm, SetupCodeForm
from app.extensions import db, limiter
from app.models import Account


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _failed(response) -> bool:
    """Only failed sign-ins count: a room of officers behind one address signs in freely
    (and a 5xx is the server's failure, not a guess)."""
    return response.status_code != 302 and response.status_code < 500


def _username_key() -> str:
    return "login-user:" + (request.form.get("username", "") or "").strip().lower()[:80]


def _safe_next(target: str | None) -> str:
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/"):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_username_key, deduct_when=_failed)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        account = services.authenticate(form.username.data, form.password.data)
        if account is None:
            record_audit("auth.login_failed", after={"username": form.username.data[:80]})
            db.session.commit()
            flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "danger")
            return render_template("auth/login.html", form=form), 401
        token = services.start_session(account)
        record_audit("auth.login", account, actor=account)
        db.session.commit()
        session.clear()
        session.permanent = True
        login_user(services.load_session_principal(token))
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@authenticated
def logout():
    services.revoke_sessions(current_user.account_id, only=current_user.session_id)
    record_audit("auth.logout")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@authenticated
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        account = db.session.get(Account, current_user.account_id)
        if services.authenticate(account.username, form.current.data) is None:
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            try:
                services.set_password(account, form.new.data)
            except services.PasswordPolicyError as exc:
                form.new.errors.append(str(exc))
            else:
                token = services.start_session(account)
                record_audit("auth.password_changed", account)
                db.session.commit()
                login_user(services.load_session_principal(token))
                flash(_("Đã đổi mật khẩu."), "success")
                return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/setup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@public
def setup():
    form = SetupCodeForm()
    if form.validate_on_submit():
        try:
            account = services.redeem_setup_code(form.username.data, form.code.data, form.new.data)
        except services.PasswordPolicyError as exc:
            form.new.errors.append(str(exc))
        else:
            if account is None:
                flash(_("Mã kích hoạt không đúng, đã dùng hoặc đã hết hạn."), "danger")
            else:
                db.session.commit()
                flash(_("Đã đặt mật khẩu. Vui lòng đăng nhập."), "success")
                return redirect(url_for("auth.login"))
    return render_template("auth/setup.html", form=form)
