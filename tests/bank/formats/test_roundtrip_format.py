"""Round trips as a property: ``parse(write(qs, fmt), fmt)`` gives the questions back.

Each format is compared on the fields it can carry (``carried``); what it loses is
documented in ``app/bank/formats/__init__.py`` and mirrored here.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, assume, given, settings

from app.bank.formats import parse, write
from app.bank.formats.model import NumericAnswer, QuestionData, QuestionType, TextFormat
from app.bank.formats.validate import validate_question

from .strategies import question_lists, questions

ROUND_TRIP = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _not_moodle(q: QuestionData) -> QuestionData:
    kind = QuestionType.SINGLE_CHOICE if q.type == QuestionType.SITUATIONAL else q.type
    return dataclasses.replace(
        q,
        type=kind,
        difficulty=None,
        positions=[],
        sources=[],
        status="",
        note="",
        ignore_diacritics=False,
    )


def _midpoint(answer: NumericAnswer) -> NumericAnswer:
    if answer.low is None or answer.high is None:
        return answer
    middle, half = (answer.low + answer.high) / 2, (answer.high - answer.low) / 2
    return dataclasses.replace(answer, value=middle, tolerance=half, low=None, high=None)


def carried(q: QuestionData, fmt: str) -> QuestionData:
    """The part of ``q`` that format ``fmt`` carries; the rest at its defaults."""
    if fmt == "gift":
        return dataclasses.replace(_not_moodle(q), shuffle=True, case_sensitive=False)
    if fmt == "moodlexml":
        answers = [_midpoint(a) for a in q.numeric_answers]
        return dataclasses.replace(_not_moodle(q), numeric_answers=answers)
    if fmt == "yaml":
        sources = [dataclasses.replace(s, note="") for s in q.sources]
        return dataclasses.replace(q, name="", stem_format=TextFormat.HTML, sources=sources)
    return q


def _writable(qs: list[QuestionData], fmt: str) -> bool:
    """GIFT and spreadsheets have no escape for "->" in a matching prompt / short answer."""
    if fmt not in ("gift", "xlsx", "csv"):
        return True
    prompts = [p.prompt for q in qs for p in q.pairs]
    answers = [o.text for q in qs if q.type == QuestionType.SHORT_ANSWER for o in q.options]
    return not any("->" in text for text in prompts + (answers if fmt == "gift" else []))


@given(questions())
@settings(max_examples=200, deadline=None)
def test_generated_questions_are_valid(question: QuestionData) -> None:
    assert validate_question(question) == []


@pytest.mark.parametrize("fmt", ["gift", "moodlexml", "yaml", "xlsx", "csv"])
@given(qs=question_lists)
@ROUND_TRIP
def test_round_trip(fmt: str, qs: list[QuestionData]) -> None:
    assume(_writable(qs, fmt))
    result = parse(write(qs, fmt), fmt)
    assert result.errors == []
    expected = [carried(q, fmt) for q in qs]
    assert len(result.questions) == len(expected)
    for got, want in zip(result.questions, expected, strict=True):
        assert got.content_equal(want), (got, want)
