"""The report's figures, counted by the dashboards' own functions so a report and a page
never disagree.

- Knowledge: ``app.analytics.rates_report.PassRates`` for the assessment period of the
  report (the pass-rate page with that period and unit): the required people of the
  period's live exams, who sat and who passed, a passed retest counted once; the lines are
  the page's groups (the unit's direct sub-units with their sub-trees, and its own staff).
- Satisfaction: ``app.analytics.satisfaction`` over the report's dates for the dashboard's
  default questionnaire (the satisfaction page with those dates and unit): the officer
  rating item, per line and in total, and the seed indicators as the page defines them.
- Communication has no dashboard: the officers assessed in rounds of the periods that
  overlap the range, summed per unit here (``communication_by_unit``, ``roll_up``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.analytics.rates import RateFilter
from app.analytics.rates_report import PassRates
from app.analytics.satisfaction import satisfaction_report
from app.analytics.satisfaction_counts import count_rows
from app.analytics.satisfaction_filters import default_questionnaire
from app.analytics.satisfaction_stats import SeedResult
from app.extensions import db
from app.models import Period, QuestionType, Unit
from app.surveys.queries import ResponseFilter

SATISFIED_MIN = 4  # scale5: the top two levels, "Hài lòng" and "Rất hài lòng"


@dataclass
class Count:
    """``ok`` of ``n`` in one report line (and a mean where the figure has one)."""

    name: str
    n: int = 0
    ok: int = 0
    total: float = 0.0  # sum of the values whose mean is reported

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None


def _subtree(unit: Unit) -> sa.Select:
    return sa.select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))


def roll_up(unit: Unit, rows: dict[int, tuple[int, int, float]]) -> tuple[list[Count], Count]:
    """Per-unit ``(n, ok, total)`` summed into the lines of ``unit`` and its total."""
    children = db.session.scalars(
        sa.select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.sort_key)
    ).all()
    paths = dict(db.session.execute(sa.select(Unit.id, Unit.path).where(Unit.id.in_(rows))).all())
    lines = [Count(c.name) for c in children]
    own = Count(f"{unit.name} (trực thuộc)" if children else unit.name)
    total = Count("Tổng cộng")
    for unit_id, (n, ok, value) in rows.items():
        line = next(
            (
                ln
                for c, ln in zip(children, lines, strict=True)
                if paths[unit_id].startswith(c.path)
            ),
            own,
        )
        for target in (line, total):
            target.n, target.ok, target.total = target.n + n, target.ok + ok, target.total + value
    shown = [ln for ln in lines if ln.n] + ([own] if own.n else [])
    return shown, total


def communication_by_unit(unit: Unit, start: date, end: date) -> dict[int, tuple[int, int, float]]:
    """Per unit: officers with a submitted assessment in a round of a period overlapping
    the range, how many passed (mean of their sheets ≥ the rubric's threshold, best round)."""
    per_person = sa.text(
        "SELECT person_id, max(CASE WHEN pct >= threshold - 1e-9 THEN 1 ELSE 0 END) AS ok"
        " FROM (SELECT s.person_id AS person_id, avg(s.percent) AS pct,"
        " rv.pass_threshold AS threshold"
        " FROM assessment_sheets s JOIN assessment_rounds r ON r.id = s.round_id"
        " JOIN rubric_versions rv ON rv.id = r.rubric_version_id"
        " JOIN periods pe ON pe.id = r.period_id"
        " WHERE s.state = 'submitted' AND s.live_key IS NOT NULL AND r.calibration = :no"
        " AND pe.starts_on <= :end AND pe.ends_on >= :start"
        " GROUP BY s.round_id, s.person_id, rv.pass_threshold) t GROUP BY person_id"
    ).columns(sa.column("person_id"), sa.column("ok"))
    return _by_person_unit(unit, per_person, {"start": start, "end": end, "no": False})


def _by_person_unit(unit: Unit, per_person, params: dict) -> dict[int, tuple[int, int, float]]:
    sub = per_person.subquery("per_person")
    people = sa.table("people", sa.column("id"), sa.column("unit_id"))
    stmt = (
        sa.select(people.c.unit_id, sa.func.count(), sa.func.sum(sub.c.ok))
        .select_from(sub.join(people, people.c.id == sub.c.person_id))
        .where(people.c.unit_id.in_(_subtree(unit)))
        .group_by(people.c.unit_id)
    )
    rows = db.session.execute(stmt, params).all()
    return {uid: (int(n), int(ok or 0), float(ok or 0)) for uid, n, ok in rows}


# --- the dashboards' figures ----------------------------------------------------------------


@dataclass
class Knowledge:
    """The pass-rate page's figures for one assessment period and unit."""

    period: Period
    lines: list[Count]
    total: Count
    required: int  # people who had to sit (the rate's denominator is who sat: ``total.n``)


def knowledge(unit: Unit, assessment: Period) -> Knowledge:
    """The lines and total of the pass-rate page for ``assessment`` and ``unit``."""
    f = RateFilter(period_id=assessment.id, unit_path=unit.path, perm=None)
    page = PassRates(f, unit)
    several = len(page.group_rows) > 1
    lines = [
        Count(
            f"{unit.name} (trực thuộc)" if row.unit_id is None and several else row.label,
            row.counts.sat,
            row.counts.passed,
            float(row.counts.passed),
        )
        for row in page.group_rows
    ]
    t = page.total
    return Knowledge(assessment, lines, Count("Tổng cộng", t.sat, t.passed, t.passed), t.required)


@dataclass
class Satisfaction:
    """The satisfaction page's figures for the report's dates and unit."""

    lines: list[Count]  # officer rating: n, satisfied (levels 4–5), sum of levels
    total: Count
    seeds: list[SeedResult]


def satisfaction_filter(unit: Unit, start: date, end: date) -> ResponseFilter:
    """The satisfaction page's filter for these dates and unit (default questionnaire)."""
    questionnaire = default_questionnaire()
    return ResponseFilter(
        questionnaire_id=questionnaire.id if questionnaire else None,
        start=start,
        end=end,
        unit_path=unit.path,
        unscoped=True,
    )


def satisfaction(unit: Unit, start: date, end: date) -> Satisfaction:
    """Officer ratings per line and in total, and the seed indicators, as the page counts
    them (``count_rows``: monthly rollups plus raw days). Refresh the rollups first."""
    f = satisfaction_filter(unit, start, end)
    report = satisfaction_report(f, parent=unit)
    officer = next(
        (q.question for q in report.questions
         if q.question.rates_officer and q.question.qtype is QuestionType.SCALE5),
        None,
    )  # fmt: skip
    per_unit: dict[int, tuple[int, int, float]] = {}
    if officer is not None:
        for (unit_id, level), c in count_rows(f, ["unit_id", "number"], officer.ids).items():
            if level is None:
                continue
            n, ok, total = per_unit.get(unit_id, (0, 0, 0.0))
            per_unit[unit_id] = (n + c, ok + c * (level >= SATISFIED_MIN), total + c * level)
    lines, total = roll_up(unit, per_unit)
    return Satisfaction(lines, total, report.seeds)
