"""Cached item analyses: recomputed when the attempts behind them change, not per page view.

Each cached row carries a *fingerprint*: a cheap SQL aggregate of what the analysis reads —
for an exam, the count, largest id, latest finish time and exact score sum of its finished
attempts plus the count and largest id of its item fixes; for a question, the same over the
finished attempt items holding its versions. A new finished attempt, an annulment, a
re-score or an item fix changes it; a page view compares it (one indexed aggregate) and
recomputes only on a change. ``ALGORITHM`` is part of it, so a new release recomputes.

Services here add and flush; the caller (route or ``flask analytics refresh``) commits.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.analytics import exam_data
from app.analytics.exam_items import ALGORITHM, analyse_exam
from app.analytics.ordering import group_indices
from app.analytics.question_items import analyse_question, exam_facts
from app.extensions import db
from app.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    ItemFix,
    ItemStatsCache,
    QuestionVersion,
    VersionStats,
    utcnow,
)

log = logging.getLogger(__name__)
computations: Counter[str] = Counter()  # recomputations per scope kind (tests, logs)
QUESTION_BATCH = 50


def min_n() -> int:
    """Fewest attempts on a question before it may be flagged (``ITEM_STATS_MIN_N``)."""
    return int(current_app.config.get("ITEM_STATS_MIN_N", 20))


def _scaled_sum(column: Any, factor: float) -> sa.ColumnElement:
    """An exact integer sum of a float column (so the fingerprint never jitters)."""
    return sa.func.coalesce(
        sa.func.sum(sa.cast(sa.func.round(sa.func.coalesce(column, -1.0) * factor), sa.BigInteger)),
        0,
    )


def _fixes(where: sa.ColumnElement[bool]) -> tuple:
    stmt = sa.select(sa.func.count(ItemFix.id), sa.func.max(ItemFix.id)).where(where)
    return tuple(db.session.execute(stmt).one())


def exam_fingerprint(exam_id: int) -> str:
    """What an exam's analysis depends on, as one string."""
    stmt = sa.select(
        sa.func.count(Attempt.id),
        sa.func.max(Attempt.id),
        sa.func.max(Attempt.finished_at),
        _scaled_sum(Attempt.score, 10_000),
    ).where(Attempt.exam_id == exam_id, Attempt.state == AttemptState.FINISHED)
    attempts = tuple(db.session.execute(stmt).one())
    fixes = _fixes(ItemFix.exam_id == exam_id)
    return f"{ALGORITHM}|{min_n()}|{attempts}|{fixes}"


def _versions_of(question_id: int) -> sa.Select:
    return sa.select(QuestionVersion.id).where(QuestionVersion.question_id == question_id)


def question_fingerprint(question_id: int) -> str:
    """What a question's analysis depends on, as one string."""
    versions = _versions_of(question_id)
    stmt = (
        sa.select(
            sa.func.count(AttemptItem.id),
            sa.func.max(AttemptItem.id),
            _scaled_sum(AttemptItem.credit, 1_000_000),
            _scaled_sum(Attempt.score, 10_000),
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.version_id.in_(versions), Attempt.state == AttemptState.FINISHED)
    )
    items = tuple(db.session.execute(stmt).one())
    fixes = _fixes(ItemFix.version_id.in_(versions))
    return f"{ALGORITHM}|{min_n()}|{items}|{fixes}"


# --- storing --------------------------------------------------------------------------------


def _cached(kind: str, scope_id: int) -> ItemStatsCache | None:
    return db.session.scalar(
        sa.select(ItemStatsCache).where(
            ItemStatsCache.scope_kind == kind, ItemStatsCache.scope_id == scope_id
        )
    )


def _store(kind: str, scope_id: int, fingerprint: str, payload: dict) -> ItemStatsCache:
    """Insert or update the cache row (another request may have inserted it meanwhile)."""
    row = _cached(kind, scope_id)
    if row is None:
        try:
            with db.session.begin_nested():
                row = ItemStatsCache(scope_kind=kind, scope_id=scope_id, fingerprint="")
                db.session.add(row)
        except IntegrityError:
            row = _cached(kind, scope_id)
    row.fingerprint, row.payload, row.computed_at = fingerprint, payload, utcnow()
    db.session.flush()
    return row


# --- exams ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedExam:
    """An exam's marks as arrays and the versions they name: what the analysis reads."""

    rows: exam_data.ItemRows
    infos: dict[int, exam_data.VersionInfo]


def load_exam(exam_id: int) -> LoadedExam:
    """The exam's finished attempt items and their versions, from SQL (the slow half)."""
    rows = exam_data.load_exam_rows(exam_id)
    infos = exam_data.version_infos(np.unique(rows.version).tolist(), exam_id)
    return LoadedExam(rows, infos)


def analyse_loaded_exam(loaded: LoadedExam) -> dict[str, Any]:
    """The item analysis payload of a loaded exam (arrays to results, no SQL)."""
    return analyse_exam(loaded.rows, loaded.infos, min_n=min_n())


def compute_exam(exam_id: int) -> dict[str, Any]:
    """The item analysis of an exam, computed now (no cache)."""
    return analyse_loaded_exam(load_exam(exam_id))


def exam_report(exam_id: int) -> ItemStatsCache:
    """The cached analysis of an exam, recomputed (and flushed) if its attempts changed."""
    refresh_exams([exam_id])
    return _cached("exam", exam_id)


# --- questions ------------------------------------------------------------------------------


def _write_version_stats(question_id: int, payload: dict[str, Any]) -> None:
    versions = _versions_of(question_id)
    db.session.execute(sa.delete(VersionStats).where(VersionStats.version_id.in_(versions)))
    for entry in payload.get("versions", []):
        db.session.add(
            VersionStats(
                version_id=entry["version_id"],
                question_id=question_id,
                n=entry["n"],
                facility=entry["facility"],
                discrimination=entry["discrimination_index"],
                needs_checking=bool(entry["flags"]),
                reasons=list(entry["flags"]),
                computed_at=utcnow(),
            )
        )


def compute_questions(question_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Payloads of these questions, from one query over their attempt items."""
    ids = list(question_ids)
    stmt = sa.select(QuestionVersion.id, QuestionVersion.question_id).where(
        QuestionVersion.question_id.in_(ids)
    )
    owner = dict(db.session.execute(stmt).all())
    rows = exam_data.load_question_rows(list(owner))
    infos = exam_data.version_infos(owner)
    exams = exam_facts(np.unique(rows.exam).tolist())
    known = np.array(sorted(owner), dtype=np.int64)
    question_of = np.array([owner[v] for v in known.tolist()], dtype=np.int64)
    row_question = question_of[np.searchsorted(known, rows.version)]
    groups = dict(group_indices(row_question))
    nothing = np.zeros(0, dtype=np.intp)
    payloads = {}
    for question_id in ids:
        versions = {v: i for v, i in infos.items() if i.question_id == question_id}
        subset = rows.take(groups.get(question_id, nothing))
        payloads[question_id] = analyse_question(
            question_id, subset, versions, exams, min_n=min_n()
        )
    return payloads


def _save_question(question_id: int, fingerprint: str, payload: dict) -> ItemStatsCache:
    computations["question"] += 1
    try:
        with db.session.begin_nested():
            _write_version_stats(question_id, payload)
    except IntegrityError:  # another request wrote the same figures meanwhile
        log.info("item analysis: version stats of question %s written concurrently", question_id)
    return _store("question", question_id, fingerprint, payload)


def question_report(question_id: int) -> ItemStatsCache:
    """The cached analysis of a question, recomputed (and flushed) if its attempts changed."""
    refresh_questions([question_id])
    return _cached("question", question_id)


def refresh_questions(question_ids: Iterable[int], *, force: bool = False) -> int:
    """Recompute the stale (or, with ``force``, all) of these questions; returns how many."""
    stale = []
    for question_id in question_ids:
        fingerprint = question_fingerprint(question_id)
        row = _cached("question", question_id)
        if force or row is None or row.fingerprint != fingerprint:
            stale.append((question_id, fingerprint))
    for start in range(0, len(stale), QUESTION_BATCH):
        batch = dict(stale[start : start + QUESTION_BATCH])
        for question_id, payload in compute_questions(batch).items():
            _save_question(question_id, batch[question_id], payload)
    return len(stale)


def questions_of_exams(exam_ids: list[int] | None = None) -> list[int]:
    """Questions seen in finished attempts (of these exams, or of any)."""
    stmt = (
        sa.select(QuestionVersion.question_id)
        .join(AttemptItem, AttemptItem.version_id == QuestionVersion.id)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.state == AttemptState.FINISHED)
        .distinct()
    )
    if exam_ids is not None:
        stmt = stmt.where(Attempt.exam_id.in_(exam_ids))
    return sorted(db.session.scalars(stmt))


def refresh_exams(exam_ids: Iterable[int], *, force: bool = False) -> int:
    """Recompute the stale (or, with ``force``, all) of these exams; returns how many."""
    done = 0
    for exam_id in exam_ids:
        fingerprint = exam_fingerprint(exam_id)
        row = _cached("exam", exam_id)
        if force or row is None or row.fingerprint != fingerprint:
            computations["exam"] += 1
            log.info("item analysis: computing exam %s", exam_id)
            _store("exam", exam_id, fingerprint, compute_exam(exam_id))
            done += 1
    return done
