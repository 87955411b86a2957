"""Question contents for the item-layer tests, built the way the bank stores them.

Each builder goes through ``QuestionData`` → ``sanitise`` → ``to_content``, so the tests see
exactly the JSON a question version carries (HTML-escaped texts included).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from app.bank.content import sanitise, to_content
from app.bank.formats import parse
from app.bank.formats.model import MatchPair, NumericAnswer, Option, QuestionData, QuestionType
from app.exams.items import build_order

BANK = Path(__file__).resolve().parents[2] / "question_bank" / "questions"


def make(kind: str, stem: str = "Câu hỏi kiểm tra?", **fields: Any) -> dict[str, Any]:
    """The stored content of a question of type ``kind``."""
    return to_content(sanitise(QuestionData(type=QuestionType(kind), stem=stem, **fields)))


def choice(kind: str, *credits: float, **fields: Any) -> dict[str, Any]:
    """A choice question: option i reads "Phương án i" and has feedback "Phản hồi i"."""
    options = [Option(f"Phương án {i}", c, f"Phản hồi {i}") for i, c in enumerate(credits)]
    return make(kind, options=options, general_feedback="Giải thích chung.", **fields)


def true_false(answer: bool) -> dict[str, Any]:
    return make(
        "true_false",
        options=[
            Option("true", 1.0 if answer else 0.0, "Phản hồi khi chọn Đúng"),
            Option("false", 0.0 if answer else 1.0, "Phản hồi khi chọn Sai"),
        ],
    )


def short_answer(*answers: tuple[str, float], **flags: Any) -> dict[str, Any]:
    options = [Option(text, credit, f"Phản hồi cho «{text}»") for text, credit in answers]
    return make("short_answer", options=options, **flags)


def numerical(*answers: NumericAnswer) -> dict[str, Any]:
    return make("numerical", numeric_answers=list(answers), general_feedback="Giải thích số.")


def matching() -> dict[str, Any]:
    """Prompts A→X, B→Y, C→X (two prompts share one answer text), distractor Z."""
    pairs = [MatchPair("A", "X"), MatchPair("B", "Y"), MatchPair("C", "X"), MatchPair("", "Z")]
    return make("matching", pairs=pairs, general_feedback="Giải thích ghép cặp.")


def plain_order(content: dict[str, Any]) -> dict[str, Any]:
    """The stored order (no shuffling): for choice types "a" is option 0, "b" option 1, …"""
    return build_order(content, random.Random(0), shuffle=False)


def bank_questions() -> list[tuple[str, dict[str, Any], QuestionData]]:
    """(external id, stored content, parsed question) of every shipped YAML question."""
    out = []
    for path in sorted(BANK.glob("*.yaml")):
        result = parse(path.read_bytes(), "yaml", filename=path.name)
        assert result.ok, result.errors
        out += [(q.external_id, to_content(sanitise(q)), q) for q in result.questions]
    return out


GRADED_NUMERIC = numerical(
    NumericAnswer(value=22.5, tolerance=0.0, credit=1.0),
    NumericAnswer(low=20.0, high=25.0, credit=0.5),
    NumericAnswer(value=27.0, credit=0.0, feedback="27 là mức của cấp huyện."),
)

SAMPLES: dict[str, dict[str, Any]] = {
    "single_choice": choice("single_choice", 1.0, 0.0, 0.0, -0.5),
    "situational": choice("situational", 1.0, 0.5, 0.0),
    "true_false": true_false(True),
    "multiple_response": choice("multiple_response", 0.5, 0.5, -1.0, 0.0),
    "short_answer": short_answer(("Đà Nẵng", 1.0), ("Đà*", 0.5), ("*", 0.0)),
    "numerical": numerical(
        NumericAnswer(value=3.5, tolerance=0.1), NumericAnswer(low=0.0, high=10.0, credit=0.25)
    ),
    "matching": matching(),
    "essay": make("essay"),
}
