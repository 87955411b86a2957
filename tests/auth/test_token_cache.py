"""Bearer tokens remembered per process for a few seconds: what ends access at once, what
ends it within API_TOKEN_CACHE_SECONDS, and that the cache never outlives the token."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.access import Principal
from app.auth import services, token_cache
from app.extensions import db
from app.models import Account, ApiToken, utcnow
from tests.helpers import api_token


@pytest.fixture
def clock(monkeypatch):
    """The cache's clock, moved by hand (no sleeping, no timing in assertions)."""
    now = [1000.0]
    monkeypatch.setattr(token_cache, "clock", lambda: now[0])
    return now


def _exams(client, headers) -> int:
    """200 for a signed-in officer, 403 for an account without a staff profile, 401 for
    a refused token."""
    return client.get("/api/v1/exams", headers=headers).status_code


def _revoke_in_database(username: str) -> None:
    """What another worker process's revocation looks like from here: only the row."""
    account_id = db.session.scalar(sa.select(Account.id).where(Account.username == username))
    db.session.execute(
        sa.update(ApiToken).where(ApiToken.account_id == account_id).values(revoked_at=utcnow())
    )
    db.session.commit()


def test_a_revocation_elsewhere_ends_access_once_the_cache_time_is_over(demo, client, clock):
    headers = api_token(client, "staff")
    assert _exams(client, headers) == 200
    _revoke_in_database("staff")
    clock[0] += 1
    assert _exams(client, headers) == 200  # remembered: the documented delay
    clock[0] += 5
    assert _exams(client, headers) == 401


def test_deactivation_in_this_process_ends_access_at_once(demo, client, clock):
    headers = api_token(client, "staff")
    assert _exams(client, headers) == 200
    account = db.session.scalar(sa.select(Account).where(Account.username == "staff"))
    services.deactivate_account(account, by=None)
    db.session.commit()
    assert _exams(client, headers) == 401


def test_other_accounts_stay_remembered_after_a_deactivation(demo, client, clock):
    staff, admin = api_token(client, "staff"), api_token(client, "admin")
    assert _exams(client, staff) == 200 and _exams(client, admin) == 403
    _revoke_in_database("admin")
    account = db.session.scalar(sa.select(Account).where(Account.username == "staff"))
    services.deactivate_account(account, by=None)
    db.session.commit()
    assert _exams(client, staff) == 401
    assert _exams(client, admin) == 403  # still remembered: forgetting is per account


def test_zero_seconds_turns_the_cache_off(demo, client, app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_CACHE_SECONDS", 0)
    headers = api_token(client, "staff")
    assert _exams(client, headers) == 200
    _revoke_in_database("staff")
    assert _exams(client, headers) == 401


def test_the_cache_never_outlives_the_token(demo, client, clock, monkeypatch):
    headers = api_token(client, "staff")
    expiry = utcnow() + timedelta(seconds=2)
    db.session.execute(sa.update(ApiToken).values(expires_at=expiry))
    db.session.commit()
    assert _exams(client, headers) == 200
    clock[0] += 3  # past the token's expiry, well within the cache time
    monkeypatch.setattr(services, "utcnow", lambda: expiry + timedelta(seconds=1))
    assert _exams(client, headers) == 401


def test_an_unknown_or_malformed_token_is_refused(demo, client, clock):
    assert _exams(client, {"Authorization": "Bearer osa_not-a-token"}) == 401
    assert _exams(client, {"Authorization": "Bearer "}) == 401


def test_expired_entries_are_dropped_not_kept_until_the_cache_is_full(app, clock, monkeypatch):
    """A soak signs in a new officer every few seconds: without the sweep every token
    ever seen stayed in each worker's memory (about 1 KB each) until MAX_ENTRIES."""
    monkeypatch.setattr(token_cache, "_next_sweep", [0.0])
    expires = utcnow() + timedelta(days=1)
    with app.app_context():
        entries = token_cache._entries()
        entries.clear()
        for n in range(300):
            principal = Principal(n, f"officer{n}", f"Cán bộ {n}", n, False, ())
            token_cache.remember(f"digest-{n}", principal, expires)
        assert len(entries) == 300  # all fresh: nothing dropped
        clock[0] += 6  # past API_TOKEN_CACHE_SECONDS (5)
        token_cache.remember("digest-new", Principal(999, "new", "Mới", 999, False, ()), expires)
        assert list(entries) == ["digest-new"]
        assert token_cache.lookup("digest-new") is not None
