"""Statistics of one question across every exam it appeared in: overall, per version, per exam.

Choice made here: a *question* is followed through all its versions (the bank's unit of
work), and each version is also shown on its own, since an edit can fix or break it.

* **Per exam**: exactly the exam report's definition — the item's credit against the rest
  of that attempt's score in marks (the attempt's stored score minus this item).
* **Overall and per version** (pooled over exams with different lengths and maxima): the
  rest of the test is taken as a *fraction* of the rest's maximum, and upper/lower thirds
  for distractors are formed on the attempts' percentage, so exams of 20 and 60 questions
  can be pooled. Within one exam whose attempts share the same maximum this is a linear
  rescaling and gives the same correlation as the per-exam row.

Voided items (``ItemFix`` "void") are left out everywhere. The bank browser's "Thống kê"
column reads the per-version figures (``VersionStats``), written with this payload.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import sqlalchemy as sa

from app.analytics.exam_data import ItemRows, VersionInfo
from app.analytics.exam_items import ALGORITHM, question_entry
from app.extensions import db
from app.models import Exam


def exam_facts(exam_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Title, owner unit and window of these exams (for the per-exam rows)."""
    if not exam_ids:
        return {}
    stmt = sa.select(Exam.id, Exam.title, Exam.unit_id, Exam.opens_at).where(Exam.id.in_(exam_ids))
    return {
        i: {"exam_id": i, "title": title, "unit_id": unit_id, "opens_at": opens.date().isoformat()}
        for i, title, unit_id, opens in db.session.execute(stmt)
    }


def _fractions(rows: ItemRows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rest in marks, rest as a fraction of its maximum, total as a fraction)."""
    earned = np.where(np.isnan(rows.credit), 0.0, rows.credit * rows.mark)
    rest = rows.score - earned
    rest_max = rows.max_score - rows.mark
    with np.errstate(divide="ignore", invalid="ignore"):
        rest_fraction = np.where(rest_max > 0, rest / rest_max, 0.0)
        total_fraction = np.where(rows.max_score > 0, rows.score / rows.max_score, 0.0)
    return rest, rest_fraction, total_fraction


def _groups(keys: np.ndarray) -> list[tuple[int, np.ndarray]]:
    if not keys.size:
        return []
    order = np.argsort(keys, kind="stable")
    values, starts = np.unique(keys[order], return_index=True)
    return [(int(v), c) for v, c in zip(values, np.split(order, starts[1:]), strict=True)]


def analyse_question(
    question_id: int,
    rows: ItemRows,
    infos: dict[int, VersionInfo],
    exams: dict[int, dict[str, Any]],
    *,
    min_n: int,
) -> dict[str, Any]:
    """The JSON payload of one question (``rows``: every finished attempt item holding one
    of its versions; ``infos``: those versions; ``exams``: ``exam_facts`` of their exams)."""
    rest, rest_fraction, total_fraction = _fractions(rows)
    newest = max(infos.values(), key=lambda i: i.number) if infos else None
    payload: dict[str, Any] = {"algorithm": ALGORITHM, "question_id": question_id, "min_n": min_n}
    if newest is None or not len(rows):
        return {**payload, "overall": None, "versions": [], "exams": []}
    pooled = replace(newest, qtype="", version_id=0)  # no distractors across versions
    payload["overall"] = question_entry(
        pooled, rows.credit, rest_fraction, rows.choice, total_fraction, min_n
    )
    payload["versions"] = [
        question_entry(
            infos[v], rows.credit[c], rest_fraction[c], rows.choice[c], total_fraction[c], min_n
        )
        for v, c in _groups(rows.version)
    ]
    payload["exams"] = []
    for exam_id, c in _groups(rows.exam):
        seen = sorted({infos[int(v)].number for v in np.unique(rows.version[c])})
        entry = question_entry(
            pooled, rows.credit[c], rest[c], rows.choice[c], rows.score[c], min_n
        )
        payload["exams"].append({**entry, **exams.get(exam_id, {"exam_id": exam_id}), "seen": seen})
    payload["exams"].sort(key=lambda e: (e.get("opens_at", ""), e["exam_id"]), reverse=True)
    return payload
