"""Flask extensions, created unbound here and initialised in ``create_app``."""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits.storage import Storage, storage_from_string

from app.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Storage is chosen from config (RATELIMIT_STORAGE_URI: Redis when REDIS_URL is set).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def counter_storage() -> Storage:
    """The storage the survey counters use (burst detector, kiosk interval).

    The limiter's own storage when rate limiting is on. With ``RATELIMIT_ENABLED = False``
    Flask-Limiter creates no storage at all, but the burst detector and the kiosk interval
    are product rules rather than rate limits, so they keep counting in a storage of their
    own, built once per app from ``RATELIMIT_STORAGE_URI`` (Redis when ``REDIS_URL`` is set).
    """
    if limiter.enabled:
        return limiter.storage
    storage = current_app.extensions.get("counter_storage")
    if storage is None:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        storage = current_app.extensions["counter_storage"] = storage_from_string(uri)
    return storage
