"""A short per-process memory of resolved bearer tokens.

On exam day each officer's script or page sends its token with every answer; resolving it
(token row, account, role grants) was a third of a save's work. A resolved Principal is
kept for ``API_TOKEN_CACHE_SECONDS`` (default 5; 0 turns the cache off), never beyond
the token's own expiry, keyed by the token's SHA-256 digest, per application.

What this costs: a token revoked, an account deactivated or a role changed is noticed by
*other* worker processes up to that many seconds late. ``forget_account`` (called by
``deactivate_account``) ends the account's tokens in the current process at once. Browser
sessions are never cached: a sign-out ends them immediately.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from flask import current_app

from app.access import Principal
from app.models import utcnow

MAX_ENTRIES = 20_000  # a province's officers, with room; beyond this the oldest half goes
_LOCK = threading.Lock()
clock = time.monotonic  # tests move it forward instead of sleeping
_next_sweep = [0.0]  # when ``remember`` next drops the expired entries (at most once a TTL)


def _entries() -> dict[str, tuple[float, Principal]]:
    return current_app.extensions.setdefault("osa_token_cache", {})


def _ttl() -> float:
    return float(current_app.config.get("API_TOKEN_CACHE_SECONDS", 0) or 0)


def lookup(digest: str) -> Principal | None:
    """The principal remembered for ``digest`` if it is still fresh, else None."""
    if _ttl() <= 0:
        return None
    hit = _entries().get(digest)
    if hit is None or hit[0] <= clock():
        return None
    return hit[1]


def remember(digest: str, principal: Principal, expires_at: datetime) -> None:
    """Keep ``principal`` for the configured time, never past the token's ``expires_at``."""
    configured = _ttl()
    if configured <= 0:
        return
    ttl = min(configured, (expires_at - utcnow()).total_seconds())
    entries, now = _entries(), clock()
    with _LOCK:
        if now >= _next_sweep[0]:  # expired entries would otherwise stay until MAX_ENTRIES
            for key in [k for k, (until, _p) in entries.items() if until <= now]:
                del entries[key]
            _next_sweep[0] = now + configured
        if len(entries) >= MAX_ENTRIES:
            for key in list(entries)[: MAX_ENTRIES // 2]:
                del entries[key]
        entries[digest] = (now + ttl, principal)


def forget_account(account_id: int) -> None:
    """Drop every remembered token of ``account_id`` in this process."""
    entries = _entries()
    with _LOCK:
        for key in [k for k, (_until, p) in entries.items() if p.account_id == account_id]:
            del entries[key]
