"""Checking a citizen's answers against the questionnaire version they answered.

``check_answers`` is all-or-nothing: it returns the rows to store, or raises
``AnswerError`` whose ``details`` map each question key to a Vietnamese message, and then
nothing is stored. Free text is NFC-normalised, kept as text (escaped when shown) and
limited in length; follow-up questions count only when their condition holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import QuestionnaireVersion, QuestionType, SurveyAnswer, SurveyQuestion
from app.text import nfc

DEFAULT_TEXT_MAX = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
YES = {True, "1", "yes", "true", "co", "có"}
NO = {False, "0", "no", "false", "khong", "không"}


class AnswerError(ValueError):
    """Answers that do not fit the version; ``details`` maps question keys to messages."""

    def __init__(self, details: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in details.items()))
        self.details = details


def form_questions(version: QuestionnaireVersion, short: bool) -> list[SurveyQuestion]:
    """The questions of the short (kiosk) or full form of ``version``, in order."""
    return [q for q in version.questions if q.short or not short]


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _is_shown(q: SurveyQuestion, given: dict[str, Any]) -> bool:
    cond = q.condition
    if not cond:
        return True
    value = given.get(cond["question"])
    if _blank(value):
        return False
    if "in" in cond:
        values = value if isinstance(value, list) else [value]
        wanted = {str(v) for v in cond["in"]}
        return any(_as_key(v) in wanted for v in values)
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    return cond.get("min", value) <= value <= cond.get("max", value)


def _as_key(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
        return int(value)
    return None


def _normalise(q: SurveyQuestion, value: Any) -> Any:
    """The canonical value of one answer; raises ValueError with a message if invalid."""
    if q.qtype is QuestionType.SCALE5:
        number = _int(value)
        if number is None or not 1 <= number <= 5:
            raise ValueError(_l("Mức đánh giá phải từ 1 đến 5."))
        return number
    if q.qtype is QuestionType.YES_NO:
        probe = value.strip().lower() if isinstance(value, str) else value
        if isinstance(probe, str | int | bool) and probe in YES:
            return True
        if isinstance(probe, str | int | bool) and probe in NO:
            return False
        raise ValueError(_l("Chỉ trả lời Có hoặc Không."))
    if q.qtype is QuestionType.NUMBER:
        number = _int(value)
        if number is None or not (q.min_value or 0) <= number <= (q.max_value or 0):
            raise ValueError(
                _l(
                    "Vui lòng nhập số từ %(min_value)s đến %(max_value)s.",
                    min_value=q.min_value,
                    max_value=q.max_value,
                )
            )
        return number
    if q.qtype is QuestionType.TEXT:
        return _text(value)
    allowed = {o["value"] for o in q.options}
    if q.qtype is QuestionType.SINGLE:
        if not isinstance(value, str) or value not in allowed:
            raise ValueError(_l("Lựa chọn không có trong phiếu."))
        return value
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v in allowed for v in items) or len(set(items)) < len(items):
        raise ValueError(_l("Lựa chọn không có trong phiếu."))
    return items


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(_l("Câu trả lời phải là văn bản."))
    text = _CONTROL.sub("", nfc(value))
    limit = current_app.config.get("SURVEY_TEXT_MAX", DEFAULT_TEXT_MAX)
    if len(text) > limit:
        raise ValueError(_l("Ý kiến dài quá %(limit)s ký tự.", limit=limit))
    return text


def check_answers(
    version: QuestionnaireVersion,
    answers: Mapping[str, Any],
    *,
    short: bool = False,
    drop_hidden: bool = False,
) -> list[SurveyAnswer]:
    """The answer rows (without response id) for ``answers``; raises AnswerError.

    ``drop_hidden`` ignores answers to follow-ups whose condition does not hold (an HTML
    form without JavaScript shows them all); the API refuses them instead.
    """
    questions = form_questions(version, short)
    known = {q.key for q in questions}
    details = {k: _("Câu hỏi không có trong phiếu này.") for k in answers if k not in known}
    given: dict[str, Any] = {}
    for q in questions:
        value = answers.get(q.key)
        if _blank(value):
            continue
        try:
            given[q.key] = _normalise(q, value)
        except ValueError as exc:
            details[q.key] = str(exc)
    rows: list[SurveyAnswer] = []
    for q in questions:
        shown = _is_shown(q, given)
        if q.key in given and not shown and drop_hidden:
            continue
        if q.key in given and not shown:
            details.setdefault(q.key, _("Câu hỏi này không áp dụng với câu trả lời trước đó."))
        elif q.required and shown and _blank(given.get(q.key)) and q.key not in details:
            details[q.key] = _("Vui lòng trả lời câu hỏi này.")
        elif q.key in given and not _blank(given[q.key]):
            rows.extend(_rows(q, given[q.key]))
    if details:
        raise AnswerError(details)
    return rows


def _rows(q: SurveyQuestion, value: Any) -> list[SurveyAnswer]:
    if q.qtype is QuestionType.MULTI:
        return [SurveyAnswer(question_id=q.id, choice=v) for v in value]
    if q.qtype is QuestionType.SINGLE:
        return [SurveyAnswer(question_id=q.id, choice=value)]
    if q.qtype is QuestionType.TEXT:
        return [SurveyAnswer(question_id=q.id, choice="", text=value)]
    return [SurveyAnswer(question_id=q.id, choice="", number=int(value))]


def answers_from_form(version: QuestionnaireVersion, form, *, short: bool = False) -> dict:
    """The answers of an HTML form post (``q_<key>`` fields) in the API's shape."""
    answers: dict[str, Any] = {}
    for q in form_questions(version, short):
        name = f"q_{q.key}"
        if q.qtype is QuestionType.MULTI:
            values = form.getlist(name)
            if values:
                answers[q.key] = values
        elif form.get(name, "") != "":
            answers[q.key] = form.get(name)
    return answers
