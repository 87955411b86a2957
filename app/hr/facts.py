"""Set-based facts behind the period verdicts and the HR lists: a few GROUP BY queries for a
whole roster of people and several periods at once, then pure functions.

- ``Roster``: the people a list covers, as a SELECT of their ids (used as ``IN (SELECT …)``,
  never as a list of bound ids, so a province of 100,000 people is one query) and, read
  once, each person's id and unit path in list order.
- Knowledge: ``app.analytics.rates.period_outcomes``, the very subquery the pass-rate
  dashboard counts, so a verdict and a dashboard figure cannot disagree.
- Best knowledge percentages: one GROUP BY; officer ratings: the satisfaction rollups.
- Communication: one query for the rounds of the periods, one for the mean percentage of
  every officer's live submitted sheets per round (``app.assessments.results`` judges one
  officer the same way); who lies in a round follows from the unit paths in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from app.analytics import rates
from app.analytics.satisfaction_counts import count_rows
from app.extensions import db
from app.models import (
    Attempt,
    AttemptState,
    Exam,
    ExamState,
    Period,
    Person,
    Round,
    Sheet,
    SheetState,
    SurveyQuestion,
    Unit,
)
from app.models.assessments import RubricVersion
from app.surveys.queries import ResponseFilter

ID_LIST_MAX = 5_000  # bound ids per IN (…); beyond, the roster's SELECT (PostgreSQL: 65,535)
SATISFIED_MIN = 4  # scale5: 4 "Hài lòng" and 5 "Rất hài lòng" are the top two levels


@dataclass
class Roster:
    """The people covered: ``ids`` (a SELECT of person ids) and ``members`` (id, unit path)
    in the list order. A roster made from a SELECT keeps it as ``stmt`` (its order is the
    list order: pages are cut from it in SQL) and reads ``members`` only when asked."""

    ids: sa.Select
    _members: list[tuple[int, str]] | None = None
    stmt: sa.Select | None = None

    @classmethod
    def of_people(cls, people: Sequence[Person]) -> Roster:
        """A roster of ORM people (tests, one person's case, the verdict list)."""
        members = [(p.id, p.unit.path) for p in people]
        return cls(ids_select([pid for pid, _path in members]), members)

    @classmethod
    def of_select(cls, stmt: sa.Select) -> Roster:
        """A roster from ``SELECT Person.id, Unit.path … ORDER BY …`` (joined to the unit)."""
        return cls(stmt.with_only_columns(Person.id).order_by(None), None, stmt)

    @property
    def members(self) -> list[tuple[int, str]]:
        if self._members is None:
            rows = db.session.execute(self.stmt) if self.stmt is not None else ()
            self._members = [(int(pid), path) for pid, path in rows]
        return self._members

    @property
    def person_ids(self) -> list[int]:
        return [pid for pid, _path in self.members]


def ids_select(ids: list[int]) -> sa.Select:
    """``SELECT id FROM people WHERE id IN (ids)``; for more than ``ID_LIST_MAX`` ids every
    person instead (too many bound values for PostgreSQL): the facts then hold a few rows
    more, which is harmless, since every caller looks its own people up."""
    stmt = sa.select(Person.id)
    return stmt if len(ids) > ID_LIST_MAX else stmt.where(Person.id.in_(ids))


def as_roster(people: Roster | Sequence[Person]) -> Roster:
    return people if isinstance(people, Roster) else Roster.of_people(people)


def knowledge_rows(period_ids: Iterable[int], roster: Roster) -> dict[tuple[int, int], int]:
    """``{(person id, period id): sat + passed}`` of every required person of the roster:
    0 did not sit, 1 sat and did not pass, 2 passed."""
    o = rates.period_outcomes(None)
    stmt = sa.select(o.c.person_id, o.c.period_id, o.c.sat + o.c.passed).where(
        o.c.period_id.in_(sorted(set(period_ids))), o.c.person_id.in_(roster.ids)
    )
    return {(pid, per): code for pid, per, code in db.session.execute(stmt).tuples()}


@dataclass(frozen=True)
class RoundFacts:
    """A live (not calibration) round: its period, the units it covers, its pass mark."""

    id: int
    period_id: int
    unit_ids: frozenset[int]
    threshold: float


def rounds_of(period_ids: Iterable[int]) -> list[RoundFacts]:
    stmt = (
        sa.select(Round.id, Round.period_id, Round.unit_ids, RubricVersion.pass_threshold)
        .join(RubricVersion, RubricVersion.id == Round.rubric_version_id)
        .where(Round.period_id.in_(sorted(set(period_ids))), Round.calibration.is_(False))
        .order_by(Round.id)
    )
    return [
        RoundFacts(rid, pid, frozenset(int(u) for u in units or ()), float(threshold))
        for rid, pid, units, threshold in db.session.execute(stmt)
    ]


def sheet_means(rounds: list[RoundFacts], roster: Roster) -> dict[tuple[int, int], float]:
    """``{(round id, person id): mean percentage}`` over live submitted sheets (a sheet
    without a percentage counts 0, as in ``app.assessments.results``)."""
    if not rounds:
        return {}
    stmt = (
        sa.select(Sheet.round_id, Sheet.person_id, sa.func.avg(sa.func.coalesce(Sheet.percent, 0)))
        .where(
            Sheet.round_id.in_([r.id for r in rounds]),
            Sheet.state == SheetState.SUBMITTED,
            Sheet.live_key.is_not(None),
            Sheet.person_id.in_(roster.ids),
        )
        .group_by(Sheet.round_id, Sheet.person_id)
    )
    return {(rid, pid): float(mean) for rid, pid, mean in db.session.execute(stmt)}


def path_ids(path: str) -> frozenset[int]:
    """ "/1/4/17/" → {1, 4, 17}: a unit and its ancestors."""
    return frozenset(int(part) for part in path.strip("/").split("/") if part)


def _among(column: sa.ColumnElement, ids: list[int], roster: Roster | None) -> sa.ColumnElement:
    """``column IN (ids)`` for a few ids, else ``IN (the roster's SELECT)`` (no bound id list
    of the size of a province)."""
    if roster is not None and len(ids) > ID_LIST_MAX:
        return column.in_(roster.ids)
    return column.in_(ids)


def knowledge_percents(
    period: Period, person_ids: list[int], roster: Roster | None = None
) -> dict[int, float]:
    """The best finished attempt's percentage per person in ``period``'s live exams (one
    GROUP BY)."""
    if not person_ids:
        return {}
    rows = db.session.execute(
        sa.select(Attempt.person_id, sa.func.max(Attempt.percent))
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(
            Exam.period_id == period.id,
            Exam.state != ExamState.CANCELLED,
            Attempt.state == AttemptState.FINISHED,
            _among(Attempt.person_id, person_ids, roster),
        )
        .group_by(Attempt.person_id)
    ).all()
    return {pid: pct for pid, pct in rows if pct is not None}


def officer_ratings(
    period: Period, people: Roster | list[int] | None
) -> dict[int, tuple[int, int]]:
    """``{officer_id: (n, satisfied)}`` of ``people`` (None: every rated officer): ratings
    of the officer-rating questions over the period's dates, burst-flagged responses left
    out, counted by the satisfaction module's ``count_rows`` (monthly rollups for whole
    months, raw days for the rest). Callers that can write refresh the rollups first
    (``refresh_rollups``), as the satisfaction page."""
    wanted = None
    if people is not None:
        wanted = set(people.person_ids if isinstance(people, Roster) else people)
    questions = db.session.scalars(
        sa.select(SurveyQuestion.id).where(SurveyQuestion.rates_officer.is_(True))
    ).all()
    if wanted == set() or not questions:
        return {}
    f = ResponseFilter(start=period.starts_on, end=period.ends_on, unscoped=True)
    out: dict[int, tuple[int, int]] = {}
    for (officer, level), c in count_rows(f, ["officer_id", "number"], questions).items():
        if (wanted is None or officer in wanted) and officer is not None and level is not None:
            n, ok = out.get(officer, (0, 0))
            out[officer] = (n + c, ok + c * (level >= SATISFIED_MIN))
    return out


@dataclass(frozen=True)
class PersonRow:
    """What a list entry shows of a person, read as plain columns, not as an ORM object
    (an export lists tens of thousands); ``unit`` is the session's Unit."""

    id: int
    full_name: str
    staff_code: str | None
    position: str
    unit_id: int
    unit: Unit


def person_rows(person_ids: list[int]) -> dict[int, PersonRow]:
    """The people of ``person_ids`` as ``PersonRow``s (in chunks of thousands; every unit
    read once, a few hundred rows)."""
    found: dict[int, PersonRow] = {}
    if not person_ids:
        return found
    units = {u.id: u for u in db.session.scalars(sa.select(Unit))}
    columns = (Person.id, Person.full_name, Person.staff_code, Person.position, Person.unit_id)
    for start in range(0, len(person_ids), ID_LIST_MAX):
        chunk = person_ids[start : start + ID_LIST_MAX]
        for pid, name, code, position, unit_id in db.session.execute(
            sa.select(*columns).where(Person.id.in_(chunk))
        ):
            found[pid] = PersonRow(pid, name, code, position, unit_id, units[unit_id])
    return found
