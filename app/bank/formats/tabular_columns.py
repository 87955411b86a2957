"""Columns of the XLSX/CSV question sheet: Vietnamese headers, English aliases, value labels.

Headers are matched without regard to case, diacritics or extra spaces, so "Ma cau hoi",
"MÃ CÂU HỎI" and "Mã câu hỏi" are the same column. Option columns come in groups per letter:
"Phương án A", "Điểm A" (credit in percent), "Phản hồi A"; any letter A–Z is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.bank.formats.model import Difficulty, QuestionType, TextFormat

ColumnKey = str | tuple[str, str]  # "stem", or ("option" | "credit" | "feedback", letter)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    help: str


BEFORE_OPTIONS = (
    Column(
        "external_id",
        "Mã câu hỏi",
        ("ID", "External ID", "Question ID"),
        "Mã ổn định của câu hỏi, không bao giờ dùng lại (ví dụ MC-TN-001).",
    ),
    Column(
        "name",
        "Tên câu hỏi",
        ("Name", "Title", "Question name"),
        "Tên ngắn để tìm câu hỏi trong ngân hàng (không bắt buộc).",
    ),
    Column(
        "type",
        "Loại",
        ("Type", "Question type", "Loại câu hỏi"),
        "Bắt buộc. Một trong: "
        + "; ".join(
            (
                "Một đáp án",
                "Nhiều đáp án",
                "Đúng/Sai",
                "Trả lời ngắn",
                "Số",
                "Ghép cặp",
                "Tình huống",
                "Tự luận",
            )
        ),
    ),
    Column(
        "topic", "Chủ đề", ("Topic", "Category"), "Đường dẫn chủ đề, các cấp cách nhau bởi dấu /."
    ),
    Column("difficulty", "Độ khó", ("Difficulty",), "Dễ, Trung bình hoặc Khó."),
    Column(
        "stem_format",
        "Định dạng",
        ("Format", "Text format"),
        "Định dạng nội dung: html (mặc định), markdown hoặc plain.",
    ),
    Column(
        "stem",
        "Nội dung câu hỏi",
        ("Question", "Question text", "Stem", "Câu hỏi"),
        "Bắt buộc. Nội dung câu hỏi; được dùng một số thẻ HTML đơn giản.",
    ),
)
AFTER_OPTIONS = (
    Column(
        "key",
        "Đáp án",
        ("Key", "Answer key", "Correct answer"),
        "Cách ghi đáp án thay cho cột Điểm: chữ cái phương án đúng, ví dụ A hoặc A,C; "
        "câu Đúng/Sai ghi Đúng hoặc Sai.",
    ),
    Column(
        "general_feedback",
        "Phản hồi chung",
        ("General feedback", "Feedback"),
        "Giải thích hiện cho người học sau khi trả lời.",
    ),
    Column("tags", "Thẻ", ("Tags",), "Các thẻ, cách nhau bởi dấu ;"),
    Column(
        "positions",
        "Vị trí áp dụng",
        ("Positions", "Job positions"),
        "Các vị trí việc làm áp dụng, cách nhau bởi dấu ; (để trống = mọi vị trí).",
    ),
    Column(
        "source_document",
        "Văn bản nguồn",
        ("Source", "Source document"),
        "Văn bản làm căn cứ; nhiều văn bản thì mỗi văn bản một dòng trong ô.",
    ),
    Column(
        "source_article",
        "Điều khoản",
        ("Article", "Source article"),
        "Điều, khoản của văn bản nguồn (dòng thứ n ứng với văn bản thứ n).",
    ),
    Column(
        "source_issued",
        "Ngày ban hành",
        ("Issued", "Source issued"),
        "Ngày ban hành văn bản, dạng YYYY-MM-DD hoặc DD/MM/YYYY.",
    ),
    Column(
        "source_checked",
        "Ngày kiểm tra nguồn",
        ("Checked", "Source checked"),
        "Ngày đối chiếu lần cuối với văn bản, dạng YYYY-MM-DD hoặc DD/MM/YYYY.",
    ),
    Column("source_note", "Ghi chú nguồn", ("Source note",), "Ghi chú về nguồn (nếu có)."),
    Column("status", "Trạng thái", ("Status",), "approved (đã duyệt) hoặc draft (bản nháp)."),
    Column("note", "Ghi chú", ("Note",), "Ghi chú cho người duyệt."),
    Column(
        "case_sensitive",
        "Phân biệt hoa thường",
        ("Case sensitive",),
        "Câu trả lời ngắn: Có nếu phân biệt chữ hoa, chữ thường.",
    ),
    Column(
        "ignore_diacritics",
        "Bỏ qua dấu",
        ("Ignore diacritics",),
        "Câu trả lời ngắn: Có nếu chấp nhận câu trả lời không dấu.",
    ),
    Column(
        "shuffle",
        "Xáo trộn phương án",
        ("Shuffle",),
        "Để trống hoặc Có: xáo trộn; Không: giữ nguyên thứ tự phương án.",
    ),
)
OPTION_KINDS = {
    "option": ("Phương án", ("option", "choice")),
    "credit": ("Điểm", ("credit", "score", "grade")),
    "feedback": ("Phản hồi", ("feedback",)),
}
TYPE_LABELS = {
    QuestionType.SINGLE_CHOICE: "Một đáp án",
    QuestionType.MULTIPLE_RESPONSE: "Nhiều đáp án",
    QuestionType.TRUE_FALSE: "Đúng/Sai",
    QuestionType.SHORT_ANSWER: "Trả lời ngắn",
    QuestionType.NUMERICAL: "Số",
    QuestionType.MATCHING: "Ghép cặp",
    QuestionType.SITUATIONAL: "Tình huống",
    QuestionType.ESSAY: "Tự luận",
}
DIFFICULTY_LABELS = {Difficulty.EASY: "Dễ", Difficulty.MEDIUM: "Trung bình", Difficulty.HARD: "Khó"}
YES = ("co", "x", "true", "yes", "1", "dung")
NO = ("khong", "false", "no", "0", "sai")


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces: "Phương  Án A" → "phuong an a"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return " ".join(text.casefold().split())


def _lookup() -> dict[str, str]:
    table = {}
    for column in BEFORE_OPTIONS + AFTER_OPTIONS:
        for name in (column.header, column.key, *column.aliases):
            table[fold(name)] = column.key
    return table


HEADERS = _lookup()
HEADER_OF = {column.key: column.header for column in BEFORE_OPTIONS + AFTER_OPTIONS}
OPTION_RE = {
    kind: re.compile(rf"(?:{'|'.join([fold(vi), *en])}) ([a-z])")
    for kind, (vi, en) in OPTION_KINDS.items()
}
TYPES = {fold(label): kind for kind, label in TYPE_LABELS.items()}
TYPES |= {fold(kind.value.replace("_", " ")): kind for kind in QuestionType}
TYPES |= {kind.value: kind for kind in QuestionType} | {"dung sai": QuestionType.TRUE_FALSE}
DIFFICULTIES = {fold(label): d for d, label in DIFFICULTY_LABELS.items()}
DIFFICULTIES |= {d.value: d for d in Difficulty}
FORMATS = {f.value: f for f in TextFormat}


def column_key(header: str) -> ColumnKey | None:
    """The key of a header cell, or None when it is not a known column."""
    folded = fold(header)
    if folded in HEADERS:
        return HEADERS[folded]
    for kind, pattern in OPTION_RE.items():
        found = pattern.fullmatch(folded)
        if found:
            return (kind, found[1].upper())
    return None


def option_header(kind: str, letter: str) -> str:
    return f"{OPTION_KINDS[kind][0]} {letter}"
