"""Import/export formats for questions, free of Flask and the database.

``parse(data, fmt)`` turns the bytes of an uploaded file into a ``ParseResult`` and never
raises: the text formats are decoded here (UTF-8 only, BOM stripped, CRLF/CR → LF), every
text field comes out NFC-normalised, and anything unexpected becomes an issue. ``write``
turns questions back into the bytes of a file. ``detect_format`` guesses the format from the
file name, else from the content.

What each format cannot carry (lost on export, left at defaults on import):

* gift — difficulty, positions, sources, status, note, shuffle, case sensitivity and
  "ignore diacritics", the situational type (→ single choice); texts are trimmed;
* moodlexml — difficulty, positions, sources, status, note, "ignore diacritics", the
  situational type (→ single choice); numerical ranges become value ± tolerance;
* yaml — name, text format (HTML), source notes; distractors are listed after the pairs;
* xlsx / csv — everything is carried (tags/positions must not contain ";" or ",").
"""

from __future__ import annotations

import codecs
import logging
import os
from collections.abc import Callable, Iterable, Mapping

from flask_babel import lazy_gettext as _l

from app.bank.formats.common import make_issue, nfc_questions
from app.bank.formats.gift import parse_gift, write_gift
from app.bank.formats.model import ParseResult, QuestionData
from app.bank.formats.moodlexml import parse_moodle_xml, write_moodle_xml
from app.bank.formats.tabular import parse_csv, parse_xlsx, write_csv, write_xlsx
from app.bank.formats.yaml_format import parse_yaml, write_yaml

__all__ = ["FORMATS", "detect_format", "parse", "write"]

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "csv", "gift", "moodlexml", "yaml")
EXTENSIONS = {
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".gift": "gift",
    ".txt": "gift",
    ".xml": "moodlexml",
    ".yaml": "yaml",
    ".yml": "yaml",
}
UTF16_32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
NOT_UTF8 = (
    "tệp không phải UTF-8 (có thể đang là Windows-1258, TCVN3 hay mã khác) — "
    "hãy mở tệp và lưu lại với bảng mã UTF-8"
)
TEXT_PARSERS: dict[str, Callable[[str], ParseResult]] = {
    "csv": parse_csv,
    "gift": parse_gift,
    "moodlexml": lambda text: parse_moodle_xml(text.encode("utf-8")),
}


def detect_format(filename: str, data: bytes) -> str:
    """The format of a file: by extension, else by sniffing the content (ValueError if unknown)."""
    extension = os.path.splitext(filename.lower())[1]
    if extension in EXTENSIONS:
        return EXTENSIONS[extension]
    head = data[:4096].lstrip(codecs.BOM_UTF8).lstrip()
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith((b"<?xml", b"<quiz")):
        return "moodlexml"
    first_line = head.split(b"\n", 1)[0].lower()
    if head.startswith((b"topic:", b"questions:", b"---", b"- type:", b"- id:")):
        return "yaml"
    if first_line.count(b",") + first_line.count(b";") >= 2 and b"{" not in first_line:
        return "csv"
    if b"{" in head and b"}" in head:
        return "gift"
    raise ValueError(_l("không nhận ra định dạng tệp (xlsx, csv, gift, xml hoặc yaml)"))


def decode_text(data: bytes) -> tuple[str | None, str]:
    """(text, "") for a UTF-8 file (BOM dropped, line ends → LF), else (None, Vietnamese reason)."""
    if data.startswith(UTF16_32_BOMS) or data[:2].count(0) == 1:
        return None, "tệp đang lưu dạng UTF-16/UTF-32 — hãy lưu lại với bảng mã UTF-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, f"dòng {line}: {NOT_UTF8}"
    return text.replace("\r\n", "\n").replace("\r", "\n"), ""


def _parse(data: bytes, fmt: str, filename: str) -> ParseResult:
    if fmt == "xlsx":
        return parse_xlsx(data)
    text, problem = decode_text(data)
    if text is None:
        return ParseResult(issues=[make_issue(0, problem[0].upper() + problem[1:])])
    if not text.strip():
        return ParseResult(issues=[make_issue(0, "Tệp rỗng")])
    if fmt == "yaml":
        return parse_yaml(text, filename=filename)
    return TEXT_PARSERS[fmt](text)


def parse(data: bytes, fmt: str, *, filename: str = "") -> ParseResult:
    """Parse an uploaded file of format ``fmt``; never raises, problems become issues."""
    if fmt not in FORMATS:
        return ParseResult(issues=[make_issue(0, f"Định dạng «{fmt}» không được hỗ trợ")])
    if not data or not data.strip(codecs.BOM_UTF8 + b" \t\r\n"):
        return ParseResult(issues=[make_issue(0, "Tệp rỗng")])
    try:
        result = _parse(data, fmt, filename)
    except Exception:  # last line of defence; the parsers are fuzzed to never get here
        log.exception("unexpected error parsing a %s file", fmt)
        return ParseResult(
            issues=[make_issue(0, "Lỗi không mong đợi khi đọc tệp; hãy báo quản trị")]
        )
    result.questions = nfc_questions(result.questions)
    return result


def write(
    questions: Iterable[QuestionData], fmt: str, *, attachments: Mapping[str, bytes] | None = None
) -> bytes:
    """The bytes of a ``fmt`` file holding ``questions`` (CSV gets a UTF-8 BOM for Excel)."""
    questions = list(questions)
    if fmt == "xlsx":
        return write_xlsx(questions)
    if fmt == "csv":
        return codecs.BOM_UTF8 + write_csv(questions).encode("utf-8")
    if fmt == "gift":
        return write_gift(questions).encode("utf-8")
    if fmt == "moodlexml":
        return write_moodle_xml(questions, attachments)
    if fmt == "yaml":
        return write_yaml(questions).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")
