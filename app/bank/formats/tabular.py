"""Questions as a spreadsheet: XLSX and CSV with the same (Vietnamese) columns.

Row 1 holds the headers (English aliases accepted, see ``tabular_columns``); every further
non-empty row is one question, and issues name that row number. Unknown columns are errors.
Cells that a spreadsheet could run as a formula are neutralised on writing with
``neutralise_cell`` and restored on reading with ``restore_cell``, so a round trip is
lossless. XLSX formula cells in an upload are refused. CSV: UTF-8, "," ";" or tab separated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.bank.formats.common import add_validation_issues, format_number, make_issue
from app.bank.formats.model import ParseResult, QuestionData
from app.bank.formats.tabular_columns import ColumnKey, column_key
from app.bank.formats.tabular_out import headers, letters_needed, question_row
from app.bank.formats.tabular_rows import SOURCE_COLUMNS, RowError, row_to_question
from app.bank.formats.tabular_template import xlsx_template
from app.bank.formats.tabular_xlsx import clean_for_xlsx, read_xlsx_rows, write_xlsx_sheet

__all__ = [
    "neutralise_cell",
    "parse_csv",
    "parse_xlsx",
    "restore_cell",
    "write_csv",
    "write_xlsx",
    "xlsx_template",
]

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
Row = tuple[int, Sequence[Any]]


def neutralise_cell(value: Any) -> Any:
    """Make a text cell inert for spreadsheets: prefix "'" when it starts with = + - @ TAB CR.

    A text already starting with "'" followed by such a character (or another "'") gets one
    more "'", so ``restore_cell(neutralise_cell(x)) == x`` for every text. Non-text values
    are returned unchanged.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(DANGEROUS) or (value.startswith("'") and value[1:2] in (*DANGEROUS, "'")):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """Undo ``neutralise_cell``: drop one leading "'" only where it added one."""
    if value.startswith("'") and value[1:2] in (*DANGEROUS, "'"):
        return value[1:]
    return value


def cell_text(value: Any) -> str:
    """Any cell value as text: numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float):
        return format_number(float(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return restore_cell(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def parse_xlsx(data: bytes) -> ParseResult:
    """Read the first sheet of an .xlsx file; problems become issues, nothing is raised."""
    result = ParseResult()
    rows = read_xlsx_rows(data, result)
    return _parse_rows(rows, result) if rows is not None else result


def parse_csv(text: str) -> ParseResult:
    """Read a CSV text (row numbers as in a spreadsheet); problems become issues."""
    result = ParseResult()
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    try:
        rows.extend(enumerate(reader, start=1))
    except csv.Error as error:
        message = _("CSV hỏng: ô quá dài hoặc dấu ngoặc kép không khớp")
        result.issues.append(make_issue(len(rows) + 1, f"{message} ({error})"))
        return result
    return _parse_rows(rows, result)


def _header(line: int, values: Sequence[Any], result: ParseResult) -> list[ColumnKey | None] | None:
    keys: list[ColumnKey | None] = []
    errors_before = len(result.errors)
    for value in values:
        text = cell_text(value).strip()
        key = column_key(text) if text else None
        if text and key is None:
            result.issues.append(make_issue(line, _("cột «%(text)s» không được hỗ trợ", text=text)))
        elif key is not None and key in keys:
            result.issues.append(make_issue(line, _("cột «%(text)s» bị lặp lại", text=text)))
        keys.append(key)
    for required, header in (("type", "Loại"), ("stem", "Nội dung câu hỏi")):
        if required not in keys:
            result.issues.append(make_issue(line, _("thiếu cột «%(header)s»", header=header)))
    return None if len(result.errors) > errors_before else keys


def _cells(keys: list[ColumnKey | None], values: Sequence[Any], line: int) -> dict[ColumnKey, str]:
    texts = [cell_text(v) for v in values]
    for index in range(len(keys), len(texts)):
        if texts[index].strip():
            raise RowError(_l("ô ở cột thứ %(column)s không có tiêu đề cột", column=index + 1))
    return {
        key: text if key in SOURCE_COLUMNS else text.strip()
        for key, text in zip(keys, texts, strict=False)
        if key is not None
    }


def _parse_rows(rows: Iterable[Row], result: ParseResult) -> ParseResult:
    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        result.issues.append(make_issue(0, _("bảng tính không có dòng tiêu đề")))
        return result
    keys = _header(first[0], first[1], result)
    if keys is None:
        return result
    for line, values in iterator:
        try:
            cells = _cells(keys, values, line)
            if any(v.strip() for v in cells.values()):
                result.questions.append(row_to_question(cells, line))
        except RowError as error:
            result.issues.append(make_issue(line, str(error)))
    return add_validation_issues(result)


def table(questions: Sequence[QuestionData]) -> list[list[Any]]:
    """Header row then one row per question (not yet neutralised)."""
    n_letters = letters_needed(questions)
    return [headers(n_letters)] + [question_row(q, n_letters) for q in questions]


def write_csv(questions: Iterable[QuestionData]) -> str:
    """CSV text (comma separated, CRLF line ends, no BOM — ``formats.write`` adds one)."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table(list(questions)):
        texts = [format_number(c) if isinstance(c, float) else c for c in row]
        writer.writerow([neutralise_cell(text) for text in texts])
    return out.getvalue()


def write_xlsx(questions: Iterable[QuestionData]) -> bytes:
    """An .xlsx workbook with one sheet "Câu hỏi" (characters Excel refuses are dropped)."""
    rows = table(list(questions))
    return write_xlsx_sheet([[neutralise_cell(clean_for_xlsx(c)) for c in row] for row in rows])
