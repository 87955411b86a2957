"""Channels: kiosks (with a revocable device token), QR codes and paper forms. Callers commit.

A kiosk's token is shown once and stored as a SHA-256 hash, like API tokens. The public
channel code (in QR links) grants nothing by itself: a kiosk channel answers only to
its device token.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.extensions import db
from app.models import ChannelKind, Person, Questionnaire, SurveyChannel, Unit, utcnow
from app.text import squash

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud, typed by hand


class ChannelError(ValueError):
    """A channel rule was broken; the message is shown to the user."""


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_channel(
    kind: ChannelKind,
    unit: Unit,
    questionnaire: Questionnaire,
    *,
    label: str = "",
    counter: str = "",
    officer: Person | None = None,
    code: str | None = None,
) -> SurveyChannel:
    """A new active channel with a fresh public code (kiosks use the short form)."""
    if kind is ChannelKind.DOSSIER:
        raise ChannelError(_l("Kênh mã hồ sơ không cần tạo: mã hồ sơ được đăng ký qua API."))
    if officer is not None and not officer.unit.is_within(unit):
        raise ChannelError(_l("Công chức được đánh giá phải thuộc đơn vị của kênh."))
    channel = SurveyChannel(
        code=code or new_code(),
        kind=kind,
        unit=unit,
        questionnaire=questionnaire,
        label=squash(label)[:200],
        counter=squash(counter)[:60],
        officer=officer,
        short_form=kind is ChannelKind.KIOSK,
    )
    db.session.add(channel)
    db.session.flush()
    record_audit("survey.channel_create", channel, after={"kind": kind.value, "code": channel.code})
    return channel


def issue_device_token(channel: SurveyChannel, token: str | None = None) -> str:
    """A new device token for a kiosk (the old one stops working); returns it in clear."""
    if channel.kind is not ChannelKind.KIOSK:
        raise ChannelError(_l("Chỉ kênh máy khảo sát tại quầy mới có mã thiết bị."))
    clear = token or secrets.token_urlsafe(32)
    channel.token_hash = hash_token(clear)
    channel.active, channel.revoked_at = True, None
    record_audit("survey.device_token_issue", channel)
    return clear


def revoke_channel(channel: SurveyChannel) -> None:
    """Stop a channel at once: its kiosk token and QR code are refused from now on."""
    channel.active = False
    channel.revoked_at = utcnow()  # the token hash stays, so a revoked kiosk is told so
    record_audit("survey.channel_revoke", channel, before={"active": True}, after={"active": False})


def channel_by_code(code: str) -> SurveyChannel | None:
    code = (code or "").strip().upper()[:20]
    return db.session.scalar(sa.select(SurveyChannel).where(SurveyChannel.code == code))


def kiosk_for_token(token: str) -> SurveyChannel | None:
    """The kiosk whose device token is ``token`` (check ``active``: it may be revoked)."""
    if not token:
        return None
    return db.session.scalar(
        sa.select(SurveyChannel).where(
            SurveyChannel.token_hash == hash_token(token),
            SurveyChannel.kind == ChannelKind.KIOSK,
        )
    )


def set_duty_officer(channel: SurveyChannel, person: Person | None) -> None:
    """Record who serves at the kiosk's counter from now on (None: nobody named)."""
    if person is not None and not person.unit.is_within(channel.unit):
        raise ChannelError(_l("Công chức trực quầy phải thuộc đơn vị của máy khảo sát."))
    before = {"duty_officer_id": channel.duty_officer_id}
    channel.duty_officer = person
    channel.duty_since = utcnow() if person else None
    record_audit(
        "survey.duty_set",
        channel,
        before=before,
        after={"duty_officer_id": person.id if person else None},
    )
