"""Abuse resistance for the public survey paths, kept out of the database.

Everything here lives in the rate limiter's storage (memory, or Redis when ``REDIS_URL``
is set, shared by every worker): per-address and per-device request limits, the minimum
interval between two ratings on one kiosk, and the detector of suspicious bursts (many
identical answers from one channel within minutes). The network address is used as a
limiter key only; it is never written with a response.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from app.extensions import counter_storage, limiter

DEVICE_HEADER = "X-Device-Token"
DEFAULTS = {
    "SURVEY_LIMIT_ADDRESS": "30 per 10 minutes",
    "SURVEY_LIMIT_DEVICE": "240 per hour",
    "SURVEY_KIOSK_MIN_INTERVAL": 8,  # seconds between two accepted kiosk ratings
    "SURVEY_BURST_LIMIT": "6 per 10 minutes",  # identical answers per channel
    "SURVEY_LIMIT_LOOKUP": "30 per 10 minutes",  # dossier-code look-ups per address
    "SURVEY_KIOSK_IDLE_SECONDS": 20,  # a kiosk resets (and sends what it has) when idle
}


def setting(name: str) -> Any:
    return current_app.config.get(name, DEFAULTS[name])


def device_token() -> str:
    return request.headers.get(DEVICE_HEADER, "").strip()[:200]


def has_device_token() -> bool:
    return bool(device_token())


def address_key() -> str:
    return "survey-addr:" + (get_remote_address() or "-")


def device_key() -> str:
    return "survey-dev:" + hashlib.sha256(device_token().encode()).hexdigest()[:32]


def address_limit() -> str:
    return setting("SURVEY_LIMIT_ADDRESS")


def device_limit() -> str:
    return setting("SURVEY_LIMIT_DEVICE")


def caller_key() -> str:
    """The limiter key of the caller: its kiosk device token if it sends one, else its address."""
    return device_key() if has_device_token() else address_key()


def caller_limit() -> str:
    return device_limit() if has_device_token() else address_limit()


def limit_public_post(view):
    """Per-device limit for kiosks, per-address limit for everyone else (one check)."""
    return limiter.limit(caller_limit, key_func=caller_key, methods=["POST"])(view)


def lookup_limit() -> str:
    return setting("SURVEY_LIMIT_LOOKUP")


def limit_public_get(view):
    """Per-address limit on look-ups that could enumerate dossier codes."""
    return limiter.limit(lookup_limit, key_func=address_key, methods=["GET"])(view)


def _moving_window() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(counter_storage())


def kiosk_interval_free(channel_id: int, key: str = "") -> bool:
    """True (and the interval starts again) if the kiosk's last rating is old enough.

    Also True for a retry of the very submission that started the interval (same
    idempotency ``key``): if that one was not stored — the database failed after the
    interval was counted — the kiosk's retry must not be refused as "too soon" (a retry of
    a stored one never gets here: it is answered as a duplicate first).
    """
    seconds = int(setting("SURVEY_KIOSK_MIN_INTERVAL"))
    if seconds <= 0:
        return True
    item = parse(f"1 per {seconds} second")
    holder = item.key_for("survey-kiosk-key", str(channel_id), key)
    if _moving_window().hit(item, "survey-kiosk", str(channel_id)):
        if key:
            counter_storage().incr(holder, seconds)
        return True
    return bool(key) and counter_storage().get(holder) > 0


def answers_fingerprint(answers: Any) -> str:
    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def is_burst(channel_ref: str, answers: Any) -> bool:
    """True when this channel has sent these same answers too often within the window."""
    item = parse(setting("SURVEY_BURST_LIMIT"))
    window = FixedWindowRateLimiter(counter_storage())  # a counter: cheap at any volume
    return not window.hit(item, "survey-burst", channel_ref, answers_fingerprint(answers))
