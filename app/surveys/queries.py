"""Scoped reads of survey data: every query filters by the caller's grants in SQL.

``response_conditions`` is the one place that turns a ``ResponseFilter`` (period, unit
sub-tree, counter, officer, procedure, channel, verified only) into SQL; the statistics
(issue #7, ``app.analytics.satisfaction``), the comment browser and the API export all use
it. Responses flagged as part of a suspicious burst are left out unless asked otherwise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.access import Perm, scope_clause
from app.database import sql_fold
from app.extensions import db
from app.models import (
    ChannelKind,
    Feedback,
    FeedbackState,
    QuestionnaireVersion,
    QuestionType,
    SurveyAnswer,
    SurveyChannel,
    SurveyQuestion,
    SurveyResponse,
    Unit,
)
from app.text import fold


@dataclass(frozen=True)
class ResponseFilter:
    """Which responses to count; empty fields do not filter. Dates are inclusive."""

    questionnaire_id: int | None = None
    start: date | None = None
    end: date | None = None
    unit_path: str = ""  # the unit and its sub-tree
    counter: str = ""
    officer_id: int | None = None
    procedure: str = ""
    channel: ChannelKind | None = None
    verified_only: bool = False
    include_flagged: bool = False
    # no scope condition: for the periodic report of a unit (its route checks the unit) and
    # the command line; never set from a request's arguments
    unscoped: bool = False


def response_conditions(
    f: ResponseFilter, perm: Perm = Perm.SURVEYS_VIEW, src=SurveyResponse
) -> list[sa.ColumnElement[bool]]:
    """WHERE conditions for ``f`` within scope, on ``src`` joined to its Unit.

    ``src`` is SurveyResponse or a table with the same dimension columns (the monthly
    rollups, which have no ``day``: their dates are chosen by the caller).
    """
    where = [] if f.unscoped else [scope_clause(perm, Unit.path)]
    if f.unit_path:
        where.append(Unit.path.startswith(f.unit_path, autoescape=True))
    if f.questionnaire_id is not None:
        versions = sa.select(QuestionnaireVersion.id).where(
            QuestionnaireVersion.questionnaire_id == f.questionnaire_id
        )
        where.append(src.version_id.in_(versions.scalar_subquery()))
    dated = hasattr(src, "day")
    optional = (
        (f.start and dated, lambda: src.day >= f.start),
        (f.end and dated, lambda: src.day <= f.end),
        (f.officer_id, lambda: src.officer_id == f.officer_id),
        (f.procedure, lambda: src.procedure == f.procedure),
        (f.channel, lambda: src.channel_kind == f.channel),
        (f.verified_only, lambda: src.verified.is_(True)),
        (not f.include_flagged, lambda: src.flagged.is_(False)),
    )
    where += [make() for value, make in optional if value]
    if f.counter:
        counters = sa.select(SurveyChannel.id).where(SurveyChannel.counter == f.counter)
        where.append(src.channel_id.in_(counters.scalar_subquery()))
    return where


def filtered_responses(f: ResponseFilter, *columns, perm: Perm = Perm.SURVEYS_VIEW) -> sa.Select:
    """SELECT ``columns`` FROM survey_responses JOIN units WHERE the filter holds."""
    return (
        sa.select(*columns)
        .select_from(SurveyResponse)
        .join(Unit, SurveyResponse.unit_id == Unit.id)
        .where(*response_conditions(f, perm))
    )


def responses_in_scope(
    perm: Perm = Perm.SURVEYS_VIEW,
    *,
    verified_only: bool = False,
    include_flagged: bool = False,
    since: date | None = None,
) -> sa.Select:
    """SELECT of SurveyResponse rows in the caller's scope, with the usual filters."""
    f = ResponseFilter(start=since, verified_only=verified_only, include_flagged=include_flagged)
    return filtered_responses(f, SurveyResponse, perm=perm)


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


def _comments(f: ResponseFilter, question_ids: Collection[int] | None, search: str):
    """The comments matching the filters, driven by the answers index on question."""
    r, a = SurveyResponse, SurveyAnswer
    if question_ids is None:
        texts = sa.select(SurveyQuestion.id).where(SurveyQuestion.qtype == QuestionType.TEXT)
        question_ids = list(db.session.scalars(texts))
    stmt = (
        sa.select(r.day, Unit.name, SurveyQuestion.text, a.text)
        .select_from(a)
        .join(r, r.id == a.response_id)
        .join(Unit, Unit.id == r.unit_id)
        .join(SurveyQuestion, SurveyQuestion.id == a.question_id)
        .where(a.question_id.in_(sorted(question_ids)), a.text != "", *response_conditions(f))
    )
    folded = sql_fold(a.text, db.engine.dialect.name)
    for word in fold(search).split()[:8]:
        stmt = stmt.where(folded.contains(word, autoescape=True))
    return stmt


def comments_in_scope(
    f: ResponseFilter | None = None,
    *,
    question_ids: Collection[int] | None = None,
    search: str = "",
    limit: int = 200,
    offset: int = 0,
) -> list[sa.Row]:
    """Free-text answers in scope, newest day first: (day, unit name, question text, text).

    ``search`` matches every word, ignoring case and diacritics ("thai do" finds "Thái độ").
    Without a filter, flagged responses are included (the comment may still matter).
    """
    f = f if f is not None else ResponseFilter(include_flagged=True)
    stmt = _comments(f, question_ids, search)
    stmt = stmt.order_by(SurveyResponse.day.desc(), Unit.path, SurveyAnswer.response_id)
    return list(db.session.execute(stmt.limit(limit).offset(offset)))


def count_comments(
    f: ResponseFilter, *, question_ids: Collection[int] | None = None, search: str = ""
) -> int:
    """How many comments ``comments_in_scope`` would page through."""
    inner = _comments(f, question_ids, search).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(inner)) or 0


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
