"""Helpers the tests share: CSRF-aware form posts, sign-in, API tokens."""

from __future__ import annotations

import multiprocessing
import multiprocessing.context
import re

import sqlalchemy as sa
from flask.testing import FlaskClient

from app.extensions import db

DEMO_PASSWORD = "demo1234"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(client: FlaskClient, url: str) -> str:
    """GET ``url`` and return the CSRF token of its first form."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({response.status_code})"
    return match.group(1)


def post_form(
    client: FlaskClient, url: str, data: dict, *, token_from: str | None = None, **kwargs
):
    """POST ``data`` to ``url`` as the browser would, with the CSRF token of a page."""
    token = csrf_from(client, token_from or url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def login(client: FlaskClient, username: str, password: str = DEMO_PASSWORD):
    return post_form(client, "/auth/login", {"username": username, "password": password})


def api_token(client: FlaskClient, username: str, scopes: str = "*") -> dict[str, str]:
    """Authorization header for a fresh bearer token of ``username``."""
    response = client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": DEMO_PASSWORD, "scopes": scopes},
    )
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def unit_id(code: str) -> int:
    from app.models import Unit

    return db.session.scalar(sa.select(Unit.id).where(Unit.code == code))


def forkserver_context(*preload: str) -> multiprocessing.context.BaseContext:
    """A multiprocessing context whose children fork from a server that has imported the
    app and ``preload`` (the calling test module, so its process targets resolve) once.

    Processes of their own (not threads) are what these tests need: separate database
    connections and interpreters racing for real. "spawn" would import the app again in
    every child (seconds each); forking the pytest process itself is unsafe (threads,
    open connections). The server is started without either."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["app", "tests.conftest", *preload])
    return ctx
