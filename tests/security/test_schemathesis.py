"""schemathesis against ``/api/v1/openapi.json``, in-process (the Flask app through WSGI).

Every operation of the document, with data generated from its schemas, signed in with a
bearer token of ``staff`` and then of ``admin``: no 5xx (an unhandled exception is raised
here) and every answer conforms to the document (status code, content type, headers, body
schema). Deterministic and bounded: ``derandomize=True``, a few examples per operation.
Failures are collected over all operations and reported together.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

import schemathesis
from flask import Flask, g, request_started
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import api_token
from tests.security.urls import QUERY, world_name
from tests.security.world import World

EXAMPLES = 5
# "no 5xx, conforms to the document"; auth is the matrix's job (test_authz_matrix.py), and
# schemathesis' "ignored auth" check cannot tell our explicit token from a generated one
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Not generated: the admin would deactivate accounts (its own too) and stop the run; the
# matrix and tests/api cover these calls.
SKIPPED = {("POST", "/api/v1/accounts/{account_id}/deactivate")}
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def run_operation(operation, client, headers: dict[str, str]) -> list[str]:
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @SETTINGS
    def check(case) -> None:
        try:
            response = case.call(session=client, headers=headers)
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:400]}")

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:
        failures.append(f"{operation.label}: {_summary(exc)}")
    return failures[:1]


def _summary(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return " | ".join(lines[:6])[:600]


def _fresh_g(sender: Flask, **_kw) -> None:
    """Schemathesis' own checks (e.g. "ignored auth") call the app with a plain werkzeug
    client; the test keeps an app context pushed, so clear ``g`` (the signed-in user) at the
    start of every request as tests/conftest.py's Client does."""
    g.__dict__.clear()


def test_api_conforms_to_its_document(app: Flask, client, world: World) -> None:
    request_started.connect(_fresh_g, app)
    try:
        _run(app, client)
    finally:
        request_started.disconnect(_fresh_g, app)


def _run(app: Flask, client) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens = {name: api_token(client, name) for name in ("staff", "admin")}
    failures, operations = [], 0
    for username, headers in tokens.items():
        for result in schema.get_all_operations():
            operation = result.ok()
            if (operation.method.upper(), operation.path) in SKIPPED:
                continue
            operations += 1
            failures += [f"[{username}] {f}" for f in run_operation(operation, client, headers)]
    assert operations > 100
    assert failures == [], "\n".join(failures)


def test_get_answers_about_real_objects_conform(app: Flask, client, world: World) -> None:
    """Random ids mostly meet 404s: every GET operation is also called once with the world's
    objects (the ones inside hr.xa's commune), so its 200 body is checked against the document.
    """
    request_started.connect(_fresh_g, app)
    try:
        failures = _real_gets(app, client, world)
    finally:
        request_started.disconnect(_fresh_g, app)
    assert failures == [], "\n".join(failures)


def _real_gets(app: Flask, client, world: World) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    endpoints = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule): r.endpoint for r in app.url_map.iter_rules()
    }
    failures, statuses = [], []
    for username in ("admin", "staff", "assessor"):
        headers = api_token(client, username)
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.method.upper() != "GET":
                continue
            endpoint = endpoints[operation.path]
            params = {
                name: world.args["in"][world_name(endpoint, name)]
                for name in re.findall(r"{(\w+)}", operation.path)
            }
            query = dict(parse_qsl(QUERY.get(endpoint, "").lstrip("?")))
            case = operation.Case(path_parameters=params, query=query)
            response = case.call(session=client, headers=headers)
            statuses.append(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"[{username}] {operation.label}: {_summary(exc)}")
    assert statuses.count(200) > 40  # admin ~30, staff its attempt, assessor its sheet
    return failures
