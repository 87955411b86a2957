"""One ``QuestionData`` → one spreadsheet row (used by ``tabular``); inverse of ``tabular_rows``.

Credits are written in the "Điểm" columns (as percent numbers); "Đáp án" is left empty.
Lost: a matching prompt containing "->"; tags or positions containing ";" or ","; line
breaks inside source fields (one source per line of the cell).
"""

from __future__ import annotations

from collections.abc import Iterable

from app.bank.formats.common import LETTERS, format_number, round_credit
from app.bank.formats.model import NumericAnswer, Option, QuestionData, QuestionType
from app.bank.formats.tabular_columns import (
    AFTER_OPTIONS,
    BEFORE_OPTIONS,
    DIFFICULTY_LABELS,
    TYPE_LABELS,
    option_header,
)

Cell = str | float
MIN_LETTERS = 8  # the sheet always offers options A–H
KINDS = ("option", "credit", "feedback")


def letters_needed(questions: Iterable[QuestionData]) -> int:
    """How many option column groups the questions need (at least A–H, at most A–Z)."""
    counts = [len(q.options) + len(q.numeric_answers) + len(q.pairs) for q in questions]
    return min(len(LETTERS), max([MIN_LETTERS, *counts]))


def headers(n_letters: int) -> list[str]:
    options = [option_header(kind, LETTERS[i]) for i in range(n_letters) for kind in KINDS]
    return [c.header for c in BEFORE_OPTIONS] + options + [c.header for c in AFTER_OPTIONS]


def _percent(credit: float) -> float:
    return round(round_credit(credit) * 100, 5) + 0.0


def _numeric_text(answer: NumericAnswer) -> str:
    if answer.low is not None and answer.high is not None:
        return f"{format_number(answer.low)}..{format_number(answer.high)}"
    value = format_number(answer.value if answer.value is not None else 0.0)
    return f"{value} ± {format_number(answer.tolerance)}" if answer.tolerance else value


def _option_cells(q: QuestionData) -> list[tuple[str, Cell, str]]:
    if q.type == QuestionType.TRUE_FALSE:
        by_text = {o.text: o for o in q.options}
        true, false = by_text.get("true", Option("true")), by_text.get("false", Option("false"))
        return [
            ("Đúng", _percent(true.credit), true.feedback),
            ("Sai", _percent(false.credit), false.feedback),
        ]
    if q.type == QuestionType.NUMERICAL:
        return [(_numeric_text(a), _percent(a.credit), a.feedback) for a in q.numeric_answers]
    if q.type == QuestionType.MATCHING:
        return [(f"{p.prompt} -> {p.answer}".strip(), "", "") for p in q.pairs]
    return [(o.text, _percent(o.credit), o.feedback) for o in q.options]


def _sources(q: QuestionData) -> list[str]:
    def column(values: list[str]) -> str:
        joined = "\n".join(" ".join(v.split("\n")) for v in values)
        return joined if joined.strip() else ""

    return [
        column([s.document for s in q.sources]),
        column([s.article for s in q.sources]),
        column([s.issued.isoformat() if s.issued else "" for s in q.sources]),
        column([s.checked_on.isoformat() if s.checked_on else "" for s in q.sources]),
        column([s.note for s in q.sources]),
    ]


def question_row(q: QuestionData, n_letters: int) -> list[Cell]:
    """The cells of one question, in the order of ``headers(n_letters)``."""
    difficulty = DIFFICULTY_LABELS[q.difficulty] if q.difficulty else ""
    row: list[Cell] = [q.external_id, q.name, TYPE_LABELS[q.type], q.topic, difficulty]
    row += [q.stem_format.value, q.stem]
    cells = _option_cells(q)[:n_letters]
    for text, credit, feedback in cells + [("", "", "")] * (n_letters - len(cells)):
        row += [text, credit, feedback]
    row += ["", q.general_feedback, "; ".join(q.tags), "; ".join(q.positions)]
    row += _sources(q)
    row += [q.status, q.note, "Có" if q.case_sensitive else "", "Có" if q.ignore_diacritics else ""]
    row.append("" if q.shuffle else "Không")
    return row
