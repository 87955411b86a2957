"""A per-process memo of the pass-rate aggregates, invalidated when the data changes.

The aggregates (counts per unit × position, exam, period; topic cells per unit) are
computed for the caller's whole scope and one period or exam, then reused for every unit
drill-down, chart and download until the data they read changes. "Changes" is a stamp
from one cheap query: row counts, highest ids and a few sums over attempts, candidates,
exams, people and units, so a finished or re-scored attempt, a candidate made exempt, a
cancelled exam, a person moved to another unit or a unit moved in the tree all give a new
stamp. Every part of the stamp is exact (integers, dates), so an unchanged database always
gives the same stamp. Entries also expire after ``TTL_SECONDS`` and at most ``MAX_ENTRIES``
are kept.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, has_request_context
from flask_login import current_user

from app.analytics.rates import RateFilter
from app.extensions import db
from app.models import (
    Assignment,
    Attempt,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    Unit,
)

T = TypeVar("T")
TTL_SECONDS = 300
MAX_ENTRIES = 64
_MEMO: OrderedDict[tuple, tuple[float, Any]] = OrderedDict()
_LOCK = threading.Lock()


def _one(value: Any) -> int:
    return sa.case((value, 1), else_=0)


def _exact_sum(column: sa.ColumnElement) -> sa.ColumnElement:
    """The sum of a float column in millionths, as an integer: a float sum depends on the
    order rows are added in, which PostgreSQL's parallel aggregation changes from run to
    run, and a stamp that changes by itself would never let an entry be reused."""
    return sa.func.sum(sa.cast(sa.func.round(column * 1_000_000), sa.BigInteger))


def data_stamp() -> tuple:
    """Counts, highest ids and sums that change whenever a pass-rate input changes."""
    parts = [
        sa.select(sa.func.count(), sa.func.max(Attempt.id), sa.func.max(Attempt.finished_at),
                  sa.func.sum(_one(Attempt.state == AttemptState.FINISHED)),
                  sa.func.sum(_one(Attempt.passed.is_(True))), _exact_sum(Attempt.percent)),
        sa.select(sa.func.count(), sa.func.max(ExamCandidate.id),
                  sa.func.sum(_one(ExamCandidate.status == CandidateStatus.EXEMPT))),
        sa.select(sa.func.count(), sa.func.max(Exam.id), sa.func.sum(Exam.period_id),
                  sa.func.sum(_one(Exam.state == ExamState.CANCELLED)),
                  sa.func.sum(sa.func.coalesce(Exam.retest_of_id, 0))),
        sa.select(sa.func.count(), sa.func.max(Person.id), sa.func.max(Person.updated_at),
                  sa.func.sum(Person.unit_id)),
        sa.select(sa.func.count(), sa.func.max(Assignment.id), sa.func.count(Assignment.end_date)),
        sa.select(sa.func.count(), sa.func.max(Unit.id), sa.func.sum(sa.func.length(Unit.path)),
                  sa.func.sum(sa.func.coalesce(Unit.parent_id, 0))),
    ]  # fmt: skip
    return tuple(tuple(str(v) for v in db.session.execute(p).one()) for p in parts)


def _request_stamp() -> tuple:
    """The stamp, computed once per request."""
    if not has_request_context():
        return data_stamp()
    if "rates_stamp" not in g:
        g.rates_stamp = data_stamp()
    return g.rates_stamp


def _scope(f: RateFilter) -> tuple[str, ...]:
    if f.perm is None:
        return ("*",)
    return current_user.scope_paths(f.perm) if current_user.is_authenticated else ()


def cached(section: str, f: RateFilter, compute: Callable[[], T]) -> T:
    """``compute()`` for (section, period, exam, scope), reused while the data is unchanged.

    ``f.unit_path`` is not part of the key: callers compute for the whole scope and keep
    the units they need. Callers get a copy, so they may change what they receive.
    """
    key = (str(db.engine.url), section, f.period_id, f.exam_id, f.perm, _scope(f),
           _request_stamp())  # fmt: skip
    now = time.monotonic()
    with _LOCK:
        hit = _MEMO.get(key)
        if hit is not None and hit[0] > now:
            _MEMO.move_to_end(key)
            return copy.deepcopy(hit[1])
    value = compute()
    with _LOCK:
        _MEMO[key] = (now + TTL_SECONDS, copy.deepcopy(value))
        while len(_MEMO) > MAX_ENTRIES:
            _MEMO.popitem(last=False)
    return value


def clear() -> None:
    """Forget every entry (tests)."""
    with _LOCK:
        _MEMO.clear()
