"""Tables as XLSX (one sheet per table) and CSV, safe to open in a spreadsheet.

Every text cell goes through ``neutralise_cell``: a value starting with ``= + - @``, TAB
or CR gets a leading apostrophe, so Excel or LibreOffice show it as text instead of
running it. Numbers stay numbers. Routes answer with ``table_download``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from flask import Response, send_file

from app.bank.formats.tabular import neutralise_cell
from app.bank.formats.tabular_xlsx import clean_for_xlsx, fill_sheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


@dataclass
class Table:
    """A titled table: a header row, data rows and optional notes printed under it."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    notes: Sequence[str] = field(default_factory=tuple)


def safe_cell(value: Any) -> Any:
    """A value ready for a spreadsheet cell: inert text, numbers unchanged, None empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float):
        return value
    return neutralise_cell(clean_for_xlsx(str(value)))


def _matrix(table: Table) -> list[list[Any]]:
    rows = [[safe_cell(c) for c in table.columns]]
    rows += [[safe_cell(v) for v in row] for row in table.rows]
    if table.notes:
        rows.append([])
        rows += [[safe_cell(note)] for note in table.notes]
    return rows


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28].strip() or "Bang"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name.lower())
    return name


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table (header bold, columns sized to their content)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        widths = {i: min(60, max(10, len(str(c)) + 2)) for i, c in enumerate(table.columns, 1)}
        fill_sheet(sheet, _matrix(table), widths)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(table: Table) -> bytes:
    """UTF-8 CSV with a byte-order mark (so Excel reads the diacritics), comma separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _matrix(table):
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def table_download(tables: Sequence[Table], fmt: str, stem: str) -> Response:
    """A download of ``tables`` as ``fmt`` ("xlsx"; "csv" takes the first table)."""
    if fmt == "csv":
        data, mime = to_csv(tables[0]), "text/csv; charset=utf-8"
    else:
        data, mime, fmt = to_xlsx(tables), XLSX_MIME, "xlsx"
    response = send_file(
        io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=f"{stem}.{fmt}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
