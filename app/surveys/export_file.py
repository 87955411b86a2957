"""Every anonymous response of a unit's sub-tree (or the province) streamed to a file.

The download on the overview page stops at ``exports.MAX_RESPONSES`` (a request must stay
short); ``flask surveys export`` has no such cap. It reads the responses in batches
(``yield_per``) with their answers, writes each batch as it goes, and renames the finished
file into place, so an interrupted export never leaves a half-written file under the
requested name. The columns, masking and formula-neutralising are those of the download.
"""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.exports.tables import safe_cell
from app.extensions import db
from app.models import SurveyResponse, Unit
from app.surveys.exports import (
    LEGEND_HEAD,
    ResponseLayout,
    answers_of,
    questions_of_versions,
    response_select,
)
from app.surveys.queries import ResponseFilter, filtered_responses

BATCH = 5000
XLSX_MAX_ROWS = 1_048_576 - 1  # a worksheet's rows, less the header


class ExportError(Exception):
    """The export cannot be made as asked (the message says why)."""


def export_responses(
    out: Path,
    *,
    unit: Unit | None = None,
    verified_only: bool = False,
    since: date | None = None,
    batch: int = BATCH,
) -> int:
    """Write the responses (all of ``unit``'s sub-tree, or every unit) to ``out`` as CSV or
    XLSX by its suffix; returns how many. Raises :class:`ExportError` for another suffix,
    or for more responses than one worksheet holds."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise ExportError(_l("tên tệp phải kết thúc bằng .csv hoặc .xlsx"))
    # the command line has no signed-in user: the unit (or the province) is the scope
    path = unit.path if unit else ""
    f = ResponseFilter(start=since, unit_path=path, verified_only=verified_only, unscoped=True)
    r = filtered_responses(f, SurveyResponse).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(r)) or 0
    if fmt == "xlsx" and total > XLSX_MAX_ROWS:
        raise ExportError(
            _l("%(total)s phiếu: quá số dòng của một trang tính Excel, hãy xuất CSV", total=total)
        )
    layout = ResponseLayout(
        questions_of_versions(db.session.scalars(sa.select(r.c.version_id).distinct()))
    )
    part = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        writer = _CsvWriter(part) if fmt == "csv" else _XlsxWriter(part)
        writer.row(layout.head)
        result = db.session.execute(response_select(r).execution_options(yield_per=batch))
        for rows in result.partitions():
            answers = answers_of([row.id for row in rows])
            for row in rows:
                writer.row(layout.cells(row, answers.get(row.id, [])))
        writer.close(layout.legend)
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
    return total


class _CsvWriter:
    """UTF-8 with a byte-order mark (Excel then reads the diacritics), as the download."""

    def __init__(self, path: Path):
        self.file = path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file, lineterminator="\r\n")

    def row(self, values: list[Any]) -> None:
        self.writer.writerow(["" if (v := safe_cell(value)) is None else v for value in values])

    def close(self, _legend: list) -> None:
        self.file.close()


class _XlsxWriter:
    """openpyxl's write-only mode: rows go to disk as they come, memory stays flat."""

    def __init__(self, path: Path):
        self.path = path
        self.book = openpyxl.Workbook(write_only=True)
        self.sheet = self.book.create_sheet("Phiếu trả lời")

    def row(self, values: list[Any]) -> None:
        self.sheet.append([safe_cell(value) for value in values])

    def close(self, legend: list) -> None:
        sheet = self.book.create_sheet("Câu hỏi")
        for values in [LEGEND_HEAD, *legend]:
            sheet.append([safe_cell(value) for value in values])
        self.book.save(self.path)
