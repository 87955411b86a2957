"""Dossier codes: registered in bulk by the one-stop software, each rateable once.

``claim_dossier`` is the once-only guarantee: one ``UPDATE … SET used = true WHERE code =
:code AND used = false`` whose row count says who won. On PostgreSQL a concurrent second
UPDATE waits for the first transaction and then finds ``used`` already true; on SQLite
``BEGIN IMMEDIATE`` serialises the writers. Nothing records which response a code produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.extensions import db
from app.models import Dossier, Person, Unit
from app.text import nfc, squash


class DossierError(ValueError):
    """``code`` is "unknown_dossier" or "used_dossier"; the message is for the citizen."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


USED_MESSAGE = _l("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.")


def normalise_code(code: str | None) -> str:
    return nfc(code).upper().replace(" ", "")[:60]


@dataclass
class RegisterReport:
    created: int = 0
    existing: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


def _resolve(row: dict[str, Any], units: dict[str, Unit], people: dict[str, Person]):
    unit = units.get(str(row.get("unit_code", "")).upper())
    if unit is None:
        return None, None, _l("Mã đơn vị không có hoặc ngoài phạm vi được phép.")
    staff_code = row.get("officer_code")
    officer = people.get(staff_code) if staff_code else None
    if staff_code and officer is None:
        return unit, None, _l("Không tìm thấy công chức có mã này.")
    return unit, officer, ""


def register_dossiers(
    rows: list[dict[str, Any]], units: dict[str, Unit], *, dry_run: bool = False
) -> RegisterReport:
    """Register codes (all or nothing): ``units`` are the units the caller may register in.

    Rows: ``code``, ``unit_code``, optional ``procedure``, ``officer_code`` (staff code),
    ``received_on``, ``due_on``, ``returned_on``. Codes already registered are skipped and
    listed. Any error (with its row index) means nothing is written. ``dry_run`` checks
    everything and reports what would be created (``created``) without writing.
    """
    report = RegisterReport()
    codes = [normalise_code(r.get("code")) for r in rows]
    known = set(db.session.scalars(sa.select(Dossier.code).where(Dossier.code.in_(codes))))
    staff = {r.get("officer_code") for r in rows if r.get("officer_code")}
    found = db.session.scalars(sa.select(Person).where(Person.staff_code.in_(staff)))
    people = {p.staff_code: p for p in found}
    seen: set[str] = set()
    pending: list[Dossier] = []
    for index, (row, code) in enumerate(zip(rows, codes, strict=True)):
        unit, officer, error = _resolve(row, units, people)
        if len(code) < 6:
            error = _l("Mã hồ sơ phải có ít nhất 6 ký tự.")
        if error:
            report.errors.append({"row": index, "code": code, "message": error})
            continue
        if code in known or code in seen:
            report.existing.append(code)
            continue
        seen.add(code)
        pending.append(_dossier(row, code, unit, officer))
    if report.errors:
        return report
    if dry_run:
        report.created = len(pending)
        return report
    db.session.add_all(pending)
    db.session.flush()
    report.created = len(pending)
    record_audit("survey.dossiers_register", after={"created": report.created})
    return report


def _dossier(row: dict[str, Any], code: str, unit: Unit, officer: Person | None) -> Dossier:
    def day(name: str) -> date | None:
        value = row.get(name)
        return value if isinstance(value, date) else None

    return Dossier(
        code=code,
        unit_id=unit.id,
        procedure=squash(row.get("procedure"))[:300],
        officer_id=officer.id if officer else None,
        received_on=day("received_on"),
        due_on=day("due_on"),
        returned_on=day("returned_on"),
    )


def find_dossier(code: str) -> Dossier:
    """The registered, unused dossier (no claim yet); raises DossierError."""
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.code == normalise_code(code)))
    if dossier is None:
        raise DossierError("unknown_dossier", _l("Mã hồ sơ không đúng hoặc chưa được đăng ký."))
    if dossier.used:
        raise DossierError("used_dossier", USED_MESSAGE)
    return dossier


def claim_dossier(code: str) -> Dossier:
    """Mark the dossier used, atomically; the one caller that wins gets it (DossierError)."""
    code = normalise_code(code)
    result = db.session.execute(
        sa.update(Dossier)
        .where(Dossier.code == code, Dossier.used.is_(False))
        .values(used=True)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        find_dossier(code)  # raises the right error
        raise DossierError("used_dossier", USED_MESSAGE)  # pragma: no cover
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.code == code))
    db.session.refresh(dossier)
    return dossier
