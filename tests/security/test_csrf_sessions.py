"""CSRF on every state-changing route of ``url_map``, cookie flags, sessions that end, throttling.

Generated from the url_map, so a new form route cannot escape: every POST/PUT/PATCH/DELETE
page route refuses a request without the form's token (400, nothing written), and every
non-public API write riding on a browser session refuses one without ``X-CSRFToken``.
Public API calls (token exchange, citizen responses, feedback) do not use the session and are
exempt by design (``app/api/__init__.py``). tests/auth has the single-route versions.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app.auth import services as auth_services
from app.extensions import db
from app.models import Account
from tests.conftest import make_app
from tests.helpers import DEMO_PASSWORD, api_token, login
from tests.security.urls import BODIES, build_url
from tests.security.world import UNSAFE, World, row_counts


def unsafe_rules(app: Flask, *, api: bool):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.rule.startswith("/api/") != api or not rule.methods & UNSAFE:
            continue
        access = app.view_functions[rule.endpoint]._access
        if api and access.kind == "public":
            continue  # no session: see the module docstring
        yield rule


def test_every_form_route_refuses_a_post_without_the_token(app, client, world: World):
    login(client, "admin")
    before, wrong = row_counts(), []
    rules = list(unsafe_rules(app, api=False))
    for rule in rules:
        url = build_url(rule, world.args["in"])
        for method in sorted(rule.methods & UNSAFE):
            response = client.open(url, method=method, data={"x": "1"})
            if response.status_code != 400 or "mã bảo vệ" not in response.get_data(as_text=True):
                wrong.append(f"{rule.endpoint} {method} {url}: {response.status_code}")
    assert len(rules) > 60
    assert wrong == []
    assert row_counts() == before


def test_every_session_api_write_needs_the_csrf_header(app, client, world: World):
    login(client, "admin")
    before, wrong = row_counts(), []
    for rule in unsafe_rules(app, api=True):
        url = build_url(rule, world.args["in"])
        for method in sorted(rule.methods & UNSAFE):
            body = BODIES.get(rule.endpoint, {})
            response = client.open(url, method=method, json=body)
            if response.status_code != 400 or response.json["error"]["code"] != "csrf_failed":
                wrong.append(f"{rule.endpoint} {method} {url}: {response.status_code}")
    assert wrong == []
    assert row_counts() == before


def test_anonymous_public_forms_need_the_token_too(app, client, world: World):
    for url in ["/auth/login", "/auth/setup", f"/s/{world.args['in']['code']}", "/s/ho-so"]:
        response = client.post(url, data={"username": "admin", "password": DEMO_PASSWORD})
        assert response.status_code == 400, url


def test_session_cookie_is_secure_with_cookie_secure(demo, monkeypatch):
    monkeypatch.setenv("COOKIE_SECURE", "1")
    secure = make_app(demo.config["SQLALCHEMY_DATABASE_URI"])
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    response = login(secure.test_client(), "hr")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_deactivation_ends_bearer_tokens_and_sessions(demo, client):
    headers = api_token(client, "author")
    login(client, "author")
    assert client.get("/api/v1/bank/questions", headers=headers).status_code == 200
    account = db.session.query(Account).filter_by(username="author").one()
    auth_services.deactivate_account(account, by=None)
    db.session.commit()
    assert client.get("/api/v1/bank/questions", headers=headers).status_code == 401
    assert client.get("/bank/questions").status_code == 302


@pytest.mark.parametrize("attempts", [6])
def test_token_endpoint_brute_force_gets_429(demo, client, attempts):
    codes = [
        client.post("/api/v1/auth/token", json={"username": "hr", "password": "sai"}).status_code
        for _ in range(attempts)
    ]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    good = client.post("/api/v1/auth/token", json={"username": "hr", "password": DEMO_PASSWORD})
    assert good.status_code == 429  # even the right password waits
