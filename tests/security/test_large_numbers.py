"""Numbers larger than the database holds are the caller's mistake: 404 / 400 / 422, no 500.

Found by schemathesis (``POST /api/v1/units`` with a 39-digit ``parent_id`` answered 500):
the same happened for ids in paths (``/org/people/10…0``), in query strings
(``/org/people?unit=10…0``) and in API bodies and queries. Runs on both engines.
"""

from __future__ import annotations

import pytest

from tests.helpers import api_token, login, unit_id

BIG = 10**20


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/api/v1/units/{BIG}", 404),
        (f"/api/v1/staff/{BIG}", 404),
        (f"/api/v1/staff?unit_id={BIG}", 422),
        (f"/api/v1/verdicts?unit_id={BIG}", 422),
    ],
)
def test_api_paths_and_queries(demo, client, url, status):
    assert client.get(url, headers=api_token(client, "admin")).status_code == status


def test_api_body(demo, client):
    body = {"code": "X-BIG", "name": "Đơn vị thử", "parent_id": BIG}
    response = client.post("/api/v1/units", json=body, headers=api_token(client, "admin"))
    assert response.status_code == 422
    assert response.json["error"]["details"]["json"]["parent_id"] == ["Số quá lớn."]
    ok = {**body, "parent_id": unit_id("ST")}
    assert (
        client.post("/api/v1/units", json=ok, headers=api_token(client, "admin")).status_code == 201
    )


@pytest.mark.parametrize(
    ("url", "statuses"),
    [
        (f"/org/people/{BIG}", {404}),
        (f"/org/units/{BIG}", {404}),
        (f"/org/people?unit={BIG}", {200, 400}),
        (f"/hr/verdicts?unit={BIG}", {200, 400}),
    ],
)
def test_pages(demo, client, url, statuses):
    login(client, "admin")
    assert client.get(url).status_code in statuses
