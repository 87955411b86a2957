"""Sub-units and officers side by side on one 5-level item, from per-group SQL counts.

Units: the sub-units of the chosen unit (each with its own sub-tree) are compared with
Kruskal–Wallis, then every pair with Mann–Whitney and Holm's correction — at most
``MAX_COMPARE_GROUPS`` groups (beyond that the pairwise table is unreadable and slow; the
page asks for a narrower unit). The test result is cached on the counts, which fully
determine it, so an unchanged report never recomputes it.

Officers: one row per rated officer with n and the Wilson interval; the page and the
exports hide the percentage itself below 30 ratings.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_login import current_user

from app.access import Perm, scope_clause
from app.analytics.compare import KruskalResult
from app.analytics.satisfaction_stats import ScaleSummary, compare_levels, scale_summary
from app.extensions import db
from app.models import Person, Unit

MAX_COMPARE_GROUPS = 15


@dataclass
class GroupRow:
    """A unit (with its sub-tree) or an officer, with the summary of the compared item."""

    key: int | None
    label: str
    summary: ScaleSummary
    has_children: bool = False


def _units_under(parent: Unit | None, scoped: bool) -> list[tuple[int, str, str, str, int]]:
    stmt = sa.select(Unit.id, Unit.name, Unit.code, Unit.path, Unit.depth)
    if scoped:
        stmt = stmt.where(scope_clause(Perm.SURVEYS_VIEW, Unit.path))
    if parent is not None:
        stmt = stmt.where(Unit.path.startswith(parent.path, autoescape=True))
    return list(db.session.execute(stmt.order_by(Unit.sort_key, Unit.path)))


def _groups(parent: Unit | None, units: list) -> list[tuple[int, str, str]]:
    """(id, label, path) of the groups: the parent's children, else the scope's roots."""
    if parent is not None:
        chosen = [u for u in units if u.depth == parent.depth + 1]
    else:
        roots = current_user.scope_paths(Perm.SURVEYS_VIEW)
        top = [u for u in units if u.path in roots]
        chosen = top if len(top) > 1 else [u for u in units if top and u.depth == top[0].depth + 1]
    names = defaultdict(int)
    for u in chosen:
        names[u.name] += 1
    return [
        (u.id, u.name if names[u.name] == 1 else f"{u.name} ({u.code})", u.path) for u in chosen
    ]


def unit_groups(
    rows: dict[int, dict[int, int]], parent: Unit | None, *, scoped: bool = True
) -> tuple[list[GroupRow], KruskalResult | None, str]:
    """Rows per sub-unit from ``{unit_id: {level: count}}``, the test, and a note if none.
    ``scoped=False`` (an unscoped filter: the periodic report) needs a ``parent``."""
    units = _units_under(parent, scoped)
    groups = _groups(parent, units)
    paths = {u.id: u.path for u in units}
    pooled: dict[int, dict[int, int]] = {g[0]: defaultdict(int) for g in groups}
    for unit_id, levels in rows.items():
        path = paths.get(unit_id, "")
        owner = next((gid for gid, _l, gpath in groups if path.startswith(gpath)), None)
        for level, c in levels.items():
            if owner is not None:
                pooled[owner][level] += c
    parents = {u.path for u in units}
    result = [
        GroupRow(gid, label, scale_summary(pooled[gid], with_mean=False),
                 any(p != path and p.startswith(path) for p in parents))
        for gid, label, path in groups
    ]  # fmt: skip
    answered = [r for r in result if r.summary.n > 0]
    if len(answered) < 2:
        return result, None, "Cần ít nhất 2 đơn vị trực thuộc có phiếu để so sánh."
    if len(answered) > MAX_COMPARE_GROUPS:
        note = (
            f"Có {len(answered)} đơn vị (quá {MAX_COMPARE_GROUPS}): chọn một đơn vị cấp trên "
            "hẹp hơn để xem kiểm định so sánh từng cặp."
        )
        return result, None, note
    key = tuple((r.label, r.summary.counts) for r in answered)
    return result, _compare(key), ""


@functools.lru_cache(maxsize=64)
def _compare(key: tuple[tuple[str, tuple[int, ...]], ...]) -> KruskalResult:
    return compare_levels({label: dict(enumerate(counts, start=1)) for label, counts in key})


def officer_rows(rows: dict[int, dict[int, int]]) -> list[GroupRow]:
    """One row per rated officer from ``{person_id: {level: count}}``, sorted by name."""
    ids = [pid for pid in rows if pid is not None]
    if not ids:
        return []
    people = db.session.execute(
        sa.select(Person.id, Person.full_name).where(Person.id.in_(ids)).order_by(Person.sort_key)
    )
    return [GroupRow(pid, name, scale_summary(rows[pid], with_mean=False)) for pid, name in people]
