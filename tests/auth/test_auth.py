"""Sign-in: sessions validated server-side, CSRF, throttling, forced change, setup codes."""

import pytest
import sqlalchemy as sa

from app.admin import services as accounts
from app.auth import services
from app.extensions import db
from app.models import Account, AuditEvent
from tests.helpers import csrf_from, login, post_form


def test_failed_login_shows_vietnamese_error_and_is_audited(demo, client):
    response = login(client, "hr", "sai-mat-khau")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))


@pytest.mark.parametrize(
    "username", ["admin", "hr", "hr.xa", "author", "reviewer", "assessor", "proctor", "staff"]
)
def test_every_demo_account_signs_in(demo, client, username):
    assert login(client, username).status_code == 302
    assert "Xin chào" in client.get("/").get_data(as_text=True)


def test_replayed_cookie_after_logout_is_refused(demo, client):
    login(client, "hr")
    cookie = client.get_cookie("osa_session").value
    assert client.get("/org/people").status_code == 200
    post_form(client, "/auth/logout", {}, token_from="/")
    client.set_cookie("osa_session", cookie)  # an attacker replays the old cookie
    response = client.get("/org/people")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_deactivation_ends_existing_sessions(demo, client, app):
    login(client, "author")
    assert client.get("/").status_code == 200
    account = db.session.scalar(sa.select(Account).where(Account.username == "author"))
    services.deactivate_account(account, by=None)
    db.session.commit()
    assert client.get("/").status_code == 302
    assert login(client, "author").status_code == 401


def test_form_post_without_csrf_token_is_refused(demo, client):
    login(client, "hr")
    response = client.post("/org/people/new", data={"full_name": "X", "unit_id": 1})
    assert response.status_code == 400
    assert "mã bảo vệ biểu mẫu" in response.get_data(as_text=True)
    response = client.post("/auth/logout")
    assert response.status_code == 400


def test_session_cookie_flags(demo, client):
    response = login(client, "hr")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert db.session.scalar(sa.select(Account.last_login_at).where(Account.username == "hr"))


def test_login_throttling_returns_429(demo, client):
    responses = [login(client, "hr", "wrong") for _ in range(6)]
    assert [r.status_code for r in responses] == [401] * 5 + [429]
    assert "quá nhiều lần" in responses[5].get_data(as_text=True)
    assert login(client, "hr").status_code == 429  # even the right password waits


def test_first_login_forces_a_password_change(app, client):
    account = accounts.create_account("moi", password="MatKhau#2026", must_change=True)
    db.session.commit()
    assert login(client, "moi", "MatKhau#2026").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/password")
    response = post_form(
        client,
        "/auth/password",
        {"current": "MatKhau#2026", "new": "MoiHon#2027", "confirm": "MoiHon#2027"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    db.session.refresh(account)
    assert account.must_change_password is False


def test_setup_code_sets_password_once(app, client):
    account = accounts.create_account("caphat")
    code = services.issue_setup_code(account, by=None)
    db.session.commit()
    data = {"username": "caphat", "code": code, "new": "BatDau#2026", "confirm": "BatDau#2026"}
    assert post_form(client, "/auth/setup", data).status_code == 302
    assert login(client, "caphat", "BatDau#2026").status_code == 302
    response = post_form(app.test_client(), "/auth/setup", data)  # the same code again
    assert "không đúng, đã dùng" in response.get_data(as_text=True)


@pytest.mark.parametrize("password", ["short", "caphat12", "12345678"])
def test_weak_passwords_are_refused(app, password):
    with pytest.raises(services.PasswordPolicyError):
        services.check_new_password(password, "caphat12")


def test_open_redirect_is_not_followed(demo, client):
    token = csrf_from(client, "/auth/login")
    response = client.post(
        "/auth/login?next=https://evil.example/x",
        data={"username": "hr", "password": "demo1234", "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_security_headers(demo, client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_successful_sign_ins_from_one_address_are_not_throttled(demo, client):
    """A room of officers behind one NAT address: only failures count toward the limit."""
    for _ in range(8):  # more than the test limit of 5 per minute
        assert login(client, "staff").status_code == 302
        assert post_form(client, "/auth/logout", {}, token_from="/").status_code == 302
    assert login(client, "hr").status_code == 302
