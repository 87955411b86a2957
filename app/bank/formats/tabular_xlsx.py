"""XLSX plumbing for ``tabular``: safe reading of the first sheet, and writing styled sheets.

Before openpyxl sees an upload, the archive is checked: it must be a zip whose members
uncompress to at most ``MAX_UNCOMPRESSED`` bytes and whose XML parts declare no DTD or
entities. Formula cells are refused (their cached value may be stale or missing).
"""

from __future__ import annotations

import io
import warnings
import zipfile
import zlib
from collections.abc import Sequence
from typing import Any

import openpyxl
from flask_babel import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.bank.formats.common import make_issue
from app.bank.formats.model import ParseResult
from app.bank.formats.xmlsafe import FORBIDDEN_RE

MAX_UNCOMPRESSED = 200 * 1024 * 1024
ARCHIVE_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error)
ARCHIVE_ERRORS += (RuntimeError, NotImplementedError, ValueError)
Row = tuple[int, list[Any]]


def clean_for_xlsx(value: Any) -> Any:
    """Drop the control characters an .xlsx cannot store."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _check_archive(data: bytes) -> str | None:
    """A Vietnamese reason why ``data`` is not a safe .xlsx archive, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
                return _("tệp Excel giải nén ra quá lớn")
            for member in members:
                if member.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(member) as part:
                        head = part.read(4096).decode("utf-8", "replace")
                    if FORBIDDEN_RE.search(head):
                        return _("tệp Excel có khai báo DOCTYPE/ENTITY — không được phép")
    except ARCHIVE_ERRORS:
        return _("tệp không phải bảng tính Excel .xlsx hợp lệ")
    return None


def read_xlsx_rows(data: bytes, result: ParseResult) -> list[Row] | None:
    """(row number, cell values) of the first sheet; None (with an issue) if unreadable."""
    reason = _check_archive(data)
    if reason is not None:
        result.issues.append(make_issue(0, reason))
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        message = _("không đọc được tệp Excel (%(kind)s)", kind=type(error).__name__)
        result.issues.append(make_issue(0, message))
        return None
    return _sheet_rows(workbook.worksheets[0], result)


def _sheet_rows(sheet: Worksheet, result: ParseResult) -> list[Row]:
    rows = []
    for row in sheet.iter_rows():
        values = []
        for cell in row:
            if cell.data_type == "f":
                message = _(
                    "ô %(cell)s chứa công thức; hãy dán giá trị thay cho công thức",
                    cell=cell.coordinate,
                )
                result.issues.append(make_issue(cell.row, message))
                values.append(None)
            else:
                values.append(cell.value)
        if row:
            rows.append((row[0].row, values))
    return rows


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def fill_sheet(sheet: Worksheet, rows: Sequence[Sequence[Any]], widths: dict[int, int]) -> None:
    """Write rows (already neutralised); bold frozen header, wrapped text, column widths."""
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for index in range(1, (len(rows[0]) if rows else 0) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 18)


def write_xlsx_sheet(rows: Sequence[Sequence[Any]], title: str = "Câu hỏi") -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    fill_sheet(sheet, rows, {})
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
