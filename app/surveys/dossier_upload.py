"""Dossier codes from a CSV (or XLSX) file: read, check every row, register all or none.

The rows go through ``register_dossiers`` — the service behind ``POST /api/v1/dossiers`` —
first as a dry run for the preview (nothing written), then for real once confirmed. Errors
carry the file's line numbers (the header is line 1). A row without a unit code belongs
to the unit chosen on the upload form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Unit
from app.surveys.dossiers import RegisterReport, register_dossiers
from app.text import nfc

# column -> accepted header titles (compared lower-case); the first is the template's
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("mã hồ sơ", "ma_ho_so", "code"),
    "procedure": ("thủ tục", "tên thủ tục", "thu_tuc", "procedure"),
    "officer_code": ("mã công chức", "mã cán bộ", "ma_cong_chuc", "officer_code"),
    "received_on": ("ngày tiếp nhận", "ngày nhận", "ngay_tiep_nhan", "received_on"),
    "due_on": ("ngày hẹn trả", "ngay_hen_tra", "due_on"),
    "returned_on": ("ngày trả kết quả", "ngày trả", "ngay_tra", "returned_on"),
    "unit_code": ("mã đơn vị", "ma_don_vi", "unit_code"),
}
DATES = ("received_on", "due_on", "returned_on")
MAX_ROWS = 5000  # as the API


def template_columns() -> list[str]:
    return [titles[0].capitalize() for titles in COLUMNS.values()]


@dataclass
class DossierPlan:
    """The checked rows (for ``register_dossiers``), their file lines, and every problem."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    report: RegisterReport | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.report is not None

    @property
    def preview(self) -> list[tuple[int, dict[str, Any]]]:
        return list(zip(self.lines, self.rows, strict=True))


def _header(cells: list[str], plan: DossierPlan) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, title in enumerate(cells):
        name = next((k for k, titles in COLUMNS.items() if title.strip().lower() in titles), None)
        if name is None and title.strip():
            plan.errors.append((1, _("Cột không hợp lệ: '%(title)s'.", title=title)))
        elif name in mapping:
            plan.errors.append((1, _("Cột '%(title)s' bị lặp.", title=title)))
        elif name is not None:
            mapping[name] = index
    if "code" not in mapping:
        plan.errors.append((1, _("Thiếu cột bắt buộc: 'Mã hồ sơ'.")))
    return mapping


def _date(text: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _row(cells: list[str], mapping: dict[str, int], unit: Unit | None) -> tuple[dict, list[str]]:
    """One row as ``register_dossiers`` wants it, and what is wrong with it."""

    def get(name: str) -> str:
        index = mapping.get(name)
        return nfc(cells[index]) if index is not None and index < len(cells) else ""

    row: dict[str, Any] = {"code": get("code"), "procedure": get("procedure")}
    problems = []
    if not row["code"] or len(row["code"]) > 60:
        problems.append(_("mã hồ sơ cần từ 6 đến 60 ký tự"))
    if len(row["procedure"]) > 300:
        problems.append(_("tên thủ tục dài quá 300 ký tự"))
    row["officer_code"] = get("officer_code") or None
    row["unit_code"] = get("unit_code") or (unit.code if unit else "")
    if not row["unit_code"]:
        problems.append(_("thiếu mã đơn vị"))
    for name in DATES:
        try:
            row[name] = _date(get(name)) if get(name) else None
        except ValueError:
            problems.append(_("ngày '%(value)s' không đúng định dạng dd/mm/yyyy", value=get(name)))
            row[name] = None
    received = row["received_on"]
    if received and any(row[n] and row[n] < received for n in ("due_on", "returned_on")):
        problems.append(_("ngày hẹn trả / ngày trả không được trước ngày tiếp nhận"))
    return row, problems


def plan_upload(table: list[list[str]], units: dict[str, Unit], unit: Unit | None) -> DossierPlan:
    """Check every row of ``table`` (header first) and dry-run the registration.

    ``units``: the units (by code) the caller may register in; ``unit``: the default one.
    """
    plan = DossierPlan()
    if not table:
        plan.errors.append((0, _("Tệp không có dòng nào.")))
        return plan
    mapping = _header(table[0], plan)
    if plan.errors:
        return plan
    if len(table) - 1 > MAX_ROWS:
        plan.errors.append((0, _("Tệp có quá %(limit)s dòng.", limit=MAX_ROWS)))
        return plan
    for line, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row, problems = _row(cells, mapping, unit)
        if problems:
            message = "; ".join(problems)
            plan.errors.append((line, message[:1].upper() + message[1:] + "."))
        plan.rows.append(row)
        plan.lines.append(line)
    if not plan.rows and not plan.errors:
        plan.errors.append((0, _("Tệp không có mã hồ sơ nào.")))
    if not plan.errors:
        _register(plan, units, dry_run=True)
    return plan


def _register(plan: DossierPlan, units: dict[str, Unit], *, dry_run: bool) -> None:
    report = register_dossiers(plan.rows, units, dry_run=dry_run)
    plan.errors.extend((plan.lines[e["row"]], e["message"]) for e in report.errors)
    plan.report = report


def apply_upload(plan: DossierPlan, units: dict[str, Unit]) -> RegisterReport:
    """Register the checked rows for real (ValueError when the plan has errors)."""
    if not plan.ok:
        raise ValueError(_l("Tệp còn lỗi; không ghi mã hồ sơ nào."))
    _register(plan, units, dry_run=False)
    if plan.errors:
        raise ValueError(_l("Tệp còn lỗi; không ghi mã hồ sơ nào."))
    assert plan.report is not None
    return plan.report
