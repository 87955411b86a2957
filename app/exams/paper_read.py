"""Reading a paper-sitting results sheet: .xlsx (through the bank's safe reader: archive
checks, no formulas) or UTF-8 .csv (comma, semicolon or tab), as numbered rows of NFC text."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import lazy_gettext as _l

from app.bank.formats.model import ParseResult
from app.bank.formats.tabular_xlsx import read_xlsx_rows
from app.text import nfc


class PaperError(ValueError):
    """The file cannot be read at all; the message is shown to the user."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value))


def read_table(filename: str, data: bytes) -> list[tuple[int, list[str]]]:
    """(row number, cells) of an .xlsx or .csv file; PaperError when it cannot be read."""
    if not data.strip():
        raise PaperError(_l("Tệp rỗng."))
    if filename.lower().endswith(".xlsx"):
        result = ParseResult()
        rows = read_xlsx_rows(data, result)
        if rows is None or result.errors:
            raise PaperError(
                "; ".join(i.message for i in result.errors) or _l("Không đọc được tệp.")
            )
        return [(n, [_text(v) for v in values]) for n, values in rows]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PaperError(_l("Tệp CSV phải dùng bảng mã UTF-8.")) from exc
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    return [(n, [nfc(c) for c in cells]) for n, cells in enumerate(rows, start=1)]
