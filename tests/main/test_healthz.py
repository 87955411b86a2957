"""``/healthz``: what nginx or a load balancer asks each instance before sending it work."""

from tests.conftest import make_app


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_is_unreachable():
    # nothing listens on port 1: every connection attempt is refused at once
    down = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": False}
