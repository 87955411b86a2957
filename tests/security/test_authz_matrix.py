"""Authorisation matrix and security headers: every endpoint of ``app.url_map`` × every demo
role × an object inside and outside the caller's unit scope, each cell against the outcome
``matrix.expected`` derives from the declarations (not from the app's answers).

Pages are fetched with GET; every other method is sent only where the cell expects a refusal
(with a valid CSRF token, so that the refusal is the authorisation's), and the row counts of
every table must not move. The unsafe requests a cell allows are sent by
``test_matrix_allowed_writes``, which restores the world after each one that may have written.

Every GET answer of every cell (pages, API, files, errors, redirects) must carry the security
headers, with a Content-Security-Policy whose ``script-src`` allows no ``unsafe-*``.

The matrix runs on SQLite only: the ~2,000 requests test the access decisions of the views,
which do not depend on the engine, while the scope filters' SQL is run on both engines by
each feature's own tests (``tests/org``, ``tests/exams``, ``tests/hr``…). One test per role
shares one world (built once per run, then restored from its rows like ``demo_bank``).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.helpers import CSRF_RE, login
from tests.security.matrix import ANONYMOUS, ROLES, Outcome, expected
from tests.security.urls import BODIES, MissingArgument, build_url, world_name
from tests.security.world import UNSAFE, World, row_counts


def variants(rule: Rule, w: World) -> list[str]:
    """["in", "out"] when the rule's objects differ between the variants, else ["in"]."""
    names = {world_name(rule.endpoint, a) for a in rule.arguments}
    differ = any(w.args["in"].get(n) != w.args["out"].get(n) for n in names)
    return ["in", "out"] if differ else ["in"]


def cells(app: Flask, w: World, username: str):
    """(rule, variant, url, expected outcome) of every cell of one role."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        access = app.view_functions[rule.endpoint]._access
        names = {world_name(rule.endpoint, a) for a in rule.arguments}
        for variant in variants(rule, w):
            url = build_url(rule, w.args[variant])
            outcome = expected(
                rule.endpoint, access, names, username, variant, w.owners[variant],
                api=rule.rule.startswith("/api/"),
            )  # fmt: skip
            yield rule, variant, url, outcome


def matches(response, outcome: Outcome) -> bool:
    code, location = response.status_code, response.headers.get("Location", "")
    if code >= 500:
        return False
    if outcome is Outcome.LOGIN:
        return code == 302 and "/auth/login" in location
    if outcome is Outcome.BACK:
        return code in (302, 303) and "/auth/login" not in location
    if outcome is Outcome.ALLOWED:
        return code not in (401, 403, 404) and "/auth/login?" not in location
    return code == int(outcome.value)


# answers a shared cache may keep even for a signed-in user: files named by their content
SHARED_CACHE = {"static", "bank.image"}
# a <script> without src, an on…= handler or a javascript: URL: blocked by script-src 'self'
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)


def header_problems(response, signed_in: bool = False) -> list[str]:
    """Security headers every answer carries (pages, API, files, errors, redirects); a
    signed-in user's answers never stay in a shared cache."""
    h = response.headers
    csp = {}
    for part in h.get("Content-Security-Policy", "").split(";"):
        name, _, sources = part.strip().partition(" ")
        csp[name] = sources
    problems = []
    if "'self'" not in csp.get("script-src", "") or "unsafe" in csp.get("script-src", ""):
        problems.append(f"script-src {csp.get('script-src')!r}")
    if csp.get("object-src") != "'none'" or csp.get("frame-ancestors") != "'none'":
        problems.append("object-src / frame-ancestors")
    if h.get("X-Frame-Options") != "DENY" or h.get("X-Content-Type-Options") != "nosniff":
        problems.append("X-Frame-Options / X-Content-Type-Options")
    if h.get("Referrer-Policy") != "same-origin":
        problems.append("Referrer-Policy")
    cache = h.get("Cache-Control", "")
    if signed_in and "no-store" not in cache and "private" not in cache:
        problems.append(f"Cache-Control {cache!r}")
    if response.mimetype == "text/html" and (found := INLINE_SCRIPT.search(response.text)):
        problems.append(f"inline script the CSP would block: {found.group(0)[:60]!r}")
    return problems


def _token(client: FlaskClient, username: str) -> str:
    page = client.get("/" if username != ANONYMOUS else "/auth/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, "no CSRF token to send"
    return match.group(1)


def _send(client: FlaskClient, rule: Rule, method: str, url: str, token: str):
    if url.startswith("/api/"):
        body = BODIES.get(rule.endpoint, {})
        return client.open(url, method=method, json=body, headers={"X-CSRFToken": token})
    return client.open(url, method=method, data={"csrf_token": token})


def _mismatch(rule, variant, method, url, outcome, response) -> str:
    where = response.headers.get("Location", "")
    return (
        f"{rule.endpoint} [{variant}] {method} {url}: expected {outcome.value}, "
        f"got {response.status_code} {where}"
    )


@pytest.mark.parametrize("username", ROLES)
def test_matrix(app: Flask, client: FlaskClient, world: World, username: str) -> None:
    if username != ANONYMOUS:
        assert login(client, username).status_code == 302
    token = _token(client, username)
    wrong, writes = [], []
    plan = list(cells(app, world, username))
    before = row_counts()
    for rule, variant, url, outcome in plan:
        for method in sorted(rule.methods & UNSAFE):
            if outcome is not Outcome.ALLOWED:
                response = _send(client, rule, method, url, token)
                if not matches(response, outcome):
                    wrong.append(_mismatch(rule, variant, method, url, outcome, response))
                writes.append(f"{method} {url}")
    after = row_counts()
    moved = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    for rule, variant, url, outcome in plan:
        if "GET" in rule.methods:
            response = client.get(url)
            if not matches(response, outcome):
                wrong.append(_mismatch(rule, variant, "GET", url, outcome, response))
            signed_in = username != ANONYMOUS and rule.endpoint not in SHARED_CACHE
            if problems := header_problems(response, signed_in):
                wrong.append(f"{rule.endpoint} GET {url}: headers {problems}")
    assert not wrong, f"{len(wrong)} cells differ:\n" + "\n".join(wrong)
    assert not moved, f"refused writes changed row counts {moved} ({len(writes)} sent)"


# The second step of an upload (preview, then confirm) names its staged file in the form:
# an empty form names none, and "no such upload" is a 404 that says nothing about access
# (each feature's own tests stage a file and confirm it).
CONFIRM_STAGED = {"exams.confirm_paper", "org.confirm_import", "surveys.confirm_dossiers"}


def _may_have_written(url: str, response) -> bool:
    """A form that redirects, or an API call that succeeded, may have changed the world; a
    form shown again with its errors, or an API error, has not."""
    if url.startswith("/api/"):
        return response.status_code < 300
    return response.status_code in (301, 302, 303)


@pytest.mark.parametrize("username", ROLES)
def test_matrix_allowed_writes(
    app: Flask, client: FlaskClient, world: World, username: str
) -> None:
    """The cells above leave out the unsafe requests a role may send. Here each one is sent
    (with a valid CSRF token, the body the API matrix uses, or an empty form) and must not
    be refused: no 401/403/404, no sign-in redirect, no 5xx. The world is restored after
    any request that may have written, so every cell meets the same objects."""
    from tests.security.conftest import _WORLD, restore_world

    def sign_in() -> str:
        if username != ANONYMOUS:
            assert login(client, username).status_code == 302
        return _token(client, username)

    token, wrong, sent = sign_in(), [], 0
    for rule, variant, url, outcome in list(cells(app, world, username)):
        if outcome is not Outcome.ALLOWED:
            continue
        for method in sorted(rule.methods & UNSAFE):
            response = _send(client, rule, method, url, token)
            sent += 1
            staged_missing = rule.endpoint in CONFIRM_STAGED and response.status_code == 404
            if not matches(response, Outcome.ALLOWED) and not staged_missing:
                wrong.append(_mismatch(rule, variant, method, url, outcome, response))
            if _may_have_written(url, response):
                restore_world(app, _WORLD)
                client.delete_cookie("osa_session")
                token = sign_in()
    assert sent, "no allowed write to send"
    assert not wrong, f"{len(wrong)} allowed writes refused:\n" + "\n".join(wrong)


def test_every_endpoint_has_a_cell(app: Flask, world: World) -> None:
    """An endpoint whose URL arguments cannot be built is missing from the matrix."""
    missing = []
    for rule in app.url_map.iter_rules():
        for variant in ("in", "out"):
            try:
                build_url(rule, world.args[variant])
            except MissingArgument as exc:
                missing.append(str(exc))
    assert missing == []
