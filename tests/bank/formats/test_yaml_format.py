"""YAML: the example of ``question_bank/README.md``, every type, and errors with lines."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from app.bank.formats.model import (
    Difficulty,
    MatchPair,
    NumericAnswer,
    Option,
    QuestionType,
    SourceRef,
)
from app.bank.formats.yaml_format import parse_yaml, write_yaml

README = Path(__file__).resolve().parents[3] / "question_bank" / "README.md"

ALL_TYPES = """\
topic: Kỹ năng/Giao tiếp
positions: [tiep-nhan]
questions:
  - id: TF-1
    type: true_false
    stem: Được hẹn trả kết quả qua điện thoại.
    answer: false
    feedback_true: Chưa đúng.
    feedback_false: Đúng vậy.
  - id: SA-1
    type: short_answer
    positions: []
    stem: Viết tắt của Trung tâm Phục vụ hành chính công?
    answers:
      - {text: TTPVHCC}
      - {text: PVHCC, credit: 0.5, feedback: Gần đúng.}
    case_sensitive: true
    ignore_diacritics: true
  - id: NU-1
    type: numerical
    stem: Bao nhiêu ngày?
    answers:
      - {value: 3, tolerance: 0}
      - {min: 2, max: 4, credit: 0.5}
  - id: MA-1
    type: matching
    stem: Ghép cơ quan với cấp.
    distractors: [Cấp huyện]
    pairs:
      - {prompt: UBND xã, answer: Cấp xã}
      - {prompt: UBND tỉnh, answer: Cấp tỉnh}
  - id: SI-1
    type: situational
    shuffle: false
    stem: Người dân nóng giận.
    options:
      - {text: Lắng nghe, credit: 1, feedback: Tốt nhất.}
      - {text: Chuyển người khác, credit: 0.5, feedback: Chấp nhận được.}
      - {text: Tranh cãi, credit: 0, feedback: Có hại.}
  - id: ES-1
    type: essay
    stem: Trình bày quy trình.
"""


def readme_example() -> str:
    return re.search(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)[1]


def test_readme_example() -> None:
    result = parse_yaml(readme_example(), filename="vi-du.yaml")
    assert result.issues == []
    [q] = result.questions
    assert (q.external_id, q.type, q.difficulty) == (
        "MC-TN-001",
        QuestionType.SINGLE_CHOICE,
        Difficulty.EASY,
    )
    assert (q.status, q.tags, q.positions, q.line) == ("approved", ["bo-sung-ho-so"], [], 4)
    assert q.topic == "Cơ chế một cửa/Tiếp nhận hồ sơ"
    assert q.stem.startswith("Khi hồ sơ chưa đầy đủ") and q.stem.endswith("như thế nào?")
    assert [o.credit for o in q.options] == [1.0, 0.0]
    assert q.options[0].feedback == "Đúng — Nghị định 118/2025/NĐ-CP, Điều 16 khoản 3."
    assert q.general_feedback.startswith("Nguyên tắc")
    assert q.sources == [
        SourceRef(
            document="Nghị định 118/2025/NĐ-CP",
            article="Điều 16 khoản 3; Điều 17 khoản 1 điểm c",
            issued=date(2025, 6, 9),
            checked_on=date(2026, 11, 22),
        )
    ]


def test_all_types() -> None:
    result = parse_yaml(ALL_TYPES)
    assert result.issues == []
    tf, sa, nu, ma, si, es = result.questions
    assert tf.options == [Option("true", 0.0, "Chưa đúng."), Option("false", 1.0, "Đúng vậy.")]
    assert tf.positions == ["tiep-nhan"] and sa.positions == []
    assert sa.options == [Option("TTPVHCC", 1.0), Option("PVHCC", 0.5, "Gần đúng.")]
    assert sa.case_sensitive and sa.ignore_diacritics
    assert nu.numeric_answers == [
        NumericAnswer(value=3.0, tolerance=0.0),
        NumericAnswer(low=2.0, high=4.0, credit=0.5),
    ]
    assert ma.pairs == [
        MatchPair("UBND xã", "Cấp xã"),
        MatchPair("UBND tỉnh", "Cấp tỉnh"),
        MatchPair("", "Cấp huyện"),
    ]
    assert si.type == QuestionType.SITUATIONAL and si.shuffle is False
    line = ALL_TYPES.split("\n").index("  - id: ES-1") + 1
    assert (es.type, es.topic, es.line) == (QuestionType.ESSAY, "Kỹ năng/Giao tiếp", line)


def test_round_trip_of_all_types() -> None:
    questions = parse_yaml(ALL_TYPES).questions + parse_yaml(readme_example()).questions
    text = write_yaml(questions)
    assert text.startswith("---\n") and text.count("\n---\n") == 1  # two topics: 2 documents
    again = parse_yaml(text)
    assert again.issues == []
    assert all(a.content_equal(b) for a, b in zip(questions, again.questions, strict=True))


def test_bare_list() -> None:
    result = parse_yaml("- type: essay\n  stem: Một\n- type: essay\n  stem: Hai\n")
    assert [(q.stem, q.topic, q.line) for q in result.questions] == [("Một", "", 1), ("Hai", "", 3)]


def test_unknown_key_gives_its_line() -> None:
    text = re.sub(
        r"(    status: approved[^\n]*\n)", r"\1    difficulty_level: hard\n", readme_example()
    )
    result = parse_yaml(text, filename="mot-cua.yaml")
    [error] = result.errors
    line = text.split("\n").index("    difficulty_level: hard") + 1
    assert error.line == line
    assert error.message.startswith(f"mot-cua.yaml: Dòng {line}: khóa 'difficulty_level'")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("questions:\n  - type: essay\n    stem: a\n    options: []\n", 4, "'options'"),
        (
            "questions:\n  - type: single_choice\n    stem: a\n    options:\n      - txt: b\n",
            5,
            "'txt'",
        ),
        ("questions:\n  - type: choice\n    stem: a\n", 2, "choice"),
        ("questions:\n  - stem: a\n", 2, "'type'"),
        ("questions:\n  - type: true_false\n    stem: a\n", 2, "answer"),
        ("questions:\n  - type: essay\n    stem: [a\n", 4, "YAML"),
        ("questions:\n  - type: essay\n    difficulty: rất khó\n    stem: a\n", 3, "difficulty"),
        (
            "questions:\n  - type: numerical\n    stem: a\n    answers:\n      - {value: x}\n",
            5,
            "số",
        ),
        (
            "questions:\n  - type: numerical\n    stem: a\n    answers:\n      - {credit: 1}\n",
            5,
            "min",
        ),
        (
            "questions:\n - type: essay\n   stem: a\n   source:\n"
            "     - {document: D, checked: 2026-13-45}\n",
            5,
            "checked",
        ),
        ("questions:\n - type: essay\n   stem: a\n   stem: b\n", 4, "lặp"),
        ("topic: T\nquestion:\n  - type: essay\n", 2, "'question'"),
        ("questions:\n  - &q {type: essay, stem: a}\n  - *q\n", 2, "alias"),
        ("just text", 1, "questions"),
    ],
)
def test_errors_have_lines(text: str, line: int, words: str) -> None:
    errors = parse_yaml(text).errors
    assert any(e.line == line and words in e.message for e in errors), errors


def test_semantic_errors_have_the_question_line() -> None:
    text = "questions:\n  - type: single_choice\n    stem: a\n    options:\n      - {text: x}\n"
    errors = parse_yaml(text).errors
    assert {e.line for e in errors} == {2}
    assert any("100%" in e.message for e in errors)


def test_dates_as_text_and_multiple_sources() -> None:
    text = (
        "questions:\n  - type: essay\n    stem: a\n    source:\n"
        "      - {document: A, issued: '2025-06-09'}\n      - document: B\n"
    )
    [q] = parse_yaml(text).questions
    assert q.sources == [SourceRef("A", issued=date(2025, 6, 9)), SourceRef("B")]
    assert "issued: 2025-06-09" in write_yaml([q])


def test_several_documents_and_empty_input() -> None:
    text = "topic: A\nquestions:\n - {type: essay, stem: x}\n---\ntopic: B\nquestions: []\n"
    assert [q.topic for q in parse_yaml(text).questions] == ["A"]
    assert parse_yaml("").questions == [] and parse_yaml("").issues == []
    assert write_yaml([]) == "questions: []\n"
