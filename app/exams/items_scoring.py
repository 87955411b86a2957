"""Scoring one response with Moodle's semantics; credits are fractions of the item's mark.

* single choice, situational, true/false — the credit of the chosen option;
* multiple response — the sum of the chosen options' credits (penalties included);
* short answer — the best credit among the accepted answers that match the text after
  normalisation (NFC, trimmed, inner spaces collapsed, case folded unless ``case_sensitive``,
  diacritics folded when ``ignore_diacritics``); ``*`` in an accepted answer matches any run
  of characters, ``\\*`` a literal star;
* numerical — the best credit among the answers whose closed interval holds the value;
* matching — correct prompts ÷ prompts, answers compared by their text;
* essay — 0.0, graded by a person (``needs_manual_grading``).

Every score is clamped to [0, 1] and rounded to 6 decimals, so 3 × 0.3333333 is 1.0.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from app.bank.formats.model import NumericAnswer
from app.exams.items_layout import (
    CHOICE_TYPES,
    Content,
    Order,
    answer_key,
    matching_layout,
    matching_parts,
    option_layout,
    question_type,
)
from app.exams.items_validate import Response, validate_response
from app.text import fold, squash

FULL = 1.0 - 1e-6  # a credit this close to 1 is full credit (credits carry 7 decimals)
TAG_RE = re.compile(r"<[^>]*>")


def clamp_score(value: float) -> float:
    """``value`` limited to [0, 1] and rounded to 6 decimals (never -0.0)."""
    return round(min(1.0, max(0.0, value)), 6) + 0.0


def credit_of(item: Mapping[str, Any]) -> float:
    """An option's or numeric answer's credit as a finite float (0.0 when missing or broken)."""
    value = item.get("credit", 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0.0
    return float(value)


def chosen_indices(content: Content, order: Order, answer: Response) -> list[int]:
    """Stored indices of the options a (normalised) choice response selects."""
    chosen = answer if isinstance(answer, list) else [answer]
    return [index for oid, index in option_layout(content, order) if oid in chosen]


# --- short answer ---------------------------------------------------------------------------


def _strip_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    kept = (c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", "".join(kept))


def normalise_text(content: Content, text: str) -> str:
    """A short answer (typed or accepted) in the form that is compared."""
    text = squash(text)
    case_sensitive = bool(content.get("case_sensitive"))
    if content.get("ignore_diacritics"):
        return _strip_marks(text) if case_sensitive else fold(text)
    return text if case_sensitive else text.casefold()


def wildcard_parts(pattern: str) -> list[str]:
    """The literal pieces between the unescaped ``*`` of an accepted answer."""
    parts, current, i = [], [], 0
    while i < len(pattern):
        if pattern.startswith("\\*", i):
            current.append("*")
            i += 2
            continue
        if pattern[i] == "*":
            parts.append("".join(current))
            current = []
        else:
            current.append(pattern[i])
        i += 1
    return [*parts, "".join(current)]


def wildcard_match(pattern: str, text: str) -> bool:
    """Does ``text`` match ``pattern`` whole, ``*`` standing for any run of characters?

    Greedy leftmost search of each piece: linear, no regular-expression backtracking.
    """
    parts = wildcard_parts(pattern)
    if len(parts) == 1:
        return text == parts[0]
    first, *middle, last = parts
    end = len(text) - len(last)
    if not text.startswith(first) or not text.endswith(last) or end < len(first):
        return False
    position = len(first)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def plain_text(stored: str) -> str:
    """A stored (sanitised HTML) accepted answer as the plain text an examinee would type."""
    return html.unescape(TAG_RE.sub("", stored))


def _better(credit: float, best: tuple[float, int | None]) -> bool:
    """Is ``credit`` the first match, or better than the best so far (first wins ties)?"""
    return best[1] is None or credit > best[0]


def best_text_answer(content: Content, text: str) -> tuple[float, int | None]:
    """(best credit, index of the accepted answer giving it) for a short-answer text."""
    typed = normalise_text(content, text)
    best: tuple[float, int | None] = (0.0, None)
    for index, option in enumerate(content.get("options") or []):
        pattern = normalise_text(content, plain_text(str(option.get("text", ""))))
        if pattern and wildcard_match(pattern, typed) and _better(credit_of(option), best):
            best = (credit_of(option), index)
    return best


# --- numerical ------------------------------------------------------------------------------


def numeric_bounds(answer: Mapping[str, Any]) -> tuple[float, float] | None:
    """The closed interval an answer accepts (``NumericAnswer.bounds``), or None if it has none.

    Widened by a relative 1e-9 so that 1.1 ± 0.2 accepts 0.9 despite binary rounding.
    """
    model = NumericAnswer(
        value=answer.get("value"),
        tolerance=answer.get("tolerance") or 0.0,
        low=answer.get("low"),
        high=answer.get("high"),
    )
    if model.value is None and (model.low is None or model.high is None):
        return None
    low, high = model.bounds()
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    return (low - slack, high + slack)


def best_numeric_answer(content: Content, value: float) -> tuple[float, int | None]:
    """(best credit, index of the numeric answer giving it) for a number."""
    best: tuple[float, int | None] = (0.0, None)
    for index, answer in enumerate(content.get("numeric_answers") or []):
        bounds = numeric_bounds(answer)
        if bounds and bounds[0] <= value <= bounds[1] and _better(credit_of(answer), best):
            best = (credit_of(answer), index)
    return best


# --- matching -------------------------------------------------------------------------------


def matching_results(content: Content, order: Order, answer: Response) -> dict[str, bool]:
    """Prompt display id → whether the chosen choice carries the prompt's answer text."""
    pairs = content["pairs"]
    prompts, choices = matching_layout(content, order)
    choice_keys = {cid: answer_key(pairs[index]["answer"]) for cid, index in choices}
    chosen = answer if isinstance(answer, dict) else {}
    return {
        pid: pid in chosen and choice_keys[chosen[pid]] == answer_key(pairs[index]["answer"])
        for pid, index in prompts
    }


# --- the public functions -------------------------------------------------------------------


def score_valid_response(content: Content, order: Order, answer: Response) -> float:
    """The credit in [0, 1] of a response ``validate_response`` already returned."""
    kind = question_type(content)
    if answer is None or kind == "essay":
        return 0.0
    if kind in CHOICE_TYPES:
        options = content["options"]
        chosen = chosen_indices(content, order, answer)
        return clamp_score(sum(credit_of(options[i]) for i in chosen))
    if kind == "short_answer":
        return clamp_score(best_text_answer(content, str(answer))[0])
    if kind == "numerical":
        return clamp_score(best_numeric_answer(content, float(answer))[0])  # type: ignore[arg-type]
    results = matching_results(content, order, answer)
    return clamp_score(sum(results.values()) / len(results)) if results else 0.0


def score_response(content: Content, order: Order, response: Any) -> float:
    """The credit in [0, 1] (fraction of the item's mark) that ``response`` earns; 0.0 if none.

    The response is validated again first, so a stored response is re-checked: raises
    ``ResponseError`` if it has the wrong shape.
    """
    answer = validate_response(content, order, response)
    return score_valid_response(content, order, answer)


def needs_manual_grading(content: Content) -> bool:
    """True when a person must grade the response (essays)."""
    return question_type(content) == "essay"


def max_credit_reachable(content: Content) -> float:
    """The best credit any response can earn; below 1.0 the question cannot give full marks.

    Essays count as 1.0 (the grader can give full marks).
    """
    kind = question_type(content)
    if kind == "essay":
        return 1.0
    if kind == "multiple_response":
        return clamp_score(sum(max(0.0, credit_of(o)) for o in content.get("options") or []))
    if kind in CHOICE_TYPES or kind == "short_answer":
        items = content.get("options") or []
    elif kind == "numerical":
        items = [a for a in content.get("numeric_answers") or [] if numeric_bounds(a)]
    else:
        prompts, choices = matching_parts(content)
        pairs = content["pairs"]
        keys = {answer_key(pairs[i]["answer"]) for i in choices}
        hits = sum(answer_key(pairs[i]["answer"]) in keys for i in prompts)
        return clamp_score(hits / len(prompts)) if prompts else 0.0
    return clamp_score(max((credit_of(item) for item in items), default=0.0))
