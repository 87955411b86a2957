"""Scoped reads of units and people: every list goes through the caller's grants."""

from __future__ import annotations

import sqlalchemy as sa

from app.access import Perm, scope_clause
from app.extensions import db
from app.models import Person, Unit
from app.org.services import search_people


def units_in_scope(perm: Perm, *, active_only: bool = False) -> list[Unit]:
    """Units the caller holds ``perm`` on, in tree order."""
    stmt = sa.select(Unit).where(scope_clause(perm, Unit.path)).order_by(Unit.path)
    if active_only:
        stmt = stmt.where(Unit.active.is_(True))
    units = list(db.session.scalars(stmt))
    return tree_order(units)


def tree_order(units: list[Unit]) -> list[Unit]:
    """Depth-first order with siblings sorted by name (Vietnamese collation)."""
    by_parent: dict[int | None, list[Unit]] = {}
    ids = {u.id for u in units}
    for u in units:
        key = u.parent_id if u.parent_id in ids else None
        by_parent.setdefault(key, []).append(u)
    ordered: list[Unit] = []

    def walk(parent: int | None) -> None:
        for u in sorted(by_parent.get(parent, []), key=lambda x: x.sort_key):
            ordered.append(u)
            walk(u.id)

    walk(None)
    return ordered


def unit_choices(perm: Perm) -> list[tuple[int, str]]:
    base = min((u.depth for u in units_in_scope(perm)), default=0)
    return [
        (u.id, "— " * (u.depth - base) + u.name) for u in units_in_scope(perm, active_only=True)
    ]


def people_query(perm: Perm, *, q: str = "", unit: Unit | None = None) -> sa.Select:
    """People the caller may see with ``perm``, optionally searched and within ``unit``."""
    stmt = (
        sa.select(Person).join(Unit, Person.unit_id == Unit.id).where(scope_clause(perm, Unit.path))
    )
    if unit is not None:
        stmt = stmt.where(Unit.path.startswith(unit.path, autoescape=True))
    if q:
        stmt = search_people(stmt, q)
    return stmt.order_by(Person.sort_key, Person.id)


def paginate(stmt: sa.Select, page: int, per_page: int):
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
