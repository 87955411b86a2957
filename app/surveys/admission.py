"""Admitting a citizen's API submission: caller limit and burst detector in one round trip.

The per-address (or per-kiosk-device) limit and the burst detector are two fixed-window
counters in the rate limiter's storage. With Redis they are counted by one Lua script —
one network round trip per submission instead of four (Flask-Limiter's hit, the
detector's hit, and the two reads behind its ``X-RateLimit`` headers); with any other
storage (memory, in tests and single-process runs) by the ``limits`` strategies. Both
ways use the same keys and the same rules: a refused caller's answers are not counted
by the detector, the counters live in the ``LIMITS:`` namespace (``limiter.reset()``
clears them), and a storage that does not answer raises ``RedisError`` (a 503).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import Response, after_this_request, current_app
from limits import RateLimitItem, parse
from limits.storage import RedisClusterStorage, RedisStorage

from app.extensions import counter_storage, limiter
from app.surveys import guard

SCOPE = "survey-submit"
# KEYS: caller counter, burst counter. ARGV: caller expiry, caller amount, burst expiry.
# Returns {caller count, caller seconds to reset, burst count (-1: not counted)}.
SCRIPT = """
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('expire', KEYS[1], ARGV[1]) end
local ttl = redis.call('ttl', KEYS[1])
if n > tonumber(ARGV[2]) then return {n, ttl, -1} end
local b = redis.call('incr', KEYS[2])
if b == 1 then redis.call('expire', KEYS[2], ARGV[3]) end
return {n, ttl, b}
"""


class Limited(Exception):
    """The caller's limit is used up; ``retry_after`` in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Admission:
    flagged: bool  # the burst detector's verdict: stored, but flagged for review
    limit: int
    remaining: int
    reset_at: int  # epoch seconds


def admit_submission(channel_ref: str, answers: Any) -> Admission:
    """Count this submission against its caller's limit and the burst detector.

    Raises Limited when the caller is over its limit (the detector is then left alone),
    and the storage's own errors (RedisError) when it does not answer.
    """
    caller = parse(guard.caller_limit())
    burst = parse(guard.setting("SURVEY_BURST_LIMIT"))
    caller_key = caller.key_for(SCOPE, guard.caller_key())
    burst_key = burst.key_for("survey-burst", channel_ref, guard.answers_fingerprint(answers))
    if not limiter.enabled:  # RATELIMIT_ENABLED = False: the detector still counts
        count = counter_storage().incr(burst_key, burst.get_expiry())
        return Admission(count > burst.amount, caller.amount, caller.amount, 0)
    count, ttl, burst_count = _count(caller, caller_key, burst, burst_key)
    admission = Admission(
        flagged=burst_count > burst.amount,
        limit=caller.amount,
        remaining=max(0, caller.amount - count),
        reset_at=int(time.time()) + max(ttl, 0),
    )
    refused = count > caller.amount
    _add_headers(admission, retry_after=max(ttl, 1) if refused else None)
    if refused:
        raise Limited(max(ttl, 1))
    return admission


def _count(
    caller: RateLimitItem, caller_key: str, burst: RateLimitItem, burst_key: str
) -> tuple[int, int, int]:
    storage = limiter.storage
    if isinstance(storage, RedisStorage) and not isinstance(storage, RedisClusterStorage):
        script = getattr(storage, "_survey_admit", None)
        if script is None:
            script = storage.get_connection().register_script(SCRIPT)
            storage._survey_admit = script  # one registration per storage
        keys = [storage.prefixed_key(caller_key), storage.prefixed_key(burst_key)]
        n, ttl, b = script(keys, [caller.get_expiry(), caller.amount, burst.get_expiry()])
        return int(n), int(ttl), int(b)
    count = storage.incr(caller_key, caller.get_expiry())
    ttl = int(storage.get_expiry(caller_key) - time.time())
    if count > caller.amount:
        return count, ttl, -1
    return count, ttl, storage.incr(burst_key, burst.get_expiry())


def _add_headers(admission: Admission, retry_after: int | None) -> None:
    """The ``X-RateLimit-*`` headers Flask-Limiter would send (and Retry-After on a 429)."""
    if not current_app.config.get("RATELIMIT_HEADERS_ENABLED"):
        return

    @after_this_request
    def headers(response: Response) -> Response:
        response.headers["X-RateLimit-Limit"] = str(admission.limit)
        response.headers["X-RateLimit-Remaining"] = str(admission.remaining)
        response.headers["X-RateLimit-Reset"] = str(admission.reset_at)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response
