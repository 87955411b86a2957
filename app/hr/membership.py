"""Who is on an HR list, decided in SQL (``app.hr.verdict_sql``), and one page of them in
the roster's order.

Each list is a SELECT of person ids; ``in_order`` reads the ids of everyone on it in the
roster's order (the unit tree, then the name) in one query, ``cut`` takes one page of
them: a province of 100,000 people costs a few GROUP BY queries, the ids on the list
(integers) and the entries of one page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.hr import verdict_sql
from app.hr.facts import Roster
from app.models import Person


@dataclass(frozen=True)
class Slice:
    """Person ids of one page (all of them without ``per_page``) and the list's total."""

    ids: list[int]
    total: int
    page: int
    per_page: int | None

    @property
    def pages(self) -> int:
        return 1 if not self.per_page else max(1, math.ceil(self.total / self.per_page))


def _ids(roster: Roster) -> sa.Select:
    return roster.ids.correlate(None)


def commendation_ids(
    period_id: int, window_ids: list[int], roster: Roster, min_periods: int, rule: str
) -> sa.Select:
    """People who meet the requirement in ``period_id`` and in at least ``min_periods`` of
    ``window_ids`` (which includes it)."""
    c = verdict_sql.codes(window_ids, _ids(roster))
    return (
        sa.select(c.c.person_id)
        .where(verdict_sql.meets(rule, c))
        .group_by(c.c.person_id)
        .having(
            sa.func.max(sa.case((c.c.period_id == period_id, 1), else_=0)) == 1,
            sa.func.count() >= max(min_periods, 1),
        )
    )


def review_rows(
    period_id: int, roster: Roster, below: Iterable[int], rule: str
) -> sa.Select | sa.CompoundSelect:
    """``person_id, only_missing`` of everyone on the reassignment list: to review (not
    ``only_missing``) who failed a required component without meeting the requirement, or
    is an officer of ``below`` (citizen satisfaction credibly below the threshold); apart
    (``only_missing``) who has a missing component, does not meet the requirement, failed
    nothing and is not in ``below``. Every roster member is judged, with a required
    component or without (under ``knowledge_and_communication`` both are then missing)."""
    c = verdict_sql.codes([period_id], _ids(roster))
    if rule == "knowledge_and_communication":  # nothing required still means both missing
        c = (
            sa.select(Person.id.label("person_id"), c.c.k, c.c.c)
            .outerjoin(c, c.c.person_id == Person.id)
            .where(Person.id.in_(_ids(roster)))
            .subquery("judged")
        )
    low = _among(c.c.person_id, below)
    not_meeting = sa.not_(verdict_sql.meets(rule, c))
    failed = sa.and_(not_meeting, verdict_sql.has_failed(c))
    missing = sa.and_(not_meeting, verdict_sql.has_missing(rule, c))
    reviewed = sa.or_(failed, low)
    only_missing = sa.case((reviewed, 0), else_=1).label("only_missing")
    judged = sa.select(c.c.person_id, only_missing).where(sa.or_(reviewed, missing))
    if not below or rule == "knowledge_and_communication":
        return judged
    # officers rated low, with a required component or not (those with one come twice:
    # ``in_order`` keeps the first)
    rated_low = sa.select(Person.id, sa.literal(0, sa.Integer)).where(
        _among(Person.id, below), Person.id.in_(_ids(roster))
    )
    return sa.union_all(judged, rated_low)


def _among(column: sa.ColumnElement, ids: Iterable[int]) -> sa.ColumnElement[bool]:
    """``column IN (…)`` with the ids written into the SQL (integers only: a few hundred to
    a few thousand rated officers, never a bound parameter each)."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return sa.false()
    return column.in_(sa.bindparam(None, ids, expanding=True, literal_execute=True))


def in_order(roster: Roster, on_list: sa.Select | sa.CompoundSelect) -> list[tuple]:
    """The rows of ``on_list`` (its first column a person id) in the roster's order: the
    unit tree, then the name (then the id: ties never move between pages); one query."""
    if roster.stmt is None:  # a roster of objects: its own order, in Python
        found: dict[int, tuple] = {}
        for row in db.session.execute(on_list):
            found.setdefault(row[0], tuple(row))
        return [found[pid] for pid in roster.person_ids if pid in found]
    if isinstance(on_list, sa.Select):
        on_list = on_list.correlate(None)
    listed = on_list.subquery("listed")
    columns = list(listed.c)
    stmt = (
        roster.stmt.with_only_columns(*columns)
        .join(listed, columns[0] == Person.id)
        .order_by(Person.id)
    )
    rows, seen = [], set()
    for row in db.session.execute(stmt):  # a person listed twice comes twice in a row
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(tuple(row))
    return rows


def cut(ids: list[int], page: int = 1, per_page: int | None = None) -> Slice:
    """Page ``page`` (clamped to the pages there are) of ``per_page`` of ``ids``, or all of
    them without ``per_page``."""
    page = _clamp(page, len(ids), per_page)
    if not per_page:
        return Slice(ids, len(ids), 1, None)
    start = (page - 1) * per_page
    return Slice(ids[start : start + per_page], len(ids), page, per_page)


def page_of(
    roster: Roster, on_list: sa.Select, page: int = 1, per_page: int | None = None
) -> Slice:
    """The people of ``on_list`` (a SELECT of person ids) in the roster's order, cut. With
    pages, the database sorts for one page only (ORDER BY … LIMIT, a bounded sort) and
    counts the list in the same query (``count(*) OVER ()``); past the last page, the
    last page."""
    if roster.stmt is None or not per_page:
        return cut([row[0] for row in in_order(roster, on_list)], page, per_page)
    listed = on_list.correlate(None).subquery("listed")
    person = next(iter(listed.c))
    stmt = (
        roster.stmt.with_only_columns(person, sa.func.count().over())
        .join(listed, person == Person.id)
        .order_by(Person.id)
    )
    page = max(page, 1)
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    if not rows and page > 1:  # past the end: count, then read the last page
        total = db.session.scalar(
            sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
        )
        page = _clamp(page, total, per_page)
        rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    total = rows[0][1] if rows else 0
    return Slice([row[0] for row in rows], total, page, per_page)


def _clamp(page: int, total: int, per_page: int | None) -> int:
    if not per_page:
        return 1
    return min(max(page, 1), max(1, math.ceil(total / per_page)))
