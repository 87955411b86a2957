"""The API's access rules answer before its input rules, and the matrix covers its document.

Before the fix an anonymous ``POST /api/v1/units {}`` got 422 with the list of required
fields (the body was validated before ``@requires`` ran), and a staff token the same 422
instead of 403: the schema told callers what they could not do.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Unit
from tests.helpers import api_token

WRITES = [
    ("POST", "/api/v1/units"),
    ("POST", "/api/v1/staff"),
    ("POST", "/api/v1/accounts"),
    ("POST", "/api/v1/hr/cases"),
    ("POST", "/api/v1/bank/questions"),
    ("POST", "/api/v1/assessments/rubrics"),
]


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_anonymous_gets_401_before_the_body_is_read(demo, client, method, url):
    response = client.open(url, method=method, json={})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "url"), WRITES)
def test_missing_permission_gets_403_before_the_body_is_read(demo, client, method, url):
    headers = api_token(client, "staff")
    units = db.session.scalar(sa.select(sa.func.count()).select_from(Unit))
    response = client.open(url, method=method, json={}, headers=headers)
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == units


def test_a_permitted_caller_still_gets_the_validation_details(demo, client):
    response = client.post("/api/v1/units", json={}, headers=api_token(client, "admin"))
    assert response.status_code == 422


def test_every_documented_operation_is_a_matrix_cell(app, client):
    """The matrix walks ``url_map``; every operation of the OpenAPI document is one of its
    rules with that method (and tests/api checks the converse)."""
    spec = client.get("/api/v1/openapi.json").json
    rules = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule), m)
        for r in app.url_map.iter_rules()
        for m in r.methods
    }
    documented = {
        (path, method.upper())
        for path, ops in spec["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert documented and documented <= rules, documented - rules
