"""Accounts and audit log screens (administrators only)."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.admin import bp, services
from app.admin.forms import AccountForm, GrantForm
from app.admin.queries import account_in_scope_or_404, accounts_in_scope
from app.auth.services import deactivate_account, issue_setup_code
from app.extensions import db
from app.i18n import TZ
from app.models import Account, AuditEvent, Role, Unit
from app.org.queries import unit_choices


@bp.route("/accounts")
@requires(Perm.ACCOUNTS_MANAGE)
def list_accounts():
    stmt = accounts_in_scope()
    page = db.paginate(
        stmt,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("admin/list_accounts.html", page=page, form=AccountForm())


@bp.route("/accounts", methods=["POST"])
@requires(Perm.ACCOUNTS_MANAGE)
def create_account():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            account = services.create_account(
                form.username.data, display_name=form.display_name.data
            )
        except services.AccountError as exc:
            flash(str(exc), "danger")
        else:
            db.session.commit()
            return redirect(url_for("admin.view_account", account_id=account.id))
    else:
        flash(_("Vui lòng nhập tên đăng nhập hợp lệ."), "danger")
    return redirect(url_for("admin.list_accounts"))


@bp.route("/accounts/<int:account_id>", methods=["GET", "POST"])
@requires(Perm.ACCOUNTS_MANAGE)
def view_account(account_id: int):
    account = account_in_scope_or_404(account_id)
    form = GrantForm()
    form.unit_id.choices = unit_choices(Perm.ACCOUNTS_MANAGE)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data)
        if unit is None or not current_user.can(Perm.ACCOUNTS_MANAGE, unit):
            abort(404)
        services.grant_role(account, Role(form.role.data), unit)
        db.session.commit()
        flash(_("Đã phân quyền."), "success")
        return redirect(url_for("admin.view_account", account_id=account.id))
    return render_template("admin/view_account.html", account=account, form=form)


@bp.route("/accounts/<int:account_id>/grants/<int:grant_id>/delete", methods=["POST"])
@requires(Perm.ACCOUNTS_MANAGE)
def revoke_grant(account_id: int, grant_id: int):
    account = account_in_scope_or_404(account_id)
    grant = next((g for g in account.grants if g.id == grant_id), None)
    if grant is None:
        abort(404)
    services.revoke_grant(grant)
    db.session.commit()
    flash(_("Đã thu hồi quyền."), "success")
    return redirect(url_for("admin.view_account", account_id=account.id))


@bp.route("/accounts/<int:account_id>/setup-code", methods=["POST"])
@requires(Perm.ACCOUNTS_MANAGE)
def issue_code(account_id: int):
    account = account_in_scope_or_404(account_id)
    code = issue_setup_code(account, by=db.session.get(Account, current_user.account_id))
    db.session.commit()
    flash(
        _(
            "Mã kích hoạt cho %(u)s (dùng một lần, hiệu lực 72 giờ): %(c)s",
            u=account.username,
            c=code,
        ),
        "warning",
    )
    return redirect(url_for("admin.view_account", account_id=account.id))


@bp.route("/accounts/<int:account_id>/deactivate", methods=["POST"])
@requires(Perm.ACCOUNTS_MANAGE)
def deactivate(account_id: int):
    account = account_in_scope_or_404(account_id)
    if account.id == current_user.account_id:
        flash(_("Bạn không thể tự vô hiệu hóa tài khoản của mình."), "danger")
    else:
        deactivate_account(account, by=db.session.get(Account, current_user.account_id))
        db.session.commit()
        flash(_("Đã vô hiệu hóa tài khoản và kết thúc mọi phiên đăng nhập."), "success")
    return redirect(url_for("admin.view_account", account_id=account.id))


def _parse_day(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text or "", "%Y-%m-%d").replace(tzinfo=TZ)
    except ValueError:
        return None


@bp.app_template_filter("reject_page")
def _reject_page(args: dict) -> dict:
    return {k: v for k, v in args.items() if k != "page"}


@bp.route("/audit")
@requires(Perm.AUDIT_VIEW)
def list_audit():
    args = request.args
    stmt = sa.select(AuditEvent).order_by(AuditEvent.id.desc())
    if args.get("action"):
        stmt = stmt.where(AuditEvent.action.startswith(args["action"], autoescape=True))
    if args.get("actor"):
        stmt = stmt.where(AuditEvent.actor_name == args["actor"].strip().lower())
    if args.get("target"):
        stmt = stmt.where(AuditEvent.target_type == args["target"])
    if start := _parse_day(args.get("from")):
        stmt = stmt.where(AuditEvent.at >= start)
    if end := _parse_day(args.get("to")):
        stmt = stmt.where(AuditEvent.at < end + timedelta(days=1))
    page = db.paginate(
        stmt,
        page=args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    return render_template("admin/list_audit.html", page=page, args=args)
