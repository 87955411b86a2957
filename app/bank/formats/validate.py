"""Semantic checks on one parsed question, with messages in Vietnamese.

Every parser runs ``validate_question`` on what it produced, so an author sees the line of
the question that is wrong. The checks are about the content (credits add up, a key exists),
not about the syntax of any one format.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from app.bank.formats.common import letter
from app.bank.formats.model import Option, QuestionData, QuestionType

TOLERANCE = 1e-6  # 3 × 0.3333333 and 7 × 0.1428571 are within it
TAG_RE = re.compile(r"<[^>]*>")


def _is_full(credit: float) -> bool:
    return abs(credit - 1.0) <= TOLERANCE


def _percent(value: float) -> str:
    return f"{value * 100:.6g}".replace(".", ",") + "%"


def _stem_is_empty(stem: str) -> bool:
    text = TAG_RE.sub("", stem).replace("&nbsp;", " ")
    return not text.strip()


def _credit_range(q: QuestionData) -> list[str]:
    credits = [(f"phương án {letter(i)}", o.credit) for i, o in enumerate(q.options)]
    credits += [(f"đáp án số {i + 1}", a.credit) for i, a in enumerate(q.numeric_answers)]
    return [
        f"điểm của {where} phải nằm trong khoảng -100% đến 100% (đang là {_percent(c)})"
        if math.isfinite(c)
        else f"điểm của {where} không phải là số"
        for where, c in credits
        if not (math.isfinite(c) and -1.0 - TOLERANCE <= c <= 1.0 + TOLERANCE)
    ]


def _option_texts(options: list[Option], min_count: int, what: str) -> list[str]:
    messages = []
    if len(options) < min_count:
        messages.append(f"{what} phải có ít nhất {min_count} phương án (đang có {len(options)})")
    seen: dict[str, int] = {}
    for i, option in enumerate(options):
        key = " ".join(option.text.split())
        if not key:
            messages.append(f"phương án {letter(i)} trống")
        elif key in seen:
            messages.append(f"phương án {letter(i)} trùng với phương án {letter(seen[key])}")
        else:
            seen[key] = i
    return messages


def _single(q: QuestionData) -> list[str]:
    what = "câu tình huống" if q.type == QuestionType.SITUATIONAL else "câu một đáp án"
    messages = _option_texts(q.options, 2, what)
    full = sum(1 for o in q.options if _is_full(o.credit))
    if full == 0 and q.type == QuestionType.SITUATIONAL:
        messages.append("câu tình huống phải có một phương án tốt nhất được 100% điểm")
    elif full != 1:
        messages.append(f"{what} phải có đúng một phương án được 100% điểm (đang có {full})")
    return messages


def _multiple(q: QuestionData) -> list[str]:
    messages = _option_texts(q.options, 2, "câu nhiều đáp án")
    positive = sum(o.credit for o in q.options if o.credit > 0)
    if positive <= 0:
        messages.append("câu nhiều đáp án phải có ít nhất một phương án đúng (điểm dương)")
    elif abs(positive - 1.0) > TOLERANCE:
        messages.append(
            "tổng điểm các phương án đúng của câu nhiều đáp án phải bằng 100% "
            f"(đang là {_percent(positive)})"
        )
    return messages


def _true_false(q: QuestionData) -> list[str]:
    texts = sorted(o.text for o in q.options)
    if texts != ["false", "true"]:
        return ["câu đúng/sai phải có đúng hai phương án: Đúng và Sai"]
    if sorted(round(o.credit, 6) for o in q.options) != [0.0, 1.0]:
        return ["câu đúng/sai phải có một phương án được 100% điểm và phương án kia 0%"]
    return []


def _best_is_full(credits: list[float], what: str) -> list[str]:
    if credits and not _is_full(max(credits)):
        return [f"{what} phải có ít nhất một đáp án được 100% điểm"]
    return []


def _short_answer(q: QuestionData) -> list[str]:
    messages = _option_texts(q.options, 1, "câu trả lời ngắn")
    return messages + _best_is_full([o.credit for o in q.options], "câu trả lời ngắn")


def _numerical(q: QuestionData) -> list[str]:
    if not q.numeric_answers:
        return ["câu trả lời số phải có ít nhất một đáp án"]
    messages = []
    for i, a in enumerate(q.numeric_answers, start=1):
        has_range = a.low is not None and a.high is not None
        numbers = [x for x in (a.value, a.tolerance, a.low, a.high) if x is not None]
        if a.value is None and not has_range:
            messages.append(f"đáp án số {i} không có giá trị hoặc khoảng [nhỏ nhất, lớn nhất]")
        elif not all(math.isfinite(x) for x in numbers):
            messages.append(f"đáp án số {i} có giá trị không hữu hạn")
        elif has_range and a.low > a.high:  # type: ignore[operator]
            messages.append(f"đáp án số {i}: giá trị nhỏ nhất lớn hơn giá trị lớn nhất")
    return messages + _best_is_full([a.credit for a in q.numeric_answers], "câu trả lời số")


def _matching(q: QuestionData) -> list[str]:
    real = [p for p in q.pairs if p.prompt.strip()]
    messages = []
    if len(real) < 2:
        messages.append(f"câu ghép cặp phải có ít nhất 2 cặp (đang có {len(real)})")
    seen: set[str] = set()
    for i, pair in enumerate(q.pairs, start=1):
        prompt = " ".join(pair.prompt.split())
        if not pair.answer.strip():
            messages.append(f"cặp số {i} không có vế trả lời")
        if prompt and prompt in seen:
            messages.append(f"cặp số {i} trùng vế hỏi với một cặp trước")
        seen.add(prompt)
    return messages


def _essay(q: QuestionData) -> list[str]:
    if q.options or q.numeric_answers or q.pairs:
        return ["câu tự luận không có phương án hay đáp án"]
    return []


CHECKS: dict[QuestionType, Callable[[QuestionData], list[str]]] = {
    QuestionType.SINGLE_CHOICE: _single,
    QuestionType.SITUATIONAL: _single,
    QuestionType.MULTIPLE_RESPONSE: _multiple,
    QuestionType.TRUE_FALSE: _true_false,
    QuestionType.SHORT_ANSWER: _short_answer,
    QuestionType.NUMERICAL: _numerical,
    QuestionType.MATCHING: _matching,
    QuestionType.ESSAY: _essay,
}


def validate_question(q: QuestionData) -> list[str]:
    """Everything semantically wrong with ``q``, as Vietnamese messages (empty list: fine)."""
    messages = ["nội dung câu hỏi trống"] if _stem_is_empty(q.stem) else []
    messages += _credit_range(q)
    check = CHECKS.get(q.type)
    if check is None:
        return [*messages, f"loại câu hỏi không hợp lệ: {q.type!r}"]
    return messages + check(q)
