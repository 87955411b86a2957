"""Operations on units and people. They add/flush and audit; callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.extensions import db
from app.models import Assignment, Person, PersonStatus, Unit
from app.text import collation_key, fold, nfc, person_sort_key, squash


class OrgError(ValueError):
    """A rule of the organisation tree was broken; the message is shown to the user."""


# --- units -------------------------------------------------------------------------------


def create_unit(code: str, name: str, kind: str = "", parent: Unit | None = None) -> Unit:
    """Create a unit under ``parent`` (a root when None). Raises OrgError on a used code."""
    code = nfc(code).upper()
    if db.session.scalar(sa.select(Unit.id).where(Unit.code == code)):
        raise OrgError(_l("Mã đơn vị %(code)s đã tồn tại.", code=code))
    unit = Unit(
        code=code, name=squash(name), kind=squash(kind), parent=parent, sort_key=collation_key(name)
    )
    db.session.add(unit)
    db.session.flush()
    unit.path = (parent.path if parent else "/") + f"{unit.id}/"
    unit.depth = parent.depth + 1 if parent else 0
    record_audit("unit.create", unit, after={"code": code, "name": unit.name}, unit_id=unit.id)
    return unit


def rename_unit(unit: Unit, name: str, kind: str | None = None) -> None:
    before = {"name": unit.name, "kind": unit.kind}
    unit.name = squash(name)
    unit.sort_key = collation_key(unit.name)
    if kind is not None:
        unit.kind = squash(kind)
    record_audit(
        "unit.update",
        unit,
        before=before,
        after={"name": unit.name, "kind": unit.kind},
        unit_id=unit.id,
    )


def move_unit(unit: Unit, new_parent: Unit) -> None:
    """Re-parent ``unit`` and rewrite the paths of its whole sub-tree in one statement.

    Raises OrgError when ``new_parent`` is the unit itself or lies under it (a cycle).
    """
    if new_parent.path.startswith(unit.path):
        raise OrgError(_l("Không thể chuyển một đơn vị vào chính nó hoặc đơn vị cấp dưới của nó."))
    old_path, new_path = unit.path, f"{new_parent.path}{unit.id}/"
    shift = new_parent.depth + 1 - unit.depth
    db.session.execute(
        sa.update(Unit)
        .where(Unit.path.startswith(old_path, autoescape=True))
        .values(
            path=sa.literal(new_path) + sa.func.substr(Unit.path, len(old_path) + 1),
            depth=Unit.depth + shift,
        )
        .execution_options(synchronize_session=False)
    )
    before = {"parent_id": unit.parent_id}
    unit.parent_id = new_parent.id
    db.session.flush()
    db.session.expire_all()
    record_audit(
        "unit.move", unit, before=before, after={"parent_id": new_parent.id}, unit_id=unit.id
    )


def set_unit_active(unit: Unit, active: bool) -> None:
    """Activate or deactivate; units with history are never deleted."""
    if not active:
        busy = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Person)
            .join(Unit)
            .where(
                Unit.path.startswith(unit.path, autoescape=True),
                Person.status == PersonStatus.ACTIVE,
            )
        )
        if busy:
            raise OrgError(
                _l("Đơn vị còn %(busy)s cán bộ đang công tác; hãy chuyển họ trước.", busy=busy)
            )
    record_audit(
        "unit.activate" if active else "unit.deactivate",
        unit,
        before={"active": unit.active},
        after={"active": active},
        unit_id=unit.id,
    )
    unit.active = active


def subtree_ids(unit: Unit) -> sa.Select:
    """SELECT of the ids of ``unit`` and everything under it (one indexed LIKE)."""
    return sa.select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))


# --- people ------------------------------------------------------------------------------


@dataclass
class PersonInput:
    full_name: str
    unit: Unit
    position: str = ""
    staff_code: str | None = None
    date_of_birth: date | None = None
    status: PersonStatus = PersonStatus.ACTIVE


def _apply_name(person: Person, full_name: str) -> None:
    person.full_name = squash(full_name)
    person.name_fold = fold(full_name)
    person.sort_key = person_sort_key(full_name)


def create_person(data: PersonInput, *, start: date | None = None, reason: str = "") -> Person:
    """Create a staff profile with its first assignment. Raises OrgError on a used staff code."""
    code = nfc(data.staff_code).upper() or None
    if code and db.session.scalar(sa.select(Person.id).where(Person.staff_code == code)):
        raise OrgError(_l("Mã cán bộ %(code)s đã tồn tại.", code=code))
    person = Person(
        staff_code=code,
        unit=data.unit,
        position=squash(data.position),
        date_of_birth=data.date_of_birth,
        status=data.status,
    )
    _apply_name(person, data.full_name)
    db.session.add(person)
    db.session.flush()
    db.session.add(
        Assignment(
            person=person,
            unit=data.unit,
            position=person.position,
            start_date=start or date.today(),
            reason=reason or "Tạo hồ sơ",
        )
    )
    record_audit(
        "person.create", person, after={"full_name": person.full_name, "unit_id": data.unit.id}
    )
    return person


def update_person(
    person: Person,
    *,
    full_name: str,
    date_of_birth: date | None,
    status: PersonStatus,
    staff_code: str | None,
) -> None:
    """Edit identity fields; unit and position change only through ``reassign_person``."""
    before = {"full_name": person.full_name, "status": person.status.value}
    code = nfc(staff_code).upper() or None
    if (
        code
        and code != person.staff_code
        and db.session.scalar(sa.select(Person.id).where(Person.staff_code == code))
    ):
        raise OrgError(_l("Mã cán bộ %(code)s đã tồn tại.", code=code))
    _apply_name(person, full_name)
    person.date_of_birth, person.status, person.staff_code = date_of_birth, status, code
    record_audit(
        "person.update",
        person,
        before=before,
        after={"full_name": person.full_name, "status": status.value},
    )


def reassign_person(
    person: Person, unit: Unit, position: str, *, on: date, reason: str, decision_ref: str = ""
) -> Assignment:
    """Close the current assignment on ``on`` and open a new one; returns the new one."""
    current = db.session.scalar(
        sa.select(Assignment).where(
            Assignment.person_id == person.id, Assignment.end_date.is_(None)
        )
    )
    if current is not None:
        if on < current.start_date:
            raise OrgError(_l("Ngày điều động phải sau ngày bắt đầu của vị trí hiện tại."))
        current.end_date = on
    new = Assignment(
        person=person,
        unit=unit,
        position=squash(position),
        start_date=on,
        reason=squash(reason),
        decision_ref=squash(decision_ref),
    )
    db.session.add(new)
    before = {"unit_id": person.unit_id, "position": person.position}
    person.unit, person.position = unit, new.position
    db.session.flush()
    record_audit(
        "person.reassign",
        person,
        before=before,
        after={"unit_id": unit.id, "position": new.position},
        reason=reason,
    )
    return new


def search_people(stmt: sa.Select, query: str) -> sa.Select:
    """Narrow a people SELECT by a diacritic- and case-insensitive name or code search."""
    words = fold(query).split()
    for word in words:
        stmt = stmt.where(
            sa.or_(
                Person.name_fold.contains(word, autoescape=True),
                sa.func.lower(Person.staff_code).contains(word, autoescape=True),
            )
        )
    return stmt
