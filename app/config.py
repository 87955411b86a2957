"""Configuration read from the environment, with safe defaults for a single machine.

Secrets never live in the repository: ``SECRET_KEY`` comes from the environment or is
generated once into ``instance/secret_key``. ``instance/config.py`` (optional, git-ignored)
may override anything for a deployment.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar


def _instance_secret(instance_path: str) -> str:
    """Return the secret key stored in the instance folder, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when two workers start at once only one writes; the other reads it back.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production defaults; ``load(instance_path)`` fills in what depends on the instance."""

    SQLALCHEMY_DATABASE_URI = ""
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    REDIS_URL = ""
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"
    LOGIN_RATE_LIMIT = "10 per 5 minutes"  # failed sign-ins per user name
    LOGIN_ADDRESS_RATE_LIMIT = "60 per 5 minutes"  # failed sign-ins per network address
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # uploads above this get 413
    UPLOAD_DIR = ""
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set COOKIE_SECURE=1 behind HTTPS
    SESSION_COOKIE_NAME = "osa_session"
    # An exam can last two hours; the session must outlive it with margin.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
    SESSION_IDLE_TIMEOUT = timedelta(hours=3)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    API_TITLE = "onestop-assess API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    API_TOKEN_LIFETIME = timedelta(days=30)
    # A resolved bearer token is remembered this long per worker process (0: never), so a
    # deactivation reaches the other workers up to this many seconds late (app/auth/token_cache).
    API_TOKEN_CACHE_SECONDS = 5
    TIMEZONE = "Asia/Ho_Chi_Minh"
    PAGE_SIZE = 50
    EXAM_GRACE_SECONDS = 30  # answers this long after the deadline are still accepted
    ITEM_STATS_MIN_N = 20  # attempts before an item's statistics flag it or steer the draw
    CHART_CACHE_DIR = ""  # rendered charts; default instance/cache/charts
    # Reverse proxies in front (nginx: 1). Their X-Forwarded-For/-Proto then give the
    # client's address (rate limits key on it) and scheme; 0 trusts no such header.
    TRUSTED_PROXIES = 0
    # HR policy (PRODUCT.md "Policy defaults"); every one can be set from the environment.
    POLICY_COMMEND_MIN_PERIODS = 2  # met the requirement at least this often in the window
    POLICY_WINDOW_PERIODS = 10  # the programme's window: the latest N periods (5 years)
    POLICY_SATISFACTION_THRESHOLD = 0.8  # share satisfied (top two levels) expected
    POLICY_MIN_RATINGS = 30  # fewer ratings than this never put anyone on a list
    PASS_RATE_BASELINE = 0.58  # the seed's 2016 pass rate, drawn as a reference line
    # Period verdict rule (app/hr/verdicts.py): "all_required" | "knowledge_only" |
    # "knowledge_and_communication"; a missing component is never a pass.
    VERDICT_RULE = "all_required"
    TESTING = False

    @classmethod
    def load(cls, instance_path: str) -> dict:
        """Return the settings as a dict, resolving environment and instance defaults."""
        settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        sqlite_path = Path(instance_path) / "onestop.sqlite3"
        settings["SQLALCHEMY_DATABASE_URI"] = os.environ.get(
            "DATABASE_URL", cls.SQLALCHEMY_DATABASE_URI or f"sqlite:///{sqlite_path}"
        )
        settings["SECRET_KEY"] = os.environ.get("SECRET_KEY") or _instance_secret(instance_path)
        settings["REDIS_URL"] = os.environ.get("REDIS_URL", cls.REDIS_URL)
        if settings["REDIS_URL"]:
            settings["RATELIMIT_STORAGE_URI"] = settings["REDIS_URL"]
        settings["SESSION_COOKIE_SECURE"] = _env_bool("COOKIE_SECURE", cls.SESSION_COOKIE_SECURE)
        settings["UPLOAD_DIR"] = os.environ.get("UPLOAD_DIR") or str(
            Path(instance_path) / "uploads"
        )
        settings["CHART_CACHE_DIR"] = os.environ.get("CHART_CACHE_DIR") or str(
            Path(instance_path) / "cache" / "charts"
        )
        settings["TRUSTED_PROXIES"] = int(os.environ.get("TRUSTED_PROXIES", cls.TRUSTED_PROXIES))
        settings["API_TOKEN_CACHE_SECONDS"] = float(
            os.environ.get("API_TOKEN_CACHE_SECONDS", cls.API_TOKEN_CACHE_SECONDS)
        )
        for name in ("POLICY_COMMEND_MIN_PERIODS", "POLICY_WINDOW_PERIODS", "POLICY_MIN_RATINGS"):
            settings[name] = int(os.environ.get(name, getattr(cls, name)))
        settings["VERDICT_RULE"] = os.environ.get("VERDICT_RULE", cls.VERDICT_RULE)
        threshold = os.environ.get("POLICY_SATISFACTION_THRESHOLD")
        if threshold:
            settings["POLICY_SATISFACTION_THRESHOLD"] = float(threshold)
        return settings


class TestConfig(Config):
    """Used by the test suite; the database URL is chosen by the fixtures."""

    TESTING = True
    WTF_CSRF_ENABLED = True  # tests that need to skip CSRF fetch a token instead
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "5 per minute"
    # Test accounts are created by the hundred; production keeps scrypt (tested).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105
