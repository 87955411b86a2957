"""Checking what an examinee sent for one question, and turning it into what is stored.

Shapes, in display ids (see ``items_layout``): single choice, situational, true/false — one
option id; multiple response — a list of distinct option ids; short answer and essay — text;
numerical — a number or a numeric string ("3,5" and "3.5" alike); matching —
``{prompt_id: choice_id}``, partial allowed. ``None``, ``""``, ``[]`` and ``{}`` mean "not
answered". Anything else raises ``ResponseError`` with a Vietnamese message. Validating a
normalised response again returns it unchanged, so stored responses can be re-checked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from app.bank.formats.common import parse_number
from app.exams.items_layout import (
    TEXT_LIMITS,
    Content,
    Order,
    ResponseError,
    matching_layout,
    option_layout,
    question_type,
)
from app.text import nfc

NUMBER_TEXT_LIMIT = 64  # characters of a typed number
RAW_TEXT_FACTOR = 4  # NFC can shorten a text (ế is up to 3 code points in NFD): allow for it

Response = str | float | list[str] | dict[str, str] | None


def is_blank(raw: Any) -> bool:
    """True for the "not answered" values: None, "", [] and {}."""
    return raw is None or (isinstance(raw, str | list | tuple | dict) and len(raw) == 0)


def _one_option(content: Content, order: Order, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ResponseError(_l("Câu này chỉ chọn một phương án."))
    if raw not in {oid for oid, _ in option_layout(content, order)}:
        raise ResponseError(_l("Phương án đã chọn không có trong câu hỏi."))
    return raw


def _many_options(content: Content, order: Order, raw: Any) -> list[str]:
    if not isinstance(raw, list | tuple) or not all(isinstance(item, str) for item in raw):
        raise ResponseError(_l("Câu trả lời phải là danh sách các phương án đã chọn."))
    ids = [oid for oid, _ in option_layout(content, order)]
    if len(set(raw)) != len(raw):
        raise ResponseError(_l("Một phương án được chọn nhiều lần."))
    if not set(raw) <= set(ids):
        raise ResponseError(_l("Phương án đã chọn không có trong câu hỏi."))
    return [oid for oid in ids if oid in raw]


def _text(limit: int) -> Callable[[Content, Order, Any], str | None]:
    def check(content: Content, order: Order, raw: Any) -> str | None:
        if not isinstance(raw, str):
            raise ResponseError(_l("Câu trả lời phải là văn bản."))
        if len(raw) > limit * RAW_TEXT_FACTOR:
            raise ResponseError(_l("Câu trả lời dài quá %(limit)s ký tự.", limit=limit))
        text = nfc(raw)
        if "\x00" in text or _has_surrogate(text):
            raise ResponseError(_l("Câu trả lời chứa ký tự không hợp lệ."))
        if len(text) > limit:
            raise ResponseError(_l("Câu trả lời dài quá %(limit)s ký tự.", limit=limit))
        return text or None

    return check


def _has_surrogate(text: str) -> bool:
    """Lone surrogates (JSON "\\ud800") cannot be stored as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _number(content: Content, order: Order, raw: Any) -> float | None:
    if isinstance(raw, str):
        if len(raw) > NUMBER_TEXT_LIMIT:
            raise ResponseError(_l("Số nhập vào quá dài."))
        if not raw.strip():
            return None
        value = parse_number(raw, decimal_comma=True)
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            value = float(raw)
        except OverflowError:
            value = None
    else:
        raise ResponseError(_l("Câu trả lời phải là một số."))
    if value is None or not math.isfinite(value):
        raise ResponseError(_l("Câu trả lời phải là một số hữu hạn, ví dụ 3,5 hoặc 3.5."))
    return value + 0.0  # -0.0 → 0.0


def _matching(content: Content, order: Order, raw: Any) -> dict[str, str] | None:
    if not isinstance(raw, dict):
        raise ResponseError(_l("Câu ghép cặp cần một bảng vế hỏi → vế trả lời."))
    prompts, choices = matching_layout(content, order)
    choice_ids = {cid for cid, _ in choices}
    prompt_ids = [pid for pid, _ in prompts]
    for key, value in raw.items():
        if not isinstance(key, str) or key not in prompt_ids:
            raise ResponseError(_l("Vế hỏi không có trong câu hỏi."))
        if not is_blank(value) and (not isinstance(value, str) or value not in choice_ids):
            raise ResponseError(_l("Vế trả lời đã chọn không có trong câu hỏi."))
    answer = {pid: raw[pid] for pid in prompt_ids if not is_blank(raw.get(pid))}
    return answer or None


VALIDATORS: dict[str, Callable[[Content, Order, Any], Response]] = {
    "single_choice": _one_option,
    "situational": _one_option,
    "true_false": _one_option,
    "multiple_response": _many_options,
    "short_answer": _text(TEXT_LIMITS["short_answer"]),
    "essay": _text(TEXT_LIMITS["essay"]),
    "numerical": _number,
    "matching": _matching,
}


def validate_response(content: Content, order: Order, raw: Any) -> Response:
    """The normalised response (display ids, NFC text, float) to store, or None if unanswered.

    Raises ``ResponseError`` (a ValueError, Vietnamese message) for a response of the wrong
    shape, and a plain ValueError when ``order`` does not fit ``content`` (a server bug).
    """
    check = VALIDATORS[question_type(content)]
    if is_blank(raw):
        return None
    return check(content, order, raw)
