"""Storing a citizen's response, identical for every channel. Callers commit.

Order matters: answers are checked first (nothing is claimed for invalid input), then a
retried submission is recognised by its idempotency key (and answered "already stored"),
then the kiosk interval and the burst detector run, and only then is a dossier code
claimed and the response written, all in the caller's one transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import TZ
from app.models import (
    ChannelKind,
    QuestionnaireState,
    QuestionnaireVersion,
    SubmissionKey,
    SurveyAnswer,
    SurveyChannel,
    SurveyResponse,
)
from app.surveys import guard
from app.surveys.answers import check_answers
from app.surveys.dossiers import claim_dossier, find_dossier
from app.surveys.specs import VersionSpec, current_spec, version_spec

# Plain table inserts, built once: compiled once and cached by SQLAlchemy (the hot path
# of a surge, inside the write transaction).
_INSERT_KEY = SubmissionKey.__table__.insert()
_INSERT_RESPONSE = SurveyResponse.__table__.insert()
_INSERT_ANSWERS = SurveyAnswer.__table__.insert()


class TooSoon(Exception):
    """The kiosk's minimum interval between two ratings has not passed."""


class ChannelClosed(Exception):
    """The channel is revoked, or its questionnaire has no published version."""


class ChannelRow(Protocol):
    """What a submission reads of its channel: the model, or a plain row of its table."""

    id: int
    code: str
    kind: ChannelKind
    unit_id: int
    officer_id: int | None
    duty_officer_id: int | None
    questionnaire_id: int
    short_form: bool
    active: bool


@dataclass
class Target:
    """What a submission is about: version, channel, unit and the officer rated."""

    version: QuestionnaireVersion | VersionSpec
    kind: ChannelKind
    unit_id: int
    officer_id: int | None
    channel: ChannelRow | SurveyChannel | None = None
    short: bool = False
    dossier_code: str = ""
    procedure: str | None = None  # the dossier's procedure, kept for statistics
    paper_batch_id: int | None = None
    paper_form_no: int | None = None


def today() -> date:
    """The local date: the only time a response keeps."""
    return datetime.now(TZ).date()


def channel_target(channel: ChannelRow | SurveyChannel, version_id: int | None = None) -> Target:
    """The target of a kiosk / QR / paper channel (ChannelClosed if unusable).

    ``version_id``: the current version when the caller already read it with the channel.
    """
    if not channel.active:
        raise ChannelClosed()
    version = version_spec(version_id) if version_id else current_spec(channel.questionnaire_id)
    if version is None:
        raise ChannelClosed()
    officer = channel.duty_officer_id if channel.kind is ChannelKind.KIOSK else None
    return Target(
        version=version,
        kind=channel.kind,
        unit_id=channel.unit_id,
        officer_id=officer or channel.officer_id,
        channel=channel,
        short=channel.short_form,
    )


def dossier_target(code: str, version: QuestionnaireVersion | VersionSpec) -> Target:
    """The target for a dossier code (DossierError if unknown or used; nothing claimed)."""
    dossier = find_dossier(code)
    return Target(
        version=version,
        kind=ChannelKind.DOSSIER,
        unit_id=dossier.unit_id,
        officer_id=dossier.officer_id,
        dossier_code=dossier.code,
        procedure=dossier.procedure or None,
    )


def _key_known(channel: ChannelRow | SurveyChannel, key: str) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.literal(1)).where(
                SubmissionKey.channel_id == channel.id, SubmissionKey.key == key
            )
        )
        is not None
    )


def burst_ref(channel_code: str) -> str:
    """The burst detector's key of a channel (its public code; "dossier" for dossier codes)."""
    return channel_code.strip().upper()[:20] or "dossier"


def submit_response(
    target: Target,
    answers: dict,
    *,
    key: str = "",
    drop_hidden: bool = False,
    burst: bool | None = None,
) -> SurveyResponse | None:
    """Store one response; None when ``key`` shows it was stored before.

    The idempotency key is the first row written: if it already exists (a retry, even a
    concurrent one) the transaction is rolled back — nothing else was written yet — and
    None is returned. ``burst`` is the burst detector's verdict when the caller asked it
    before opening the transaction (the API does, so no network call holds a database
    lock). Raises AnswerError, TooSoon (kiosk interval), DossierError.
    """
    if target.version.state is not QuestionnaireState.PUBLISHED:
        raise ChannelClosed()
    rows = check_answers(target.version, answers, short=target.short, drop_hidden=drop_hidden)
    channel = target.channel
    is_kiosk = channel is not None and channel.kind is ChannelKind.KIOSK
    key = key if channel is not None else ""
    if key and is_kiosk and _key_known(channel, key):
        return None  # answered before the interval check: a retry is never "too soon"
    if is_kiosk and not guard.kiosk_interval_free(channel.id, key):
        raise TooSoon()
    if burst is None:
        burst = guard.is_burst(burst_ref(channel.code if channel else ""), answers)
    if key:
        try:
            _connection().execute(
                _INSERT_KEY, {"channel_id": channel.id, "key": key, "day": today()}
            )
        except IntegrityError:
            db.session.rollback()
            return None
    if target.dossier_code:
        claim_dossier(target.dossier_code)
    return _store(target, rows, burst)


def _connection() -> sa.Connection:
    """The session's connection, for plain inserts that the ORM need not track (after
    flushing what it holds, so that rows they refer to exist)."""
    db.session.flush()
    return db.session.connection()


def _store(target: Target, rows: list[SurveyAnswer], flagged: bool) -> SurveyResponse:
    """Two INSERTs (Core: the hot path of a surge); returns the row as a detached object."""
    values = {
        "id": uuid.uuid4().hex,
        "version_id": target.version.id,
        "channel_kind": target.kind,
        "channel_id": target.channel.id if target.channel is not None else None,
        "unit_id": target.unit_id,
        "officer_id": target.officer_id,
        "day": today(),
        "verified": bool(target.dossier_code),
        "flagged": flagged,
        "procedure": target.procedure,
        "paper_batch_id": target.paper_batch_id,
        "paper_form_no": target.paper_form_no,
    }
    connection = _connection()
    connection.execute(_INSERT_RESPONSE, values)
    if rows:
        connection.execute(
            _INSERT_ANSWERS,
            [
                {
                    "response_id": values["id"],
                    "question_id": r.question_id,
                    "choice": r.choice or "",
                    "number": r.number,
                    "text": r.text,
                }
                for r in rows
            ],
        )
    return SurveyResponse(**values)


def purge_submission_keys(older_than_days: int = 30) -> int:
    """Delete idempotency keys older than the given number of days; returns how many."""
    cutoff = today().toordinal() - older_than_days
    result = db.session.execute(
        sa.delete(SubmissionKey).where(SubmissionKey.day < date.fromordinal(cutoff))
    )
    return result.rowcount or 0
