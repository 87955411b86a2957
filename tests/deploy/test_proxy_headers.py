"""Behind nginx (``TRUSTED_PROXIES=1``) rate limits key on the client's address from
X-Forwarded-For; without a trusted proxy the header is ignored, so it cannot be spoofed."""

import pytest

from app.extensions import limiter
from tests.conftest import make_app
from tests.helpers import csrf_from


def _failed_login(client, number: int, forwarded_for: str) -> int:
    token = csrf_from(client, "/auth/login")
    form = {"username": f"nobody{number}", "password": "wrong", "csrf_token": token}
    response = client.post("/auth/login", data=form, headers={"X-Forwarded-For": forwarded_for})
    return response.status_code


@pytest.mark.parametrize(("proxies", "other_client_status"), [(1, 401), (0, 429)])
def test_login_limit_keys_on_the_forwarded_address_only_behind_a_proxy(
    app, proxies, other_client_status
):
    # LOGIN_RATE_LIMIT is "5 per minute" in TestConfig; a new username each time, so only
    # the per-address limit can refuse.
    proxied = make_app(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=proxies)
    limiter.reset()
    client = proxied.test_client()
    assert [_failed_login(client, n, "10.0.0.1") for n in range(5)] == [401] * 5
    assert _failed_login(client, 5, "10.0.0.1") == 429
    # another user behind the same nginx: a budget of their own only if nginx is trusted
    assert _failed_login(client, 6, "10.0.0.2") == other_client_status


def test_trusted_proxies_comes_from_the_environment(monkeypatch, tmp_path):
    from app.config import Config

    monkeypatch.setenv("SECRET_KEY", "x")
    assert Config.load(str(tmp_path))["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    assert Config.load(str(tmp_path))["TRUSTED_PROXIES"] == 1
