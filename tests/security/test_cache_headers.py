"""A signed-in user's downloads never stay in a shared cache (found by the matrix's header
check: ``send_file`` answered ``Cache-Control: no-cache``, which a proxy may store)."""

from __future__ import annotations

import pytest

from tests.helpers import login


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("author", "/bank/template"),
        ("author", "/bank/export?format=csv"),
        ("admin", "/surveys/dossiers/template.csv"),
        ("hr", "/org/people"),
    ],
)
def test_signed_in_answers_are_no_store(demo, client, username, url):
    login(client, username)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_static_files_stay_cacheable(app, client):
    response = client.get("/static/css/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
