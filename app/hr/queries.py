"""Scoped reads for the HR pages and API: periods, the people a verdict list covers."""

from __future__ import annotations

import sqlalchemy as sa

from app.access import Perm, scope_clause
from app.extensions import db
from app.models import Period, Person, PersonStatus, Unit, utcnow


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


def people_in_scope(unit_id: int | None = None) -> list[Person]:
    """Active people within the caller's RESULTS_VIEW scope (and under ``unit_id``)."""
    stmt = (
        sa.select(Person)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Person.status == PersonStatus.ACTIVE, scope_clause(Perm.RESULTS_VIEW, Unit.path))
        .order_by(Unit.path, Person.sort_key)
    )
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            return []
        stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
    return list(db.session.scalars(stmt))
