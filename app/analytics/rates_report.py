"""The pass-rate report: SQL counts (``rates``, ``topic_rates``) arranged for pages and API.

Only already-aggregated rows reach Python: ``Counts`` per (unit the people work in,
position / exam / period), ``TopicCell`` per (unit, topic), computed for the caller's
whole scope and memoised by ``rates_cache`` until the data changes. The chosen unit's
sub-tree is applied here by keeping its units, and sums go up the tree by splitting the
materialised path ("/1/4/17/" → units 1, 4, 17): units × depth, never attempts. Each
section is computed on first use.

Groups for the unit comparison and the weakness map are the units directly under the
anchor (the chosen unit, else the caller's single scope root), each with its sub-tree,
plus the anchor's own staff; with several scope roots, the roots themselves. They are
disjoint, as a chi-square test of independence requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.access import scope_clause
from app.analytics import rates, rates_cache, topic_rates
from app.analytics.compare import ContingencyResult, chi_square_independence
from app.analytics.rates import Counts, RateFilter
from app.analytics.topic_rates import TopicCell, TopicData
from app.extensions import db
from app.models import Exam, Period, Unit
from app.org.queries import tree_order


@dataclass
class RateRow:
    key: int | str
    label: str
    counts: Counts
    depth: int = 0
    unit_id: int | None = None  # for a link that drills down into the unit


@dataclass
class TopicRow:
    topic_id: int
    label: str
    cell: TopicCell


@dataclass
class WeaknessRow:
    group: RateRow
    attempts: int = 0  # attempts with topic scores in the group
    cells: dict[int, TopicCell] = field(default_factory=dict)  # topic id → cell

    @property
    def overall(self) -> TopicCell:
        result = TopicCell()
        for cell in self.cells.values():
            result += cell
        return result


def _ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


class PassRates:
    """Every section of the report for one ``RateFilter`` (computed lazily, once)."""

    def __init__(self, f: RateFilter, anchor: Unit | None = None) -> None:
        self.filter = f
        self.chosen_unit = anchor

    def _aggregate(self, section: str, compute, f: RateFilter | None = None) -> Any:
        """An aggregate for the whole scope (memoised in ``rates_cache``): the chosen unit's
        sub-tree is applied here, in Python, by keeping the units of ``self.units``."""
        f = f or replace(self.filter, unit_path=None)
        return rates_cache.cached(section, f, lambda: compute(f))

    def _per_key(self, data: dict[tuple[Any, int], Counts]) -> dict[Any, Counts]:
        """Sum {(key, unit id): Counts} over the units kept, by key."""
        out: dict[Any, Counts] = {}
        for (key, unit_id), counts in data.items():
            if unit_id in self._unit_by_id:
                out.setdefault(key, Counts())
                out[key] += counts
        return out

    # --- units ----------------------------------------------------------------------------

    @cached_property
    def units(self) -> list[Unit]:
        """Units in the caller's scope (and under the chosen unit), in tree order."""
        stmt = sa.select(Unit)
        if self.filter.perm is not None:
            stmt = stmt.where(scope_clause(self.filter.perm, Unit.path))
        if self.filter.unit_path:
            stmt = stmt.where(Unit.path.startswith(self.filter.unit_path, autoescape=True))
        return tree_order(list(db.session.scalars(stmt)))

    @cached_property
    def _unit_by_id(self) -> dict[int, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def cells(self) -> dict[tuple[int, str], Counts]:
        """Counts per (unit the people work in, position): the base of three sections."""
        data = self._aggregate("cells", rates.by_unit_and_position)
        return {key: c for key, c in data.items() if key[0] in self._unit_by_id}

    def _sum_by(self, index: int) -> dict:
        out: dict = {}
        for key, counts in self.cells.items():
            out.setdefault(key[index], Counts())
            out[key[index]] += counts
        return out

    @cached_property
    def leaf_counts(self) -> dict[int, Counts]:
        return self._sum_by(0)

    @cached_property
    def total(self) -> Counts:
        result = Counts()
        for counts in self.cells.values():
            result += counts
        return result

    @cached_property
    def unit_rows(self) -> list[RateRow]:
        """Each unit with its whole sub-tree summed, tree order, units with nobody left out."""
        sums = {u.id: Counts() for u in self.units}
        for unit_id, counts in self.leaf_counts.items():
            unit = self._unit_by_id.get(unit_id)
            for ancestor in _ids(unit.path) if unit else ():
                if ancestor in sums:
                    sums[ancestor] += counts
        base = min((u.depth for u in self.units), default=0)
        return [
            RateRow(u.id, u.name, sums[u.id], u.depth - base, u.id)
            for u in self.units
            if sums[u.id].required
        ]

    @cached_property
    def anchor(self) -> Unit | None:
        if self.chosen_unit is not None:
            return self.chosen_unit
        roots = [u for u in self.units if u.parent_id not in self._unit_by_id]
        return roots[0] if len(roots) == 1 else None

    def group_of(self, unit_id: int) -> tuple[int, bool] | None:
        """(group unit id, is the anchor's own staff) for people working in ``unit_id``."""
        unit = self._unit_by_id.get(unit_id)
        if unit is None:
            return None
        path = _ids(unit.path)
        if self.anchor is None:
            return next(((i, False) for i in path if self._is_root(i)), None)
        at = path.index(self.anchor.id) if self.anchor.id in path else None
        if at is None:
            return None
        return (path[at + 1], False) if at + 1 < len(path) else (self.anchor.id, True)

    def _is_root(self, unit_id: int) -> bool:
        unit = self._unit_by_id.get(unit_id)
        return unit is not None and unit.parent_id not in self._unit_by_id

    def _group_label(self, key: tuple[int, bool], several: bool) -> str:
        name = self._unit_by_id[key[0]].name
        return _("%(name)s (cán bộ trực tiếp)", name=name) if key[1] and several else name

    @cached_property
    def group_rows(self) -> list[RateRow]:
        """The disjoint groups compared with each other (tree order)."""
        grouped: dict[tuple[int, bool], Counts] = {}
        for unit_id, counts in self.leaf_counts.items():
            key = self.group_of(unit_id)
            if key is not None:
                grouped.setdefault(key, Counts())
                grouped[key] += counts
        order = {u.id: i for i, u in enumerate(self.units)}
        keys = sorted(grouped, key=lambda k: (order.get(k[0], 0), not k[1]))
        several = len(keys) > 1
        return [
            RateRow(f"{k[0]}{'-own' if k[1] else ''}", self._group_label(k, several),
                    grouped[k], 0, None if k[1] else k[0])
            for k in keys
        ]  # fmt: skip

    @cached_property
    def comparison(self) -> ContingencyResult:
        """Chi-square (Fisher's exact p too for 2 groups): passed / failed × group."""
        table = [[r.counts.passed, r.counts.sat - r.counts.passed] for r in self.group_rows]
        return chi_square_independence(table or [[0, 0]])

    # --- positions, exams, periods ---------------------------------------------------------

    @cached_property
    def position_rows(self) -> list[RateRow]:
        counts = self._sum_by(1)
        return [
            RateRow(pos or "", pos or _("(chưa ghi chức danh)"), c)
            for pos, c in sorted(counts.items(), key=lambda kv: kv[0] or "")
        ]

    @cached_property
    def exam_rows(self) -> list[RateRow]:
        counts = self._per_key(self._aggregate("exams", rates.by_exam))
        exams = db.session.execute(
            sa.select(Exam.id, Exam.title, Exam.retest_of_id)
            .where(Exam.id.in_(list(counts) or [-1]))
            .order_by(Exam.opens_at, Exam.id)
        ).all()
        return [
            RateRow(eid, title + (f" ({_('thi lại')})" if retest else ""), counts[eid])
            for eid, title, retest in exams
        ]

    @cached_property
    def trend_rows(self) -> list[RateRow]:
        every_period = replace(self.filter, period_id=None, exam_id=None, unit_path=None)
        counts = self._per_key(self._aggregate("trend", rates.by_period, every_period))
        periods = db.session.execute(
            sa.select(Period.id, Period.name)
            .where(Period.id.in_(list(counts) or [-1]))
            .order_by(Period.starts_on, Period.id)
        ).all()
        return [RateRow(pid, name, counts[pid]) for pid, name in periods]

    # --- topics ---------------------------------------------------------------------------

    @cached_property
    def topic_data(self) -> TopicData:
        data = self._aggregate("topics", topic_rates.topic_cells)
        keep = self._unit_by_id
        return TopicData(
            cells={key: cell for key, cell in data.cells.items() if key[0] in keep},
            attempts={unit_id: n for unit_id, n in data.attempts.items() if unit_id in keep},
        )

    @property
    def topic_attempts(self) -> int:
        """Attempts with topic scores (each counted once, whatever its number of topics)."""
        return sum(self.topic_data.attempts.values())

    @cached_property
    def topic_rows(self) -> list[TopicRow]:
        """Every topic over everyone in the filter, weakest (lowest mean) first."""
        cells: dict[int, TopicCell] = {}
        for (_unit, topic_id), cell in self.topic_data.cells.items():
            cells.setdefault(topic_id, TopicCell())
            cells[topic_id] += cell
        names = topic_rates.topic_names(set(cells))
        rows = [TopicRow(t, names.get(t, str(t)), c) for t, c in cells.items()]
        return sorted(rows, key=lambda r: (r.cell.mean or 0.0, r.label))

    @cached_property
    def weakness_rows(self) -> list[WeaknessRow]:
        """Groups × topics, groups with the lowest overall mean first."""
        groups = {r.key: r for r in self.group_rows}
        out: dict[str, WeaknessRow] = {}

        def row_for(unit_id: int) -> WeaknessRow | None:
            key = self.group_of(unit_id)
            if key is None:
                return None
            row_key = f"{key[0]}{'-own' if key[1] else ''}"
            group = groups.get(row_key) or RateRow(row_key, self._unit_by_id[key[0]].name, Counts())
            return out.setdefault(row_key, WeaknessRow(group))

        for (unit_id, topic_id), cell in self.topic_data.cells.items():
            if (row := row_for(unit_id)) is not None:
                row.cells.setdefault(topic_id, TopicCell())
                row.cells[topic_id] += cell
        for unit_id, attempts in self.topic_data.attempts.items():
            if (row := row_for(unit_id)) is not None:
                row.attempts += attempts
        return sorted(out.values(), key=lambda r: (r.overall.mean or 0.0, r.group.label))
