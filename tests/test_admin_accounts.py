"""Admin screens: create an account, grant a scoped role, issue a setup code, deactivate."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Account, LoginSession
from tests.helpers import login, post_form, unit_id


def test_admin_account_lifecycle(login_as, client, app):
    login_as("admin")
    response = post_form(
        client,
        "/admin/accounts",
        {"username": "Thu.Ky", "display_name": "Thư ký"},
        token_from="/admin/accounts",
    )
    account = db.session.scalar(sa.select(Account).where(Account.username == "thu.ky"))
    assert response.status_code == 302 and account.must_change_password
    page = f"/admin/accounts/{account.id}"
    post_form(client, page, {"role": "proctor", "unit_id": unit_id("ST-AN")})
    db.session.refresh(account)
    assert [(g.role.value, g.unit.code) for g in account.grants] == [("proctor", "ST-AN")]
    response = post_form(client, f"{page}/setup-code", {}, token_from=page, follow_redirects=True)
    code = re.search(r"hiệu lực 72 giờ\): ([0-9A-F-]+)", response.get_data(as_text=True))
    assert code, "the code is shown once to the admin"
    other = app.test_client()
    data = {
        "username": "thu.ky",
        "code": code.group(1),
        "new": "ThuKy#2026x",
        "confirm": "ThuKy#2026x",
    }
    assert post_form(other, "/auth/setup", data).status_code == 302
    assert login(other, "thu.ky", "ThuKy#2026x").status_code == 302
    post_form(client, f"{page}/deactivate", {}, token_from=page)
    open_sessions = db.session.scalar(
        sa.select(sa.func.count()).where(
            LoginSession.account_id == account.id, LoginSession.revoked_at.is_(None)
        )
    )
    assert open_sessions == 0
    assert other.get("/").status_code == 302


def test_admin_cannot_grant_outside_own_scope(login_as, client):
    from app.admin.services import create_account, grant_role
    from app.models import Role, Unit

    local = create_account("qt.xa", password="QuanTri#2026", must_change=False)
    grant_role(local, Role.ADMIN, db.session.get(Unit, unit_id("ST-LH")))
    target = create_account("nv.moi")
    db.session.commit()
    assert login(client, "qt.xa", "QuanTri#2026").status_code == 302
    response = post_form(
        client, f"/admin/accounts/{target.id}", {"role": "hr", "unit_id": unit_id("ST")}
    )
    assert response.status_code == 200  # "not a valid choice": the province is not offered
    db.session.refresh(target)
    assert target.grants == []
    hr = db.session.scalar(sa.select(Account).where(Account.username == "hr"))
    assert client.get(f"/admin/accounts/{hr.id}").status_code == 404
