"""What schemathesis found in the API document, each with its focused test.

* ``GET /api/v1/surveys/overview`` documented no 200 body (only the error shape);
* ``GET /api/v1/bank/export`` was documented as ``application/octet-stream`` only, while it
  answers the format's own type, and text types carried ``charset=utf-8`` twice.
"""

from __future__ import annotations

import pytest

from tests.helpers import api_token


def test_overview_documents_its_body(app, client):
    spec = client.get("/api/v1/openapi.json").json
    ok = spec["paths"]["/api/v1/surveys/overview"]["get"]["responses"]["200"]
    schema = ok["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/OverviewOut")
    assert set(spec["components"]["schemas"]["OverviewOut"]["properties"]) == {"units", "scope"}


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("gift", "text/plain; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_bank_export_has_one_documented_content_type(demo, client, fmt, mime):
    response = client.get(f"/api/v1/bank/export?format={fmt}", headers=api_token(client, "author"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == mime
    spec = client.get("/api/v1/openapi.json").json
    documented = spec["paths"]["/api/v1/bank/export"]["get"]["responses"]["200"]["content"]
    assert mime.split(";")[0] in documented


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/v1/questionnaires/versions/{version_id}", "VersionOut"),
        ("/api/v1/public/questionnaires/{channel_code}", "QuestionnaireOut"),
        ("/api/v1/public/kiosk", "KioskOut"),
        ("/api/v1/public/dossiers/{code}", "DossierOut"),
    ],
)
def test_answers_about_real_objects_are_documented(app, client, path, schema):
    """Found by calling every GET with the world's objects (test_schemathesis.py): these 200
    bodies were undocumented, so the error shape was the only schema they could match."""
    spec = client.get("/api/v1/openapi.json").json
    ok = spec["paths"][path]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith(f"/{schema}")
