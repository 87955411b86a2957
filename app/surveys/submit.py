"""From a public request to a response target: channel code, kiosk token or dossier code.

Shared by the JSON API and the HTML pages, so every channel obeys the same rules. The
errors are plain exceptions; each caller turns them into its own kind of answer.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.database import read_connection
from app.extensions import db
from app.models import (
    ChannelKind,
    Questionnaire,
    QuestionnaireState,
    QuestionnaireVersion,
    SurveyChannel,
)
from app.surveys.channels import channel_by_code, hash_token, kiosk_for_token
from app.surveys.responses import (
    ChannelClosed,
    ChannelRow,
    Target,
    channel_target,
    dossier_target,
)
from app.surveys.specs import VersionSpec, current_spec, current_version_id, version_spec

# The hot path of a surge: what a submission needs of its channel, and the channel's current
# version, in one query on the table itself (a plain row, no ORM object), built once: a
# statement reused with bound values skips SQLAlchemy's construction and cache-key work, and
# the row skips the ORM's identity map; about a fifth of a millisecond in all, spent while
# SQLite's write lock is held.
_CHANNELS = SurveyChannel.__table__
_WITH_VERSION = sa.select(
    *(_CHANNELS.c[name] for name in ChannelRow.__annotations__),
    current_version_id(_CHANNELS.c.questionnaire_id).label("current_version_id"),
)
_BY_CODE = _WITH_VERSION.where(_CHANNELS.c.code == sa.bindparam("code"))
_BY_TOKEN = _WITH_VERSION.where(
    _CHANNELS.c.token_hash == sa.bindparam("token_hash"),
    _CHANNELS.c.kind == ChannelKind.KIOSK,
)


def _channel_row(statement: sa.Select, **values: str) -> sa.Row | None:
    """On SQLite, read before the write transaction begins (no write lock held meanwhile:
    writers queue on it, so every microsecond under it counts); elsewhere, or when the
    session is already in a transaction, on the session's own connection."""
    if db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
        with read_connection(db.engine) as conn:
            return conn.execute(statement, values).first()
    return db.session.connection().execute(statement, values).first()


class NotFound(Exception):
    """No such channel (or it is not for public use)."""


class DeviceRejected(Exception):
    """A kiosk channel without a valid device token; ``revoked`` says which case."""

    def __init__(self, revoked: bool):
        super().__init__("revoked" if revoked else "missing")
        self.revoked = revoked


def public_channel(code: str) -> SurveyChannel:
    """An active QR or paper channel, or a kiosk's (for reading only); NotFound otherwise."""
    channel = channel_by_code(code)
    if channel is None or channel.kind is ChannelKind.DOSSIER:
        raise NotFound()
    if not channel.active:
        raise ChannelClosed()
    return channel


def kiosk_channel(token: str) -> SurveyChannel:
    """The kiosk of a device token (DeviceRejected when unknown or revoked)."""
    channel = kiosk_for_token(token)
    if channel is None:
        raise DeviceRejected(revoked=False)
    if not channel.active:
        raise DeviceRejected(revoked=True)
    return channel


def latest_dossier_version() -> VersionSpec:
    """The version dossier-code ratings answer (setting SURVEY_DOSSIER_QUESTIONNAIRE)."""
    code = current_app.config.get("SURVEY_DOSSIER_QUESTIONNAIRE", "SIPAS-MC")
    questionnaire_id = db.session.scalar(
        sa.select(Questionnaire.id).where(Questionnaire.code == code)
    )
    spec = current_spec(questionnaire_id) if questionnaire_id is not None else None
    if spec is None:
        raise ChannelClosed()
    return spec


def use_version(target: Target, version_id: int | None) -> None:
    """Answer an older still-published version (a kiosk's queue from before an update)."""
    if not version_id or version_id == target.version.id:
        return
    state = db.session.scalar(
        sa.select(QuestionnaireVersion.state).where(
            QuestionnaireVersion.id == version_id,
            QuestionnaireVersion.questionnaire_id == target.version.questionnaire_id,
        )
    )
    if state is not QuestionnaireState.PUBLISHED:
        raise ValueError(_l("Phiên bản phiếu này không còn được dùng."))
    target.version = version_spec(version_id)


def _kiosk_target(device_token: str, channel_code: str) -> Target:
    """The kiosk of a device token and its current version, in one query."""
    row = _channel_row(_BY_TOKEN, token_hash=hash_token(device_token))
    if row is None:
        raise DeviceRejected(revoked=False)
    if not row.active:
        raise DeviceRejected(revoked=True)
    if channel_code and channel_code.strip().upper() != row.code:
        raise DeviceRejected(revoked=False)
    return channel_target(row, row.current_version_id)


def resolve_target(channel_code: str, dossier_code: str, device_token: str) -> Target:
    """The target of a submission; exactly one of the two codes must be given.

    A kiosk channel needs its device token; a device token alone names its kiosk.
    Raises NotFound, DeviceRejected, ChannelClosed, DossierError, ValueError (both/none).
    """
    if bool(channel_code) == bool(dossier_code) and not device_token:
        raise ValueError(_l("Cần đúng một trong hai: mã kênh khảo sát hoặc mã hồ sơ."))
    if dossier_code:
        return dossier_target(dossier_code, latest_dossier_version())
    if device_token:
        return _kiosk_target(device_token, channel_code)
    row = _channel_row(_BY_CODE, code=channel_code.strip().upper()[:20])
    if row is None or row.kind is ChannelKind.DOSSIER:
        raise NotFound()
    if row.kind is ChannelKind.KIOSK:
        raise DeviceRejected(revoked=False)
    return channel_target(row, row.current_version_id)
