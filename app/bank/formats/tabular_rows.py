"""One spreadsheet row → one ``QuestionData`` (used by ``tabular``).

Per type, the option columns mean: choices (single, multiple, situational) — the options;
true/false — A is "Đúng", B is "Sai" (their feedback in "Phản hồi A/B"); short answer —
accepted answers; numerical — "1822", "1822 ± 2", "1822:2" or "1820..1824"; matching —
"prompt -> answer" ("-> answer" is an extra distractor). Credits default to 0 % for choices
and 100 % for accepted answers; "Đáp án" can replace the credits of choices and true/false.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from app.bank.formats.common import parse_iso_date, parse_number, percent_to_credit, round_credit
from app.bank.formats.model import (
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    SourceRef,
)
from app.bank.formats.tabular_columns import (
    DIFFICULTIES,
    FORMATS,
    HEADER_OF,
    NO,
    TYPE_LABELS,
    TYPES,
    YES,
    ColumnKey,
    fold,
)

Cells = Mapping[ColumnKey, str]
KEY_SPLIT_RE = re.compile(r"[\s,;/]+")
VN_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
TF_TRUE, TF_FALSE = ("dung", "true", "t", "d", "a"), ("sai", "false", "f", "s", "b")


class RowError(Exception):
    """A row that cannot be read; the message is in Vietnamese."""


def row_to_question(cells: Cells, line: int) -> QuestionData:
    """Build the question of one row, or raise ``RowError``."""
    kinds = ", ".join(TYPE_LABELS.values())
    kind = _lookup(cells.get("type", ""), TYPES, f"loại câu hỏi ({kinds})", required=True)
    q = QuestionData(type=kind, stem=cells.get("stem", ""), line=line)
    q.external_id, q.name = cells.get("external_id", ""), cells.get("name", "")
    q.topic = "/".join(p.strip() for p in cells.get("topic", "").split("/") if p.strip())
    q.difficulty = _lookup(
        cells.get("difficulty", ""), DIFFICULTIES, "độ khó (Dễ, Trung bình, Khó)"
    )
    fmt = _lookup(cells.get("stem_format", ""), FORMATS, "định dạng (html, markdown, plain)")
    q.stem_format = fmt or q.stem_format
    q.general_feedback, q.status, q.note = (
        cells.get(k, "") for k in ("general_feedback", "status", "note")
    )
    q.tags, q.positions = _list(cells.get("tags", "")), _list(cells.get("positions", ""))
    q.case_sensitive = _flag(cells, "case_sensitive", False)
    q.ignore_diacritics = _flag(cells, "ignore_diacritics", False)
    q.shuffle = _flag(cells, "shuffle", True)
    letters = sorted({k[1] for k, v in cells.items() if isinstance(k, tuple) and v})
    READERS[kind](q, cells, letters)
    q.sources = _sources(cells)
    return q


def _lookup(text: str, table: Mapping[str, Any], what: str, *, required: bool = False) -> Any:
    if not text:
        if required:
            raise RowError(_l("thiếu %(what)s", what=what))
        return None
    value = table.get(fold(text))
    if value is None:
        name, _, choices = what.partition(" (")
        message = _l("%(name)s «%(text)s» không hợp lệ", name=name, text=text)
        raise RowError(message + (f" ({choices}" if choices else ""))
    return value


def _list(text: str) -> list[str]:
    return [item.strip() for item in re.split(r"[;,\n]", text) if item.strip()]


def _flag(cells: Cells, key: str, default: bool) -> bool:
    text = fold(cells.get(key, ""))
    if not text:
        return default
    if text in YES or text in NO:
        return text in YES
    raise RowError(
        _l(
            "cột %(column)s: giá trị «%(value)s» phải là Có hoặc Không",
            column=HEADER_OF[key],
            value=cells[key],
        )
    )


def _credit(cells: Cells, letter: str) -> float | None:
    text = cells.get(("credit", letter), "")
    if not text:
        return None
    credit = percent_to_credit(text, decimal_comma=True)
    if credit is None:
        raise RowError(
            _l("Điểm %(letter)s «%(text)s» không phải là số (phần trăm)", letter=letter, text=text)
        )
    return credit


def _texts(cells: Cells, letters: list[str]) -> list[str]:
    for letter in letters:
        if not cells.get(("option", letter)):
            raise RowError(
                _l("Phương án %(letter)s trống nhưng có điểm hoặc phản hồi", letter=letter)
            )
    return [cells[("option", letter)] for letter in letters]


def _key(cells: Cells, letters: list[str]) -> list[str]:
    text = cells.get("key", "")
    keys = [k.upper() for k in KEY_SPLIT_RE.split(text) if k]
    for key in keys:
        if not re.fullmatch("[A-Z]", key):
            raise RowError(
                _l(
                    "cột Đáp án chỉ ghi chữ cái phương án, ví dụ A hoặc A,C (đang là «%(text)s»)",
                    text=text,
                )
            )
        if key not in letters:
            raise RowError(_l("đáp án %(key)s trỏ tới phương án không tồn tại", key=key))
    return keys


def _choices(q: QuestionData, cells: Cells, letters: list[str]) -> None:
    texts, keys = _texts(cells, letters), _key(cells, letters)
    credits = [_credit(cells, letter) for letter in letters]
    if keys and any(c is not None for c in credits):
        positive = [letter for letter, c in zip(letters, credits, strict=True) if c and c > 0]
        if sorted(positive) != sorted(set(keys)):
            raise RowError(_l("cột Đáp án không khớp với các cột Điểm"))
    elif keys:
        if q.type != QuestionType.MULTIPLE_RESPONSE and len(keys) != 1:
            raise RowError(_l("câu một đáp án chỉ ghi một chữ cái ở cột Đáp án"))
        share = round_credit(1 / len(set(keys)))
        credits = [share if letter in keys else 0.0 for letter in letters]
    feedback = [cells.get(("feedback", letter), "") for letter in letters]
    q.options = [Option(t, c or 0.0, f) for t, c, f in zip(texts, credits, feedback, strict=True)]


def _true_false(q: QuestionData, cells: Cells, letters: list[str]) -> None:
    if set(letters) - {"A", "B"}:
        raise RowError(_l("câu Đúng/Sai chỉ dùng phương án A (Đúng) và B (Sai)"))
    for letter, wanted in (("A", TF_TRUE), ("B", TF_FALSE)):
        text = fold(cells.get(("option", letter), ""))
        if text and text not in wanted:
            raise RowError(
                _l("câu Đúng/Sai: phương án A phải là Đúng")
                if letter == "A"
                else _l("câu Đúng/Sai: phương án B phải là Sai")
            )
    key = fold(cells.get("key", ""))
    credit_a, credit_b = _credit(cells, "A"), _credit(cells, "B")
    if key:
        if key not in TF_TRUE + TF_FALSE:
            raise RowError(
                _l(
                    "câu Đúng/Sai: cột Đáp án phải là Đúng hoặc Sai (đang là «%(text)s»)",
                    text=cells["key"],
                )
            )
        is_true = key in TF_TRUE
    elif credit_a is not None or credit_b is not None:
        is_true = (credit_a or 0.0) >= (credit_b or 0.0)
    else:
        raise RowError(_l("câu Đúng/Sai cần cột Đáp án (Đúng hoặc Sai)"))
    q.options = [
        Option("true", 1.0 if is_true else 0.0, cells.get(("feedback", "A"), "")),
        Option("false", 0.0 if is_true else 1.0, cells.get(("feedback", "B"), "")),
    ]


def _no_key(cells: Cells, what: str) -> None:
    if cells.get("key"):
        raise RowError(_l("cột Đáp án không dùng cho %(what)s; hãy dùng các cột Điểm", what=what))


def _short_answer(q: QuestionData, cells: Cells, letters: list[str]) -> None:
    _no_key(cells, "câu trả lời ngắn")
    texts = _texts(cells, letters)
    credits = [_credit(cells, letter) for letter in letters]
    feedback = [cells.get(("feedback", letter), "") for letter in letters]
    q.options = [
        Option(t, 1.0 if c is None else c, f)
        for t, c, f in zip(texts, credits, feedback, strict=True)
    ]


NUMERIC_RE = re.compile(r"(.+?)\s*(?:±|\+/-|:)\s*(.+)")


def numeric_cell(text: str) -> NumericAnswer:
    """ "1822", "1822 ± 2", "1822:2", "1820..1824" (decimal comma allowed) → NumericAnswer."""
    low, _, high = text.partition("..")
    if high and parse_number(low, decimal_comma=True) is not None:
        top = parse_number(high, decimal_comma=True)
        if top is not None:
            return NumericAnswer(low=parse_number(low, decimal_comma=True), high=top)
    found = NUMERIC_RE.fullmatch(text.strip())
    value_text, tolerance_text = (found[1], found[2]) if found else (text, "0")
    value = parse_number(value_text, decimal_comma=True)
    tolerance = parse_number(tolerance_text, decimal_comma=True)
    if value is None or tolerance is None:
        raise RowError(
            _l("đáp án số «%(text)s» phải có dạng 1822, 1822 ± 2 hoặc 1820..1824", text=text)
        )
    return NumericAnswer(value=value, tolerance=tolerance)


def _numerical(q: QuestionData, cells: Cells, letters: list[str]) -> None:
    _no_key(cells, "câu trả lời số")
    for letter, text in zip(letters, _texts(cells, letters), strict=True):
        answer = numeric_cell(text)
        credit = _credit(cells, letter)
        answer.credit = 1.0 if credit is None else credit
        answer.feedback = cells.get(("feedback", letter), "")
        q.numeric_answers.append(answer)


def _matching(q: QuestionData, cells: Cells, letters: list[str]) -> None:
    _no_key(cells, "câu ghép cặp")
    for letter, text in zip(letters, _texts(cells, letters), strict=True):
        if cells.get(("credit", letter)) or cells.get(("feedback", letter)):
            raise RowError(
                _l("câu ghép cặp không dùng Điểm %(letter)s hay Phản hồi %(letter)s", letter=letter)
            )
        prompt, arrow, answer = text.partition("->")
        if not arrow:
            raise RowError(
                _l(
                    "Phương án %(letter)s của câu ghép cặp phải có dạng «vế trái -> vế phải»",
                    letter=letter,
                )
            )
        q.pairs.append(MatchPair(prompt=prompt.strip(), answer=answer.strip()))


def _essay(q: QuestionData, cells: Cells, letters: list[str]) -> None:
    _no_key(cells, "câu tự luận")
    if letters:
        raise RowError(_l("câu tự luận không có phương án"))


READERS: dict[QuestionType, Callable[[QuestionData, Cells, list[str]], None]] = {
    QuestionType.SINGLE_CHOICE: _choices,
    QuestionType.MULTIPLE_RESPONSE: _choices,
    QuestionType.SITUATIONAL: _choices,
    QuestionType.TRUE_FALSE: _true_false,
    QuestionType.SHORT_ANSWER: _short_answer,
    QuestionType.NUMERICAL: _numerical,
    QuestionType.MATCHING: _matching,
    QuestionType.ESSAY: _essay,
}


def _date(text: str, what: str) -> date | None:
    if not text:
        return None
    found = VN_DATE_RE.fullmatch(text)
    iso = f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else text
    parsed = parse_iso_date(iso)
    if parsed is None:
        raise RowError(
            _l(
                "%(what)s «%(text)s» không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)",
                what=what,
                text=text,
            )
        )
    return parsed


SOURCE_COLUMNS = ("source_document", "source_article", "source_issued", "source_checked")
SOURCE_COLUMNS += ("source_note",)


def _sources(cells: Cells) -> list[SourceRef]:
    """One source per line of "Văn bản nguồn"; line n of the other source columns goes with it."""
    lines = {c: cells[c].split("\n") if cells.get(c) else [] for c in SOURCE_COLUMNS}
    documents = lines["source_document"]
    if not documents and any(lines.values()):
        raise RowError(_l("có thông tin nguồn nhưng thiếu Văn bản nguồn"))
    if any(len(column) > len(documents) for column in lines.values()):
        raise RowError(_l("cột nguồn có nhiều dòng hơn cột Văn bản nguồn (mỗi văn bản một dòng)"))
    return [
        _source({c: v[i].strip() if i < len(v) else "" for c, v in lines.items()}, i)
        for i in range(len(documents))
    ]


def _source(line: dict[str, str], index: int) -> SourceRef:
    if not line["source_document"]:
        raise RowError(_l("dòng thứ %(number)s của cột Văn bản nguồn trống", number=index + 1))
    return SourceRef(
        document=line["source_document"],
        article=line["source_article"],
        issued=_date(line["source_issued"], "Ngày ban hành"),
        checked_on=_date(line["source_checked"], "Ngày kiểm tra nguồn"),
        note=line["source_note"],
    )
