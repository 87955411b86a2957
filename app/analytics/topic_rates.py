"""Per-topic results in SQL: mean topic percentage and share of people at 50 % or more.

Source: ``Attempt.topic_scores``, the per-topic sub-scores that scoring (and re-scoring
after an item fix, and paper imports by item) writes on each finished attempt as a JSON
list of ``{"topic_id", "score", "max", "percent"}``. A topic whose items were all voided
is not in the list. Reading it means ~10 JSON elements per attempt instead of 60
``attempt_items`` rows, which is what keeps this fast at 100,000 attempts; the elements
are unnested by the database (``json_each`` on SQLite, ``json_to_recordset`` on
PostgreSQL). Paper results imported as totals have no topics and are not counted.

The issue defines no pass mark per topic: we report the mean percentage and the share of
people scoring at least ``TOPIC_THRESHOLD`` (50 %) of the topic's marks, and say so.
Without a chosen exam, first sittings only (retests left out) so nobody counts twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.analytics import held
from app.analytics.intervals import Interval, wilson_interval
from app.analytics.rates import FINISHED, RateFilter, in_scope
from app.extensions import db
from app.models import Attempt, Exam, ExamState, Topic

TOPIC_THRESHOLD = 0.5


@dataclass
class TopicCell:
    """One topic in one group: attempts scored, sum of their percentages, how many ≥ 50 %."""

    n: int = 0
    percent_sum: float = 0.0
    reached: int = 0

    def __iadd__(self, other: TopicCell) -> TopicCell:
        self.n += other.n
        self.percent_sum += other.percent_sum
        self.reached += other.reached
        return self

    @property
    def mean(self) -> float | None:
        """Mean topic percentage (0..1), or None with no attempt."""
        return self.percent_sum / self.n if self.n else None

    def interval(self) -> Interval:
        """Wilson 95 % interval of the share reaching the threshold."""
        return wilson_interval(self.reached, self.n)


def _elements() -> tuple[sa.TableValuedAlias, sa.ColumnElement, sa.ColumnElement]:
    """The unnested topic elements of ``Attempt.topic_scores`` and their topic id / percent."""
    if db.session.get_bind().dialect.name == "postgresql":  # typed columns, one parse
        el = (
            sa.func.json_to_recordset(Attempt.topic_scores)
            .table_valued(
                sa.column("topic_id", sa.Integer),
                sa.column("percent", sa.Float),
                joins_implicitly=True,
            )
            .render_derived(name="el", with_types=True)
        )
        return el, el.c.topic_id, el.c.percent
    el = sa.func.json_each(Attempt.topic_scores).table_valued(
        "value", name="el", joins_implicitly=True
    )
    topic = sa.func.json_extract(el.c.value, "$.topic_id")
    return el, topic, sa.func.json_extract(el.c.value, "$.percent")


def _counted_attempts(f: RateFilter, *columns: Any) -> sa.Select:
    """``columns`` over the finished attempts ``f`` counts, joined to the person's unit."""
    stmt = (
        sa.select(*columns)
        .select_from(Attempt)
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(FINISHED)
    )
    stmt = held.join_held(stmt, Attempt.person_id, Exam.period_id)
    if f.exam_id is not None:
        stmt = stmt.where(Attempt.exam_id == f.exam_id)
    else:
        stmt = stmt.where(Exam.state != ExamState.CANCELLED, Exam.retest_of_id.is_(None))
        if f.period_id is not None:
            stmt = stmt.where(Exam.period_id == f.period_id)
    return in_scope(stmt, f)


def _elements_of(f: RateFilter) -> sa.CTE:
    """(unit_id, topic_id, percent) per topic of each counted attempt. On SQLite the CTE is
    MATERIALIZED (SQLite ≥ 3.35) so each JSON field is extracted once, not once per use
    (~25 % less CPU); PostgreSQL inlines it, which measured faster there."""
    el, topic, percent = _elements()
    stmt = _counted_attempts(
        f, held.UNIT_ID.label("unit_id"), topic.label("topic_id"), percent.label("percent")
    ).join(el, sa.true())
    return stmt.cte("topic_el").prefix_with("MATERIALIZED", dialect="sqlite")


@dataclass
class TopicData:
    """Topic cells per (unit id, topic id), and attempts with topic scores per unit id."""

    cells: dict[tuple[int, int], TopicCell] = field(default_factory=dict)
    attempts: dict[int, int] = field(default_factory=dict)


def topic_cells(f: RateFilter) -> TopicData:
    """Per (person's unit, topic) of the finished attempts of ``f``: n, sum of percentages and
    how many reached the threshold; per unit, how many attempts had topic scores (counted
    without parsing the JSON: an empty list is stored as ``[]``)."""
    cte = _elements_of(f)
    reached = sa.case((cte.c.percent >= TOPIC_THRESHOLD - 1e-9, 1), else_=0)
    by_topic = sa.select(
        cte.c.unit_id,
        cte.c.topic_id,
        sa.func.count(),
        sa.func.sum(cte.c.percent),
        sa.func.sum(reached),
    ).group_by(cte.c.unit_id, cte.c.topic_id)
    data = TopicData()
    for unit_id, tid, n, total, hits in db.session.execute(by_topic):
        if tid is not None:
            data.cells[(unit_id, int(tid))] = TopicCell(int(n), float(total or 0), int(hits or 0))
    scored = sa.cast(Attempt.topic_scores, sa.Text).not_in(["[]", "null"])
    by_unit = _counted_attempts(f, held.UNIT_ID, sa.func.count()).where(scored)
    data.attempts = {unit_id: int(n) for unit_id, n in db.session.execute(
        by_unit.group_by(held.UNIT_ID))}  # fmt: skip
    return data


def topic_names(topic_ids: set[int]) -> dict[int, str]:
    """Topic id → its full path ("Nghiệp vụ chuyên ngành/Hộ tịch")."""
    if not topic_ids:
        return {}
    rows = db.session.execute(
        sa.select(Topic.id, Topic.full_path).where(Topic.id.in_(sorted(topic_ids)))
    )
    return {tid: name for tid, name in rows}
