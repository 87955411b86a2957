"""Scoped reads: which rounds a caller manages or is assigned to, and whom they may score.

Managers (ASSESS_MANAGE) see the rounds whose owning unit lies in their scope; assessors
(ASSESS) see only the rounds they are assigned to, and only the people of the units they
cover there. Anything else answers 404.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from app.access import Perm, scope_clause
from app.extensions import db
from app.models import (
    Account,
    Conflict,
    Period,
    Person,
    Round,
    RoundAssessor,
    Rubric,
    RubricVersion,
    Sheet,
    Unit,
    VersionState,
)
from app.text import fold


def managed_rounds_stmt() -> sa.Select:
    return (
        sa.select(Round)
        .join(Unit, Round.unit_id == Unit.id)
        .where(scope_clause(Perm.ASSESS_MANAGE, Unit.path))
    )


def assigned_rounds_stmt(account_id: int) -> sa.Select:
    assigned = sa.select(RoundAssessor.round_id).where(RoundAssessor.account_id == account_id)
    return sa.select(Round).where(Round.id.in_(assigned))


def managed_rounds() -> list[Round]:
    return list(db.session.scalars(managed_rounds_stmt().order_by(Round.id.desc())))


def assigned_rounds(account_id: int) -> list[Round]:
    if not current_user.can(Perm.ASSESS):
        return []
    return list(db.session.scalars(assigned_rounds_stmt(account_id).order_by(Round.id.desc())))


def visible_rounds(account_id: int) -> list[Round]:
    """Rounds the caller manages or is assigned to, newest first, without duplicates."""
    rounds = {r.id: r for r in managed_rounds() + assigned_rounds(account_id)}
    return sorted(rounds.values(), key=lambda r: -r.id)


def managed_round_or_404(round_id: int) -> Round:
    rnd = db.session.scalar(managed_rounds_stmt().where(Round.id == round_id))
    if rnd is None:
        abort(404)
    return rnd


def assigned_round_or_404(round_id: int, account_id: int) -> Round:
    rnd = db.session.scalar(assigned_rounds_stmt(account_id).where(Round.id == round_id))
    if rnd is None:
        abort(404)
    return rnd


def covered_paths(round_id: int, account_id: int) -> list[str]:
    stmt = (
        sa.select(Unit.path)
        .join(RoundAssessor, RoundAssessor.unit_id == Unit.id)
        .where(RoundAssessor.round_id == round_id, RoundAssessor.account_id == account_id)
    )
    return list(db.session.scalars(stmt))


def people_to_score(round_id: int, account_id: int, q: str = "", limit: int = 50) -> list[Person]:
    """People the assessor covers in the round; ``q`` matches names ignoring diacritics."""
    paths = covered_paths(round_id, account_id)
    if not paths:
        return []
    stmt = (
        sa.select(Person)
        .join(Unit, Person.unit_id == Unit.id)
        .where(sa.or_(*(Unit.path.startswith(p, autoescape=True) for p in paths)))
    )
    if fold(q):
        stmt = stmt.where(Person.name_fold.contains(fold(q), autoescape=True))
    return list(db.session.scalars(stmt.order_by(Person.sort_key).limit(limit)))


def person_to_score_or_404(round_id: int, account_id: int, person_id: int) -> Person:
    paths = covered_paths(round_id, account_id)
    person = db.session.get(Person, person_id)
    if person is None or not any(person.unit.path.startswith(p) for p in paths):
        abort(404)
    return person


def units_in_scope() -> list[Unit]:
    stmt = sa.select(Unit).where(scope_clause(Perm.ASSESS_MANAGE, Unit.path)).order_by(Unit.path)
    return list(db.session.scalars(stmt))


def approved_versions() -> list[RubricVersion]:
    stmt = sa.select(RubricVersion).where(RubricVersion.state == VersionState.APPROVED)
    return list(db.session.scalars(stmt.order_by(RubricVersion.id.desc())))


def periods() -> list[Period]:
    return list(db.session.scalars(sa.select(Period).order_by(Period.starts_on.desc())))


def accounts_by_id(ids: list[int]) -> dict[int, Account]:
    return {a.id: a for a in db.session.scalars(sa.select(Account).where(Account.id.in_(ids)))}


def active_accounts() -> list[Account]:
    stmt = sa.select(Account).where(Account.active.is_(True), Account.is_service.is_(False))
    return list(db.session.scalars(stmt.order_by(Account.username)))


def units_under(rnd: Round) -> list[Unit]:
    """The round's units and everything below them, in tree order."""
    roots = db.session.scalars(sa.select(Unit.path).where(Unit.id.in_(rnd.unit_ids))).all()
    if not roots:
        return []
    clause = sa.or_(*(Unit.path.startswith(p, autoescape=True) for p in roots))
    return list(db.session.scalars(sa.select(Unit).where(clause).order_by(Unit.path)))


def _people_in_units_stmt(unit_ids: list[int]) -> sa.Select | None:
    roots = db.session.scalars(sa.select(Unit.path).where(Unit.id.in_(unit_ids))).all()
    if not roots:
        return None
    clause = sa.or_(*(Unit.path.startswith(p, autoescape=True) for p in roots))
    return sa.select(Person).join(Unit, Person.unit_id == Unit.id).where(clause)


def people_in_units(unit_ids: list[int]) -> list[Person]:
    """Everyone working in these units or below them, sorted by given name."""
    stmt = _people_in_units_stmt(unit_ids)
    return [] if stmt is None else list(db.session.scalars(stmt.order_by(Person.sort_key)))


def search_people_in_units(unit_ids: list[int], q: str, limit: int = 20) -> list[Person]:
    """People of these units (and below) whose name or staff code matches ``q`` ignoring
    case and diacritics (đ → d); nothing for an empty query."""
    stmt = _people_in_units_stmt(unit_ids)
    key = fold(q)
    if stmt is None or not key:
        return []
    match = sa.or_(
        Person.name_fold.contains(key, autoescape=True),
        sa.func.lower(Person.staff_code) == key,
    )
    return list(db.session.scalars(stmt.where(match).order_by(Person.sort_key).limit(limit)))


def person_in_units(unit_ids: list[int], person_id: int | None) -> Person | None:
    """``person_id`` if that person works in these units (or below), else None."""
    stmt = _people_in_units_stmt(unit_ids)
    if stmt is None or person_id is None:
        return None
    return db.session.scalar(stmt.where(Person.id == person_id))


def conflicts_of(round_id: int) -> list[Conflict]:
    stmt = sa.select(Conflict).where(Conflict.round_id == round_id).order_by(Conflict.id)
    return list(db.session.scalars(stmt))


def live_sheet(
    round_id: int, person_id: int, account_id: int, sheet_id: int | None
) -> Sheet | None:
    """The caller's live sheet ``sheet_id`` for this person in this round, else None."""
    if sheet_id is None:
        return None
    return db.session.scalar(
        sa.select(Sheet).where(
            Sheet.id == sheet_id,
            Sheet.round_id == round_id,
            Sheet.person_id == person_id,
            Sheet.assessor_id == account_id,
            Sheet.live_key.is_not(None),
        )
    )


def own_sheet_or_404(sheet_id: int, account_id: int) -> Sheet:
    """One of the caller's sheets in a round they are still assigned to, or 404."""
    assigned = sa.select(RoundAssessor.round_id).where(RoundAssessor.account_id == account_id)
    sheet = db.session.scalar(
        sa.select(Sheet).where(
            Sheet.id == sheet_id, Sheet.assessor_id == account_id, Sheet.round_id.in_(assigned)
        )
    )
    if sheet is None:
        abort(404)
    return sheet


# --- rubrics (province-wide, like the question bank: no unit scope) -----------------------


def rubrics() -> list[Rubric]:
    """Every rubric, by name."""
    return list(db.session.scalars(sa.select(Rubric).order_by(Rubric.name, Rubric.id)))


def rubric_or_404(rubric_id: int) -> Rubric:
    rubric = db.session.get(Rubric, rubric_id)
    if rubric is None:
        abort(404)
    return rubric


def rubric_version_or_404(version_id: int) -> RubricVersion:
    version = db.session.get(RubricVersion, version_id)
    if version is None:
        abort(404)
    return version


def managed_rounds_on(version_id: int, calibration_only: bool = False) -> list[Round]:
    """Rounds in the caller's ASSESS_MANAGE scope that use this rubric version."""
    stmt = managed_rounds_stmt().where(Round.rubric_version_id == version_id)
    if calibration_only:
        stmt = stmt.where(Round.calibration.is_(True))
    return list(db.session.scalars(stmt.order_by(Round.id)))
