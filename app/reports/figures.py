"""The report's figures: small SQL aggregates over a unit's sub-tree and a date range.

Each query groups by the unit of the person (or of the response) — one row per unit, a
few hundred at most — and ``roll_up`` adds those rows into the report's lines: the direct
sub-units of the chosen unit, each with its whole sub-tree, plus the chosen unit's own
staff. Counting is per person: a person passes the knowledge test in the range when any
finished attempt passed (a passed retest counts), as in the period verdict; the unit is the
person's current one. These helpers are deliberately plain; the analytics modules
(``app.analytics.rates``, ``app.analytics.satisfaction``) may replace them later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.i18n import TZ
from app.models import Unit

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


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end + 1 day 00:00) in Vietnam time, as UTC instants."""
    low = datetime.combine(start, time(0), TZ).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time(0), TZ).astimezone(UTC)
    return low, high


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


def knowledge_by_unit(unit: Unit, start: date, end: date) -> dict[int, tuple[int, int, float]]:
    """Per unit: people who finished a knowledge test in the range, and how many passed."""
    low, high = _bounds(start, end)
    per_person = sa.text(
        "SELECT a.person_id AS person_id, max(CASE WHEN a.passed THEN 1 ELSE 0 END) AS ok"
        " FROM attempts a JOIN exams e ON e.id = a.exam_id"
        " WHERE a.state = 'finished' AND e.state <> 'cancelled'"
        " AND a.finished_at >= :low AND a.finished_at < :high GROUP BY a.person_id"
    ).columns(sa.column("person_id"), sa.column("ok"))
    return _by_person_unit(unit, per_person, {"low": low, "high": high})


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


def satisfaction_by_unit(unit: Unit, start: date, end: date) -> dict[int, tuple[int, int, float]]:
    """Per unit: ratings of the officer-rating question (not flagged responses), how many
    in the top two levels, and their sum (for the mean on the 1–5 scale)."""
    stmt = sa.text(
        "SELECT r.unit_id, count(*),"
        " sum(CASE WHEN a.number >= :top THEN 1 ELSE 0 END), sum(a.number)"
        " FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id"
        " JOIN survey_questions q ON q.id = a.question_id"
        " WHERE q.rates_officer = :yes AND a.number IS NOT NULL AND r.flagged = :no"
        " AND r.day >= :start AND r.day <= :end AND r.unit_id IN :units GROUP BY r.unit_id"
    ).bindparams(sa.bindparam("units", expanding=True))
    units = db.session.scalars(_subtree(unit)).all()
    params = {"top": SATISFIED_MIN, "yes": True, "no": False, "start": start, "end": end}
    rows = db.session.execute(stmt, {**params, "units": units}).all()
    return {uid: (int(n), int(ok or 0), float(total or 0)) for uid, n, ok, total in rows}


def seed_indicators(unit: Unit, start: date, end: date) -> dict[str, tuple[int, int]]:
    """The 2015 survey's indicators as (cases, of n): staff found indifferent, dossiers
    supplemented two or more times, late results without a written apology."""
    units = db.session.scalars(_subtree(unit)).all()
    base = (
        " FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id"
        " JOIN survey_questions q ON q.id = a.question_id"
        " WHERE q.key = :key AND r.flagged = :no AND r.day >= :start AND r.day <= :end"
        " AND r.unit_id IN :units"
    )
    queries = {
        "indifferent": ("attitude", "sum(CASE WHEN a.choice = 'tho_o' THEN 1 ELSE 0 END)"),
        "supplemented": ("supplement_times", "sum(CASE WHEN a.number >= 2 THEN 1 ELSE 0 END)"),
        "late": ("late", "sum(CASE WHEN a.choice = 'co' THEN 1 ELSE 0 END)"),
        "apology": ("late_apology", "sum(CASE WHEN a.number = 1 THEN 1 ELSE 0 END)"),
    }
    found = {}
    params = {"no": False, "start": start, "end": end, "units": units}
    for name, (key, cases) in queries.items():
        stmt = sa.text(f"SELECT {cases}, count(DISTINCT r.id)" + base).bindparams(
            sa.bindparam("units", expanding=True)
        )
        ok, n = db.session.execute(stmt, {**params, "key": key}).one()
        found[name] = (int(ok or 0), int(n or 0))
    late, apologies = found.pop("late")[0], found.pop("apology")[0]
    found["late_no_apology"] = (max(late - apologies, 0), late)
    return found
