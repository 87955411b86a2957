"""Semantic checks on one parsed question, with messages in the user's language.

Every parser runs ``validate_question`` on what it produced, so an author sees the line of
the question that is wrong. The checks are about the content (credits add up, a key exists),
not about the syntax of any one format.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from flask_babel import gettext as _

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
    credits = [
        (_("phương án %(letter)s", letter=letter(i)), o.credit) for i, o in enumerate(q.options)
    ]
    credits += [
        (_("đáp án số %(number)s", number=i + 1), a.credit) for i, a in enumerate(q.numeric_answers)
    ]
    return [
        _(
            "điểm của %(where)s phải nằm trong khoảng -100%% đến 100%% (đang là %(value)s)",
            where=where,
            value=_percent(c),
        )
        if math.isfinite(c)
        else _("điểm của %(where)s không phải là số", where=where)
        for where, c in credits
        if not (math.isfinite(c) and -1.0 - TOLERANCE <= c <= 1.0 + TOLERANCE)
    ]


def _option_texts(options: list[Option], min_count: int, what: str) -> list[str]:
    messages = []
    if len(options) < min_count:
        messages.append(
            _(
                "%(what)s phải có ít nhất %(min_count)s phương án (đang có %(count)s)",
                what=what,
                min_count=min_count,
                count=len(options),
            )
        )
    seen: dict[str, int] = {}
    for i, option in enumerate(options):
        key = " ".join(option.text.split())
        if not key:
            messages.append(_("phương án %(letter)s trống", letter=letter(i)))
        elif key in seen:
            messages.append(
                _(
                    "phương án %(letter)s trùng với phương án %(other)s",
                    letter=letter(i),
                    other=letter(seen[key]),
                )
            )
        else:
            seen[key] = i
    return messages


def _single(q: QuestionData) -> list[str]:
    what = _("câu tình huống") if q.type == QuestionType.SITUATIONAL else _("câu một đáp án")
    messages = _option_texts(q.options, 2, what)
    full = sum(1 for o in q.options if _is_full(o.credit))
    if full == 0 and q.type == QuestionType.SITUATIONAL:
        messages.append(_("câu tình huống phải có một phương án tốt nhất được 100% điểm"))
    elif full != 1:
        messages.append(
            _(
                "%(what)s phải có đúng một phương án được 100%% điểm (đang có %(full)s)",
                what=what,
                full=full,
            )
        )
    return messages


def _multiple(q: QuestionData) -> list[str]:
    messages = _option_texts(q.options, 2, _("câu nhiều đáp án"))
    positive = sum(o.credit for o in q.options if o.credit > 0)
    if positive <= 0:
        messages.append(_("câu nhiều đáp án phải có ít nhất một phương án đúng (điểm dương)"))
    elif abs(positive - 1.0) > TOLERANCE:
        messages.append(
            _(
                "tổng điểm các phương án đúng của câu nhiều đáp án phải bằng 100%% "
                "(đang là %(value)s)",
                value=_percent(positive),
            )
        )
    return messages


def _true_false(q: QuestionData) -> list[str]:
    texts = sorted(o.text for o in q.options)
    if texts != ["false", "true"]:
        return [_("câu đúng/sai phải có đúng hai phương án: Đúng và Sai")]
    if sorted(round(o.credit, 6) for o in q.options) != [0.0, 1.0]:
        return [_("câu đúng/sai phải có một phương án được 100% điểm và phương án kia 0%")]
    return []


def _best_is_full(credits: list[float], what: str) -> list[str]:
    if credits and not _is_full(max(credits)):
        return [_("%(what)s phải có ít nhất một đáp án được 100%% điểm", what=what)]
    return []


def _short_answer(q: QuestionData) -> list[str]:
    messages = _option_texts(q.options, 1, _("câu trả lời ngắn"))
    return messages + _best_is_full([o.credit for o in q.options], _("câu trả lời ngắn"))


def _numerical(q: QuestionData) -> list[str]:
    if not q.numeric_answers:
        return [_("câu trả lời số phải có ít nhất một đáp án")]
    messages = []
    for i, a in enumerate(q.numeric_answers, start=1):
        has_range = a.low is not None and a.high is not None
        numbers = [x for x in (a.value, a.tolerance, a.low, a.high) if x is not None]
        if a.value is None and not has_range:
            messages.append(
                _("đáp án số %(i)s không có giá trị hoặc khoảng [nhỏ nhất, lớn nhất]", i=i)
            )
        elif not all(math.isfinite(x) for x in numbers):
            messages.append(_("đáp án số %(i)s có giá trị không hữu hạn", i=i))
        elif has_range and a.low > a.high:  # type: ignore[operator]
            messages.append(_("đáp án số %(i)s: giá trị nhỏ nhất lớn hơn giá trị lớn nhất", i=i))
    return messages + _best_is_full([a.credit for a in q.numeric_answers], _("câu trả lời số"))


def _matching(q: QuestionData) -> list[str]:
    real = [p for p in q.pairs if p.prompt.strip()]
    messages = []
    if len(real) < 2:
        messages.append(
            _("câu ghép cặp phải có ít nhất 2 cặp (đang có %(count)s)", count=len(real))
        )
    seen: set[str] = set()
    for i, pair in enumerate(q.pairs, start=1):
        prompt = " ".join(pair.prompt.split())
        if not pair.answer.strip():
            messages.append(_("cặp số %(i)s không có vế trả lời", i=i))
        if prompt and prompt in seen:
            messages.append(_("cặp số %(i)s trùng vế hỏi với một cặp trước", i=i))
        seen.add(prompt)
    return messages


def _essay(q: QuestionData) -> list[str]:
    if q.options or q.numeric_answers or q.pairs:
        return [_("câu tự luận không có phương án hay đáp án")]
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
    """Everything semantically wrong with ``q``, as messages (empty list: fine)."""
    messages = [_("nội dung câu hỏi trống")] if _stem_is_empty(q.stem) else []
    messages += _credit_range(q)
    check = CHECKS.get(q.type)
    if check is None:
        return [*messages, _("loại câu hỏi không hợp lệ: %(type)r", type=q.type)]
    return messages + check(q)
