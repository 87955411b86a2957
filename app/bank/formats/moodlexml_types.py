"""Per-type readers for Moodle XML ``<question>`` elements (used by ``moodlexml``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from app.bank.formats.common import parse_number, round_credit
from app.bank.formats.model import MatchPair, NumericAnswer, Option, QuestionData, QuestionType

Warn = Callable[[str], None]


class BuildError(Exception):
    """A question element that cannot be read; the message is in Vietnamese."""


def flag(text: str | None, *, default: bool) -> bool:
    """Moodle's reading of a yes/no element: absent → default, "false"/"0"/"" → False."""
    if text is None:
        return default
    return text.strip().lower() not in ("", "false", "0", "no")


def _text(element: ET.Element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _fraction(answer: ET.Element) -> float:
    raw = answer.get("fraction", "0")
    value = parse_number(raw)
    if value is None:
        raise BuildError(f'điểm fraction="{raw}" không phải là số')
    return round_credit(value / 100)


def _options(element: ET.Element) -> list[Option]:
    return [
        Option(text=_text(a, "text"), credit=_fraction(a), feedback=_text(a, "feedback/text"))
        for a in element.findall("answer")
    ]


def _multichoice(element: ET.Element, warn: Warn) -> QuestionData:
    single = flag(element.findtext("single"), default=True)
    kind = QuestionType.SINGLE_CHOICE if single else QuestionType.MULTIPLE_RESPONSE
    return QuestionData(type=kind, stem="", options=_options(element))


def _truefalse(element: ET.Element, warn: Warn) -> QuestionData:
    options = _options(element)
    texts = [o.text.lower() for o in options]
    if sorted(texts) == ["false", "true"]:
        for option in options:
            option.text = option.text.lower()
        options.sort(key=lambda o: o.text != "true")
    elif len(options) == 2:  # like Moodle: an old file with other labels is true, then false
        options[0].text, options[1].text = "true", "false"
    else:
        raise BuildError(_l("câu đúng/sai phải có hai đáp án true và false"))
    return QuestionData(type=QuestionType.TRUE_FALSE, stem="", options=options)


def _shortanswer(element: ET.Element, warn: Warn) -> QuestionData:
    return QuestionData(type=QuestionType.SHORT_ANSWER, stem="", options=_options(element))


def _numeric(answer: ET.Element) -> NumericAnswer:
    raw_value, raw_tolerance = _text(answer, "text"), _text(answer, "tolerance") or "0"
    value, tolerance = parse_number(raw_value), parse_number(raw_tolerance)
    if value is None or tolerance is None:
        raise BuildError(
            _l(
                "đáp án số «%(raw_value)s» ± «%(raw_tolerance)s» không phải là số",
                raw_value=raw_value,
                raw_tolerance=raw_tolerance,
            )
        )
    return NumericAnswer(
        value=value,
        tolerance=tolerance,
        credit=_fraction(answer),
        feedback=_text(answer, "feedback/text"),
    )


def _numerical(element: ET.Element, warn: Warn) -> QuestionData:
    answers = []
    for answer in element.findall("answer"):
        if _text(answer, "text") == "*":
            warn("đáp án '*' (mọi câu trả lời khác) không được hỗ trợ, đã bỏ qua")
            continue
        answers.append(_numeric(answer))
    if element.findall("units/unit"):
        warn("đơn vị đo (units) của câu hỏi số không được hỗ trợ, đã bỏ qua")
    return QuestionData(type=QuestionType.NUMERICAL, stem="", numeric_answers=answers)


def _matching(element: ET.Element, warn: Warn) -> QuestionData:
    pairs = [
        MatchPair(prompt=_text(sub, "text"), answer=_text(sub, "answer/text"))
        for sub in element.findall("subquestion")
    ]
    return QuestionData(type=QuestionType.MATCHING, stem="", pairs=pairs)


def _essay(element: ET.Element, warn: Warn) -> QuestionData:
    return QuestionData(type=QuestionType.ESSAY, stem="")


BUILDERS: dict[str, Callable[[ET.Element, Warn], QuestionData]] = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "essay": _essay,
}
