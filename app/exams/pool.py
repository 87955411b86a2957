"""The questions a person may be given: approved versions, by blueprint row, by position.

SQL selects the approved versions once; the per-person filtering (positions) is cheap
Python over that list. Sub-topics belong to their blueprint row's topic (path prefix).
Essay questions need a human marker and are never drawn into a timed test.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.exams.draw import Blueprint, Candidate
from app.extensions import db
from app.models import (
    Attempt,
    AttemptItem,
    Exam,
    ExamExposure,
    Period,
    Question,
    QuestionVersion,
    Topic,
    VersionState,
)
from app.text import fold


@functools.lru_cache(maxsize=1024)
def fold_position(position: str | None) -> str:
    """Positions are free text: compare them without case, spacing or diacritics (cached:
    a start compares the person's position with every approved version's positions)."""
    return fold(position or "").strip()


def _applies(positions: Iterable[str], position: str) -> bool:
    """True when a position list is empty (everyone) or names ``position`` (folded)."""
    wanted = [fold_position(p) for p in positions if p and p.strip()]
    return not wanted or fold_position(position) in wanted


@dataclass(frozen=True)
class Approved:
    """What the draw needs of an approved version (no content: starts stay light)."""

    version_id: int
    question_id: int
    difficulty: str | None
    positions: tuple[str, ...]
    topic_id: int
    topic_path: str


_APPROVED = QuestionVersion.state == VersionState.APPROVED
_DRAWABLE = sa.and_(_APPROVED, QuestionVersion.qtype != "essay")
# Per process: the fingerprint of the approved set -> its newest versions (without paths).
_approved_cache: dict[tuple, list[tuple]] = {}


def approved_versions() -> list[Approved]:
    """The newest approved version of every question (never essay), with its topic path.

    Every start needs this list. The version rows are cached per process under a
    fingerprint of the approved set (count and sum of ids, read with one aggregate), so an
    approval or a retirement is seen by the next start; topic paths are read fresh (a
    topic may move).
    """
    fingerprint = tuple(
        db.session.execute(
            sa.select(
                sa.func.count(),
                sa.func.sum(QuestionVersion.id),
                sa.func.sum(Question.topic_id),
                sa.func.max(QuestionVersion.created_at),
            )
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(_DRAWABLE)
        ).one()
    )
    rows = _approved_cache.get(fingerprint)
    if rows is None:
        rows = _newest_approved_rows()
        _approved_cache.clear()
        _approved_cache[fingerprint] = rows
    paths = dict(db.session.execute(sa.select(Topic.id, Topic.full_path)).all())
    return [
        Approved(vid, qid, diff, tuple(pos or ()), tid, paths[tid])
        for vid, qid, diff, pos, tid in rows
        if tid in paths
    ]


def _newest_approved_rows() -> list[tuple]:
    newest = (
        sa.select(sa.func.max(QuestionVersion.id))
        .where(_DRAWABLE)
        .group_by(QuestionVersion.question_id)
    )
    stmt = (
        sa.select(
            QuestionVersion.id,
            QuestionVersion.question_id,
            QuestionVersion.difficulty,
            QuestionVersion.positions,
            Question.topic_id,
        )
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(QuestionVersion.id.in_(newest))
        .order_by(QuestionVersion.id)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def row_topics(blueprint: Blueprint) -> dict[int, Topic]:
    ids = [r.topic_key for r in blueprint.rows]
    return {t.id: t for t in db.session.scalars(sa.select(Topic).where(Topic.id.in_(ids)))}


def rows_for_position(blueprint: Blueprint, topics: dict[int, Topic], position: str) -> Blueprint:
    """The blueprint without rows whose topic is restricted to other positions."""
    rows = [
        r
        for r in blueprint.rows
        if r.topic_key in topics and _applies(topics[r.topic_key].positions or [], position)
    ]
    return Blueprint(rows=rows, fixed=list(blueprint.fixed))


def candidates_for(
    blueprint: Blueprint,
    position: str | None,
    versions: list[Approved] | None = None,
    topics: dict[int, Topic] | None = None,
) -> list[Candidate]:
    """Candidates for ``blueprint``; ``position=None`` ignores position restrictions.
    ``topics``: the rows' topics when the caller has read them already (``row_topics``)."""
    topics = row_topics(blueprint) if topics is None else topics
    row_paths = sorted(((t.full_path, tid) for tid, t in topics.items()), reverse=True)
    fixed = set(blueprint.fixed)
    found: list[Candidate] = []
    for version in versions if versions is not None else approved_versions():
        if position is not None and not _applies(version.positions, position):
            continue
        key = _row_for(version.topic_path, row_paths)
        if key is None and version.question_id in fixed:
            key = version.topic_id
        if key is None:
            continue
        found.append(
            Candidate(
                question_id=version.question_id,
                version_id=version.version_id,
                topic_key=key,
                difficulty=version.difficulty,
                facility=None,
            )
        )
    return found


def _row_for(path: str, row_paths: list[tuple[str, int]]) -> int | None:
    """The blueprint row whose topic is ``path`` or an ancestor of it (deepest wins)."""
    for row_path, tid in row_paths:
        if path == row_path or path.startswith(row_path + "/"):
            return tid
    return None


def exposure(exam_id: int) -> dict[int, int]:
    """How many online attempts of the exam drew each question (``ExamExposure``).

    Kept as counts, incremented by every start (``count_exposure``), so a start reads a
    few hundred rows at most however many people have already started.
    """
    stmt = sa.select(ExamExposure.question_id, ExamExposure.drawn).where(
        ExamExposure.exam_id == exam_id
    )
    return {qid: n for qid, n in db.session.execute(stmt)}


_COUNT = sa.text(
    "INSERT INTO exam_exposure (exam_id, question_id, drawn) VALUES (:exam_id, :question_id, 1)"
    " ON CONFLICT (exam_id, question_id) DO UPDATE SET drawn = exam_exposure.drawn + 1"
)


def count_exposure(exam_id: int, question_ids: Iterable[int]) -> None:
    """Add one to the exposure of each question drawn into a new attempt of the exam.

    Rows in question order, so concurrent starts lock them in the same order (no deadlock).
    """
    rows = [{"exam_id": exam_id, "question_id": qid} for qid in sorted(set(question_ids))]
    if rows:
        db.session.execute(_COUNT, rows)


def seen_last_period(exam: Exam, person_id: int) -> frozenset[int]:
    """Question ids this person was shown in the period before the exam's period."""
    previous = db.session.scalar(
        sa.select(Period.id)
        .where(Period.ends_on < exam.period.starts_on)
        .order_by(Period.ends_on.desc())
        .limit(1)
    )
    if previous is None:
        return frozenset()
    stmt = (
        sa.select(QuestionVersion.question_id)
        .select_from(AttemptItem)
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .join(Exam, Exam.id == Attempt.exam_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.version_id)
        .where(Exam.period_id == previous, Attempt.person_id == person_id)
    )
    return frozenset(db.session.scalars(stmt))


def measured_facility(min_n: int) -> dict[int, float]:
    """Facility of every version measured on at least ``min_n`` finished attempts (from the
    item-statistics cache written by ``flask analytics refresh`` and the report pages)."""
    from app.models.analytics import VersionStats

    rows = db.session.execute(
        sa.select(VersionStats.version_id, VersionStats.facility).where(
            VersionStats.n >= min_n, VersionStats.facility.is_not(None)
        )
    )
    return {vid: round(float(f), 4) for vid, f in rows}
