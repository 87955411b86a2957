"""``validate_question``: one test per rule, messages in Vietnamese."""

from __future__ import annotations

import pytest

from app.bank.formats.model import MatchPair, NumericAnswer, Option, QuestionData, QuestionType
from app.bank.formats.validate import validate_question

T = QuestionType


def question(kind: QuestionType, **fields) -> QuestionData:
    return QuestionData(type=kind, stem=fields.pop("stem", "Câu hỏi?"), **fields)


def opts(*credits: float) -> list[Option]:
    return [Option(f"phương án {i}", c) for i, c in enumerate(credits)]


@pytest.mark.parametrize(
    "q",
    [
        question(T.SINGLE_CHOICE, options=opts(1, 0, 0.5)),
        question(T.MULTIPLE_RESPONSE, options=opts(0.3333333, 0.3333333, 0.3333333, -1)),
        question(T.MULTIPLE_RESPONSE, options=opts(1 / 7, *[1 / 7] * 6, -0.5)),
        question(T.TRUE_FALSE, options=[Option("true", 0), Option("false", 1)]),
        question(T.SHORT_ANSWER, options=opts(1, 0.5)),
        question(
            T.NUMERICAL,
            numeric_answers=[NumericAnswer(low=1, high=2), NumericAnswer(3, 1, credit=0.5)],
        ),
        question(T.MATCHING, pairs=[MatchPair("a", "1"), MatchPair("b", "2"), MatchPair("", "3")]),
        question(T.SITUATIONAL, options=opts(1, 0.5, 0)),
        question(T.ESSAY),
    ],
)
def test_valid_questions(q: QuestionData) -> None:
    assert validate_question(q) == []


@pytest.mark.parametrize(
    ("q", "words"),
    [
        (question(T.ESSAY, stem="  <p> </p>&nbsp;"), "nội dung câu hỏi trống"),
        (
            question(T.SINGLE_CHOICE, options=opts(1, 1)),
            "đúng một phương án được 100% điểm (đang có 2)",
        ),
        (question(T.SINGLE_CHOICE, options=opts(0.5, 0)), "(đang có 0)"),
        (question(T.SINGLE_CHOICE, options=opts(1)), "ít nhất 2 phương án"),
        (question(T.MULTIPLE_RESPONSE, options=opts(0.5, 0.3, -1)), "phải bằng 100% (đang là 80%)"),
        (question(T.MULTIPLE_RESPONSE, options=opts(0.333, 0.333, 0.333)), "đang là 99,9%"),
        (question(T.MULTIPLE_RESPONSE, options=opts(0, -1)), "ít nhất một phương án đúng"),
        (question(T.SINGLE_CHOICE, options=opts(1, -1.5)), "-100% đến 100% (đang là -150%)"),
        (question(T.SHORT_ANSWER, options=opts(1.2)), "-100% đến 100%"),
        (question(T.TRUE_FALSE, options=opts(1, 0)), "Đúng và Sai"),
        (question(T.TRUE_FALSE, options=[Option("true", 1)]), "Đúng và Sai"),
        (question(T.TRUE_FALSE, options=[Option("true", 1), Option("false", 1)]), "100% điểm"),
        (question(T.NUMERICAL), "ít nhất một đáp án"),
        (question(T.NUMERICAL, numeric_answers=[NumericAnswer()]), "không có giá trị"),
        (question(T.NUMERICAL, numeric_answers=[NumericAnswer(low=5, high=1)]), "nhỏ nhất lớn hơn"),
        (question(T.NUMERICAL, numeric_answers=[NumericAnswer(2, credit=0.5)]), "100% điểm"),
        (question(T.MATCHING, pairs=[MatchPair("a", "1"), MatchPair("", "2")]), "ít nhất 2 cặp"),
        (question(T.MATCHING, pairs=[MatchPair("a", "1"), MatchPair("a", "2")]), "trùng vế hỏi"),
        (
            question(T.MATCHING, pairs=[MatchPair("a", "1"), MatchPair("b", " ")]),
            "không có vế trả lời",
        ),
        (
            question(T.SHORT_ANSWER, options=[Option("Hà  Nội", 1), Option("Hà Nội", 1)]),
            "trùng với phương án A",
        ),
        (question(T.SINGLE_CHOICE, options=[Option("", 1), Option("b", 0)]), "phương án A trống"),
        (question(T.SITUATIONAL, options=opts(0.5, 0)), "phương án tốt nhất được 100% điểm"),
        (question(T.SITUATIONAL, options=opts(1, 1)), "câu tình huống phải có đúng một"),
        (question(T.ESSAY, options=opts(1)), "không có phương án"),
        (question(T.SINGLE_CHOICE, options=opts(1, float("nan"))), "không phải là số"),
    ],
)
def test_invalid_questions(q: QuestionData, words: str) -> None:
    messages = validate_question(q)
    assert any(words in m for m in messages), messages
