"""Read a numeric CSV table (header row, optional ``id`` column, blank = missing).

Used by the ``flask analytics`` commands. Every problem becomes a
:class:`CsvTableError` (a ``click.ClickException``, exit code 1) whose message says
what is wrong and where (line number in the file, column name).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import click
import numpy as np


class CsvTableError(click.ClickException):
    """A CSV file that cannot be analysed; shown on stderr, exit code 1."""

    exit_code = 1


@dataclass(frozen=True)
class CsvTable:
    """Numeric cells (NaN where blank), column names, row ids and file line numbers."""

    columns: tuple[str, ...]
    ids: tuple[str, ...]
    values: np.ndarray
    lines: tuple[int, ...]


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CsvTableError(
            f"không đọc được tệp {path} (cannot read file: {exc.strerror or exc})"
        ) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvTableError(
            f"tệp {path.name} không phải UTF-8 (dòng {line}); hãy lưu lại dưới dạng "
            f"'CSV UTF-8' (file is not UTF-8 text, first bad byte on line {line})"
        ) from exc


def _delimiter(text: str) -> str:
    header = text.lstrip().splitlines()[0]
    if "," not in header:
        if ";" in header:
            return ";"
        if "\t" in header:
            return "\t"
    return ","


def _rows(text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text), strict=True)
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, [cell.strip() for cell in row]))
    except csv.Error as exc:
        raise CsvTableError(
            f"dòng {reader.line_num}: CSV không hợp lệ (malformed CSV: {exc})"
        ) from exc
    return rows


def _number(cell: str, line: int, column: str) -> float:
    if cell == "":
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise CsvTableError(
            f"dòng {line}, cột '{column}': '{cell}' không phải là số "
            f"(row {line}, column '{column}': '{cell}' is not a number)"
        )
    return value


def _header(header: list[str], min_columns: int, what: str) -> tuple[bool, list[str]]:
    for j, name in enumerate(header, start=1):
        if not name:
            raise CsvTableError(f"cột thứ {j} không có tên ở dòng tiêu đề (column {j} has no name)")
    has_id = header[0].lower() == "id"
    columns = header[1:] if has_id else header
    if len(header) == 1 or len(columns) < min_columns:
        raise CsvTableError(
            f"cần ít nhất {min_columns} cột {what}, tệp chỉ có {len(columns)} "
            f"(needs at least {min_columns} {what} columns besides 'id', found {len(columns)})"
        )
    return has_id, columns


def read_table(path: Path, *, min_columns: int = 2, what: str = "dữ liệu") -> CsvTable:
    """Read ``path`` as a numeric table with a header row; blank cells become NaN.

    A first column named ``id`` (any case) names the rows. A UTF-8 BOM is accepted;
    ``;`` or tab separators are used when the header has no comma. Returns a
    :class:`CsvTable`.

    Raises :class:`CsvTableError` for an unreadable, non-UTF-8 or empty file, a
    header without data rows, fewer than ``min_columns`` data columns, a row with
    the wrong number of cells, or a cell that is not a finite number.
    """
    text = _decode(path)
    if not text.strip():
        raise CsvTableError(f"tệp {path.name} rỗng (empty file)")
    rows = _rows(text)
    (_, header), body = rows[0], rows[1:]
    has_id, columns = _header(header, min_columns, what)
    if not body:
        raise CsvTableError("tệp chỉ có dòng tiêu đề, không có dữ liệu (no data rows)")
    ids, lines, values = [], [], []
    for line, row in body:
        if len(row) != len(header):
            raise CsvTableError(
                f"dòng {line}: có {len(row)} ô nhưng tiêu đề có {len(header)} "
                f"(row {line} has {len(row)} cells, the header has {len(header)})"
            )
        cells = row[1:] if has_id else row
        ids.append(row[0] if has_id else str(len(ids) + 1))
        lines.append(line)
        values.append([_number(c, line, name) for c, name in zip(cells, columns, strict=True)])
    return CsvTable(tuple(columns), tuple(ids), np.array(values, dtype=float), tuple(lines))
