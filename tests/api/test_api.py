"""The JSON API: bearer tokens, one error shape, scope rules, a valid OpenAPI document."""

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from app.extensions import db
from app.models import ApiToken, Unit
from tests.helpers import api_token, csrf_from, login, unit_id


def test_openapi_document_is_valid_and_lists_the_endpoints(app, client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    assert {"/api/v1/auth/token", "/api/v1/staff", "/api/v1/units", "/api/v1/accounts"} <= set(
        spec["paths"]
    )
    assert "bearerAuth" in spec["components"]["securitySchemes"]


def test_every_api_route_is_in_the_openapi_document(app, client):
    spec_paths = set(client.get("/api/v1/openapi.json").json["paths"])
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert path in spec_paths, rule.rule


def test_token_is_stored_hashed_and_works(demo, client):
    headers = api_token(client, "hr")
    clear = headers["Authorization"].split()[1]
    assert db.session.scalar(sa.select(sa.func.count()).where(ApiToken.token_hash == clear)) == 0
    assert client.get("/api/v1/staff", headers=headers).json["total"] == 60


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "code"),
    [
        ("get", "/api/v1/staff", {}, 401, "unauthorized"),
        ("get", "/api/v1/nothing-here", {}, 404, "not_found"),
        ("post", "/api/v1/auth/token", {"json": {"username": "hr"}}, 422, "invalid_input"),
        (
            "post",
            "/api/v1/auth/token",
            {"json": {"username": "hr", "password": "x"}},
            401,
            "invalid_credentials",
        ),
        ("post", "/api/v1/auth/token", {"data": "not json"}, 422, "invalid_input"),
    ],
)
def test_errors_have_one_json_shape(demo, client, method, url, kwargs, status, code):
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == status
    assert set(response.json) == {"error"}
    assert set(response.json["error"]) == {"code", "message", "details"}
    assert response.json["error"]["code"] == code


def test_validation_details_name_the_field(demo, client):
    headers = api_token(client, "hr")
    response = client.post("/api/v1/staff", headers=headers, json={"unit_id": "abc"})
    details = response.json["error"]["details"]
    assert response.status_code == 422 and "full_name" in str(details) and "unit_id" in str(details)


def test_token_scopes_restrict_permissions(demo, client):
    headers = api_token(client, "hr", scopes="people.view")
    assert client.get("/api/v1/staff", headers=headers).status_code == 200
    response = client.post(
        "/api/v1/staff", headers=headers, json={"full_name": "Ai Đó", "unit_id": unit_id("ST-LH")}
    )
    assert response.status_code == 403


def test_session_api_calls_need_the_csrf_header(demo, client):
    login(client, "hr")
    body = {"full_name": "Lâm Thị Hoa", "unit_id": unit_id("ST-LH")}
    response = client.post("/api/v1/staff", json=body)
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf_failed"
    token = csrf_from(client, "/")
    response = client.post("/api/v1/staff", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 201 and response.json["full_name"] == "Lâm Thị Hoa"


def test_units_api_scope_and_cycle(demo, client):
    headers = api_token(client, "admin")
    district = unit_id("ST-MX")
    response = client.patch(
        f"/api/v1/units/{district}", headers=headers, json={"parent_id": unit_id("ST-MX-DH")}
    )
    assert response.status_code == 409
    xa = api_token(client, "hr.xa")
    codes = {u["code"] for u in client.get("/api/v1/units", headers=xa).json}
    assert codes == {"ST-LH"}
    assert client.get(f"/api/v1/units/{district}", headers=xa).status_code == 404
    response = client.post(
        "/api/v1/units",
        headers=headers,
        json={"code": "ST-MOI", "name": "Xã Mới", "parent_id": unit_id("ST")},
    )
    assert response.status_code == 201
    assert db.session.scalar(sa.select(Unit.depth).where(Unit.code == "ST-MOI")) == 1


def test_accounts_api_cannot_grant_outside_scope(demo, client):
    from app.admin.services import create_account, grant_role
    from app.models import Role

    local_admin = create_account("admin.xa", password="QuanTri#2026", must_change=False)
    grant_role(local_admin, Role.ADMIN, db.session.get(Unit, unit_id("ST-LH")))
    db.session.commit()
    response = client.post(
        "/api/v1/auth/token", json={"username": "admin.xa", "password": "QuanTri#2026"}
    )
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    new = client.post("/api/v1/accounts", headers=headers, json={"username": "ai.do"}).json
    response = client.post(
        f"/api/v1/accounts/{new['id']}/grants",
        headers=headers,
        json={"role": "hr", "unit_id": unit_id("ST")},
    )
    assert response.status_code == 404
    names = {a["username"] for a in client.get("/api/v1/accounts", headers=headers).json}
    assert "hr" not in names and "ai.do" in names


def test_oversized_request_gets_413(demo, client):
    headers = api_token(client, "hr")
    big = "x" * (21 * 1024 * 1024)
    response = client.post(
        "/api/v1/staff", headers={**headers, "Content-Type": "application/json"}, data=big
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
