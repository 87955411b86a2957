"""Scoped reads of survey data: every query filters by the caller's grants in SQL.

``responses_in_scope`` is the entry point for statistics (issue #7): it can be restricted
to verified responses (those that came with a registered dossier code) and excludes
responses flagged as part of a suspicious burst unless asked otherwise.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.access import Perm, scope_clause
from app.extensions import db
from app.models import (
    Feedback,
    FeedbackState,
    QuestionType,
    SurveyAnswer,
    SurveyChannel,
    SurveyQuestion,
    SurveyResponse,
    Unit,
)


def responses_in_scope(
    perm: Perm = Perm.SURVEYS_VIEW,
    *,
    verified_only: bool = False,
    include_flagged: bool = False,
    since: date | None = None,
) -> sa.Select:
    """SELECT of SurveyResponse rows in the caller's scope, with the usual filters."""
    stmt = (
        sa.select(SurveyResponse)
        .join(Unit, SurveyResponse.unit_id == Unit.id)
        .where(scope_clause(perm, Unit.path))
    )
    if verified_only:
        stmt = stmt.where(SurveyResponse.verified.is_(True))
    if not include_flagged:
        stmt = stmt.where(SurveyResponse.flagged.is_(False))
    if since is not None:
        stmt = stmt.where(SurveyResponse.day >= since)
    return stmt


def counts_by_unit(*, verified_only: bool = False, since: date | None = None) -> list[sa.Row]:
    """Per unit in scope: (unit, responses, verified, flagged, kiosk, qr, dossier, paper)."""
    base = responses_in_scope(verified_only=verified_only, include_flagged=True, since=since)
    r = base.subquery()
    kinds = [
        sa.func.sum(sa.case((r.c.channel_kind == kind, 1), else_=0)).label(kind)
        for kind in ("kiosk", "qr", "dossier", "paper")
    ]
    stmt = (
        sa.select(
            Unit,
            sa.func.count(r.c.id).label("total"),
            sa.func.sum(sa.case((r.c.verified.is_(True), 1), else_=0)).label("verified"),
            sa.func.sum(sa.case((r.c.flagged.is_(True), 1), else_=0)).label("flagged"),
            *kinds,
        )
        .join(r, r.c.unit_id == Unit.id)
        .group_by(Unit.id)
        .order_by(Unit.path)
    )
    return list(db.session.execute(stmt))


def comments_in_scope(limit: int = 200) -> list[sa.Row]:
    """Latest free-text answers in scope: (day, unit name, question text, text)."""
    r = responses_in_scope(include_flagged=True).subquery()
    stmt = (
        sa.select(r.c.day, Unit.name, SurveyQuestion.text, SurveyAnswer.text)
        .join(SurveyAnswer, SurveyAnswer.response_id == r.c.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(Unit, Unit.id == r.c.unit_id)
        .where(SurveyQuestion.qtype == QuestionType.TEXT, SurveyAnswer.text != "")
        .order_by(r.c.day.desc(), Unit.path)
        .limit(limit)
    )
    return list(db.session.execute(stmt))


def channels_in_scope(perm: Perm = Perm.SURVEYS_VIEW) -> list[SurveyChannel]:
    stmt = (
        sa.select(SurveyChannel)
        .join(Unit, SurveyChannel.unit_id == Unit.id)
        .where(scope_clause(perm, Unit.path))
        .order_by(Unit.path, SurveyChannel.kind, SurveyChannel.counter, SurveyChannel.id)
    )
    return list(db.session.scalars(stmt))


def channel_in_scope_or_none(channel_id: int, perm: Perm) -> SurveyChannel | None:
    stmt = (
        sa.select(SurveyChannel)
        .join(Unit, SurveyChannel.unit_id == Unit.id)
        .where(SurveyChannel.id == channel_id, scope_clause(perm, Unit.path))
    )
    return db.session.scalar(stmt)


def feedback_in_scope(state: FeedbackState | None = None) -> list[Feedback]:
    stmt = (
        sa.select(Feedback)
        .join(Unit, Feedback.unit_id == Unit.id)
        .where(scope_clause(Perm.SURVEYS_VIEW, Unit.path))
        .order_by(Feedback.received_at.desc(), Feedback.id.desc())
    )
    if state is not None:
        stmt = stmt.where(Feedback.state == state)
    return list(db.session.scalars(stmt.limit(500)))


def feedback_in_scope_or_none(item_id: int, perm: Perm) -> Feedback | None:
    stmt = (
        sa.select(Feedback)
        .join(Unit, Feedback.unit_id == Unit.id)
        .where(Feedback.id == item_id, scope_clause(perm, Unit.path))
    )
    return db.session.scalar(stmt)
