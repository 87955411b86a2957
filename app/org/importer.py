"""Staff-list import from XLSX or CSV with Vietnamese headers: preview, then all or nothing.

``plan_import`` reads and checks every row without writing; ``apply_import`` writes the
plan inside the caller's transaction. Any error anywhere means nothing is written.
Duplicates are found by staff code, or by folded name + date of birth, both within the
file and against people already in the database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Person, PersonStatus, Unit
from app.org.services import PersonInput, create_person
from app.text import fold, nfc

COLUMNS = {
    "full_name": ("họ và tên", "họ tên", "full name", "name"),
    "staff_code": ("mã cán bộ", "mã cb", "staff code", "code"),
    "date_of_birth": ("ngày sinh", "date of birth", "dob"),
    "position": ("chức vụ", "vị trí việc làm", "vị trí", "chức danh", "position"),
    "unit_code": ("mã đơn vị", "đơn vị", "unit code", "unit"),
    "status": ("trạng thái", "status"),
}
REQUIRED = ("full_name", "unit_code")
STATUS_WORDS = {
    "đang công tác": PersonStatus.ACTIVE,
    "active": PersonStatus.ACTIVE,
    "": PersonStatus.ACTIVE,
    "nghỉ phép": PersonStatus.ON_LEAVE,
    "on_leave": PersonStatus.ON_LEAVE,
    "đã chuyển công tác": PersonStatus.TRANSFERRED,
    "transferred": PersonStatus.TRANSFERRED,
    "nghỉ hưu": PersonStatus.RETIRED,
    "retired": PersonStatus.RETIRED,
}
MAX_ROWS = 20_000


@dataclass
class RowPlan:
    row: int
    data: PersonInput


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    duplicates: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.duplicates


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Rows of cells as NFC strings from an .xlsx or .csv file. Raises ValueError if unreadable."""
    if not data.strip():
        raise ValueError(_l("Tệp rỗng."))
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(_l("Tệp CSV phải dùng bảng mã UTF-8.")) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[nfc(c) for c in row] for row in csv.reader(io.StringIO(text), dialect)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ValueError(_l("Không đọc được tệp Excel (.xlsx).")) from exc
    rows = []
    for values in wb.worksheets[0].iter_rows(values_only=True):
        rows.append([_cell_text(v) for v in values])
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def _map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    mapping: dict[str, int] = {}
    unknown: list[str] = []
    for index, title in enumerate(header):
        key = next((k for k, names in COLUMNS.items() if title.strip().lower() in names), None)
        if key is None:
            if title.strip():
                unknown.append(title)
        else:
            mapping[key] = index
    return mapping, unknown


def _parse_date(text: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_l("ngày sinh '%(text)s' không đúng định dạng dd/mm/yyyy", text=text))


def plan_import(rows: list[list[str]]) -> ImportPlan:
    """Check every row and return the plan; writes nothing."""
    plan = ImportPlan()
    if not rows:
        plan.errors.append((0, _("Tệp không có dòng nào.")))
        return plan
    mapping, unknown = _map_header(rows[0])
    for title in unknown:
        plan.errors.append((1, _("Cột không hợp lệ: '%(title)s'.", title=title)))
    for key in REQUIRED:
        if key not in mapping:
            title = COLUMNS[key][0].capitalize()
            plan.errors.append((1, _("Thiếu cột bắt buộc: '%(title)s'.", title=title)))
    if plan.errors:
        return plan
    if len(rows) - 1 > MAX_ROWS:
        plan.errors.append((0, _("Tệp có quá %(limit)s dòng.", limit=MAX_ROWS)))
        return plan
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        _plan_row(plan, number, cells, mapping, units)
    _find_duplicates(plan)
    return plan


def _plan_row(
    plan: ImportPlan, number: int, cells: list[str], mapping: dict[str, int], units: dict[str, Unit]
) -> None:
    def get(key: str) -> str:
        index = mapping.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems = []
    name = get("full_name")
    if not name:
        problems.append(_("thiếu họ và tên"))
    unit = units.get(get("unit_code").upper())
    if unit is None:
        problems.append(_("không có đơn vị mã '%(code)s'", code=get("unit_code")))
    dob = None
    if get("date_of_birth"):
        try:
            dob = _parse_date(get("date_of_birth"))
        except ValueError as exc:
            problems.append(str(exc))
    status = STATUS_WORDS.get(get("status").lower())
    if status is None:
        problems.append(_("trạng thái '%(status)s' không hợp lệ", status=get("status")))
    if problems:
        message = "; ".join(problems)
        plan.errors.append((number, message[:1].upper() + message[1:] + "."))
        return
    plan.rows.append(
        RowPlan(
            number,
            PersonInput(
                full_name=name,
                unit=unit,
                position=get("position"),
                staff_code=get("staff_code") or None,
                date_of_birth=dob,
                status=status,
            ),
        )
    )


def _identity(data: PersonInput) -> list[str]:
    keys = []
    if data.staff_code:
        keys.append("code:" + data.staff_code.upper())
    if data.date_of_birth:
        keys.append(f"name:{fold(data.full_name)}|{data.date_of_birth.isoformat()}")
    return keys


def _find_duplicates(plan: ImportPlan) -> None:
    existing: set[str] = set()
    for code, name, dob in db.session.execute(
        sa.select(Person.staff_code, Person.name_fold, Person.date_of_birth)
    ):
        if code:
            existing.add("code:" + code.upper())
        if dob:
            existing.add(f"name:{name}|{dob.isoformat()}")
    seen: dict[str, int] = {}
    for row in plan.rows:
        for key in _identity(row.data):
            if key in existing:
                plan.duplicates.append(
                    (row.row, _("Trùng với cán bộ đã có (%(what)s).", what=_describe(key)))
                )
            elif key in seen:
                plan.duplicates.append(
                    (
                        row.row,
                        _(
                            "Trùng với dòng %(line)s (%(what)s).",
                            line=seen[key],
                            what=_describe(key),
                        ),
                    )
                )
            else:
                seen[key] = row.row


def _describe(key: str) -> str:
    kind, value = key.split(":", 1)
    return _("mã %(code)s", code=value) if kind == "code" else _("cùng họ tên và ngày sinh")


def apply_import(plan: ImportPlan) -> list[Person]:
    """Write every planned row. Raises ValueError if the plan has errors (nothing written)."""
    if not plan.ok:
        raise ValueError(_l("Kế hoạch nhập còn lỗi; không ghi dữ liệu nào."))
    return [create_person(r.data, reason="Nhập từ danh sách") for r in plan.rows]
