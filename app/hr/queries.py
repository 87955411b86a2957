"""Scoped reads for the HR pages and API: periods, the people a list covers, cases."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from app.access import Perm, get_in_scope_or_404, scope_clause
from app.extensions import db
from app.hr.facts import Roster
from app.models import HrCase, HrDecision, Period, Person, PersonStatus, Unit, utcnow


def periods() -> list[Period]:
    return list(db.session.scalars(sa.select(Period).order_by(Period.starts_on.desc())))


def period_or_current(period_id: int | None) -> Period | None:
    """The period asked for, else the one holding today, else the latest."""
    if period_id:
        return db.session.get(Period, period_id)
    today = utcnow().date()
    found = db.session.scalar(
        sa.select(Period).where(Period.starts_on <= today, Period.ends_on >= today)
    )
    return found or next(iter(periods()), None)


def _people_stmt(unit_id: int | None, *columns) -> sa.Select:
    stmt = (
        sa.select(*columns)
        .select_from(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Person.status == PersonStatus.ACTIVE, scope_clause(Perm.RESULTS_VIEW, Unit.path))
        .order_by(Unit.path, Person.sort_key, Person.id)
    )
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            return stmt.where(sa.false())
        stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
    return stmt


def people_in_scope(unit_id: int | None = None) -> list[Person]:
    """Active people within the caller's RESULTS_VIEW scope (and under ``unit_id``)."""
    return list(db.session.scalars(_people_stmt(unit_id, Person)))


def roster_in_scope(unit_id: int | None = None) -> Roster:
    """The same people as a ``Roster`` (ids and unit paths, no objects): for the HR lists."""
    return Roster.of_select(_people_stmt(unit_id, Person.id, Unit.path))


def period_for_lists(period_id: int | None) -> Period | None:
    """The period asked for, else the latest period that has ended (lists are made after a
    period closes), else the current or latest one."""
    if period_id:
        return db.session.get(Period, period_id)
    ended = db.session.scalar(
        sa.select(Period).where(Period.ends_on < utcnow().date()).order_by(Period.ends_on.desc())
    )
    return ended or period_or_current(None)


def case_or_404(case_id: int, perm: Perm) -> HrCase:
    """The case if its unit lies in the caller's scope for ``perm``; 404 otherwise."""
    return get_in_scope_or_404(HrCase, case_id, perm, Unit.path)


def person_or_404(person_id: int, perm: Perm) -> Person:
    return get_in_scope_or_404(Person, person_id, perm, Unit.path)


def unit_in_scope(unit_id: int | None, perm: Perm) -> Unit | None:
    """The unit if the caller holds ``perm`` there (None when absent or out of scope)."""
    unit = db.session.get(Unit, unit_id) if unit_id else None
    return unit if unit is not None and current_user.can(perm, unit) else None


def decisions_about(person_id: int) -> list[HrDecision]:
    """Every decision (superseded ones too) on cases of ``person_id``, newest first."""
    return list(
        db.session.scalars(
            sa.select(HrDecision)
            .join(HrCase, HrCase.id == HrDecision.case_id)
            .where(HrCase.person_id == person_id)
            .order_by(HrDecision.decided_at.desc(), HrDecision.id.desc())
        )
    )
