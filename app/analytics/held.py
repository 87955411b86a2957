"""The unit and position a person held in a period, for the statistics of that period.

A period's figures belong to where people worked then, not where they work now: someone
moved from Phường 1 to Xã Long Hưng after failing the first half-year's test is a failure
of Phường 1 in that half-year (and in its trend line), and a pass of Xã Long Hưng in the
next one if they pass there.

The rule: the assignment held on the period's last day (``Period.ends_on``; for the
current period that is the assignment held now, since no assignment has ended in the
future). Assignments are half-open ``[start_date, end_date)``, as ``reassign_person``
writes them. A person's first assignment also covers every date before it (records are
often created after the fact, with the import date as start), and a person with no
assignment at all keeps their current unit and position. (An assignment not ended is the
current one, which ``Person`` mirrors.)

The HR lists and decisions are not counted here: they act on the person where they work
now (``app.hr``), which is what a decision can change.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.models import Assignment, Period, Person, Unit

Held = aliased(Assignment, name="held")
_HeldPeriod = aliased(Period, name="held_period")
_Earlier = aliased(Assignment, name="earlier")

# What callers group by instead of Person.unit_id and Person.position.
UNIT_ID = sa.func.coalesce(Held.unit_id, Person.unit_id)
POSITION = sa.func.coalesce(Held.position, Person.position)  # Held.position is NOT NULL


def _is_first() -> sa.ColumnElement[bool]:
    """``Held`` is the person's first assignment (earliest start, then lowest id)."""
    earlier = sa.or_(
        _Earlier.start_date < Held.start_date,
        sa.and_(_Earlier.start_date == Held.start_date, _Earlier.id < Held.id),
    )
    return ~sa.exists().where(_Earlier.person_id == Held.person_id, earlier)


def join_held(stmt: sa.Select, person_id: Any, period_id: Any) -> sa.Select:
    """Join ``Person`` (by ``person_id``), the assignment held at the end of the period
    ``period_id`` when it is not the current one (outer: ``Held`` columns are NULL
    otherwise) and ``Unit`` — the unit held then — to ``stmt``; group and filter by
    ``UNIT_ID``, ``POSITION`` and ``Unit``.

    Only *ended* assignments are joined: the current one is what ``Person.unit_id`` and
    ``Person.position`` already say (``reassign_person`` keeps them equal), and most people
    never move, so the join reads a few rows instead of one per person. An empty interval
    ``[d, d)`` (a move cancelled before it took effect) is never held."""
    # a scalar subquery, evaluated only for the few ended assignments that match: joining
    # the periods table instead spoils PostgreSQL's row estimates for the whole statement
    ends = sa.select(_HeldPeriod.ends_on).where(_HeldPeriod.id == period_id).scalar_subquery()
    covers = sa.and_(
        Held.person_id == person_id,
        Held.end_date.is_not(None),
        Held.end_date > ends,
        Held.end_date > Held.start_date,
        sa.or_(Held.start_date <= ends, _is_first()),
    )
    return (
        stmt.join(Person, Person.id == person_id)
        .outerjoin(Held, covers)
        .join(Unit, Unit.id == UNIT_ID)
    )
