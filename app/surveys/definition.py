"""Questionnaire definitions as plain data (the YAML of ``question_bank/questionnaires``).

``check_definition`` returns every problem at once (Vietnamese messages with the question
key); ``questions_from_definition`` turns a checked definition into model rows and
``definition_of`` turns a version back into the same plain data (export, new draft).
"""

from __future__ import annotations

import re
from typing import Any

from app.models import QuestionnaireVersion, QuestionType, SurveyQuestion
from app.text import nfc

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTI}
TYPES = {t.value for t in QuestionType}


def _text(value: Any) -> str:
    return nfc(value) if isinstance(value, str | int | float) else ""


def _check_options(key: str, options: Any, errors: list[str]) -> None:
    if not isinstance(options, list) or not 2 <= len(options) <= 12:
        errors.append(f"{key}: cần từ 2 đến 12 lựa chọn.")
        return
    values = [str(o.get("value", "")) if isinstance(o, dict) else "" for o in options]
    if any(not v or len(v) > 40 for v in values) or len(set(values)) != len(values):
        errors.append(f"{key}: mỗi lựa chọn cần một giá trị (value) riêng, tối đa 40 ký tự.")
    if any(not isinstance(o, dict) or not _text(o.get("label")) for o in options):
        errors.append(f"{key}: mỗi lựa chọn cần nhãn (label).")


def allowed_values(target: dict) -> set[str] | None:
    """The answer values a condition on ``target`` may list (None: any value)."""
    qtype = target.get("type")
    if qtype in CHOICE_TYPES and isinstance(target.get("options"), list):
        return {str(o.get("value", "")) for o in target["options"] if isinstance(o, dict)}
    if qtype == QuestionType.YES_NO:
        return {"yes", "no"}
    if qtype == QuestionType.SCALE5:
        return {"1", "2", "3", "4", "5"}
    return None


def _check_condition(key: str, cond: Any, earlier: dict[str, dict], errors: list[str]) -> None:
    if cond is None:
        return
    target = earlier.get(cond.get("question", "")) if isinstance(cond, dict) else None
    if target is None:
        errors.append(f"{key}: điều kiện phải dựa trên một câu hỏi đứng trước.")
        return
    if "in" not in cond and "min" not in cond and "max" not in cond:
        errors.append(f"{key}: điều kiện cần 'in', 'min' hoặc 'max'.")
    if "in" in cond:
        values = cond["in"]
        allowed = allowed_values(target)
        if not isinstance(values, list) or not values:
            errors.append(f"{key}: 'in' của điều kiện phải là danh sách giá trị.")
        elif allowed is not None and not {str(v) for v in values} <= allowed:
            wanted = ", ".join(sorted(allowed))
            errors.append(f"{key}: giá trị của điều kiện phải thuộc: {wanted}.")
    for bound in ("min", "max"):
        if bound in cond and (not isinstance(cond[bound], int) or isinstance(cond[bound], bool)):
            errors.append(f"{key}: '{bound}' của điều kiện phải là số nguyên.")


QUESTION_FIELDS = frozenset(
    {"key", "type", "text", "text_en", "required", "options", "condition", "min", "max"}
    | {"factor", "short", "rates_officer", "help", "help_en", "note", "source"}
)


def _check_question(q: Any, earlier: dict[str, dict], errors: list[str]) -> None:
    if not isinstance(q, dict):
        errors.append("Mỗi câu hỏi phải là một bảng khóa–giá trị.")
        return
    key = str(q.get("key", ""))
    unknown = sorted(str(k) for k in q if str(k) not in QUESTION_FIELDS)
    if unknown:  # e.g. an unquoted comma in a YAML {…} line splits the text into keys
        errors.append(
            f"{key or '?'}: trường không hợp lệ: {', '.join(unknown)}"
            " (đặt văn bản có dấu phẩy trong ngoặc kép)."
        )
    if not KEY_RE.match(key):
        errors.append(f"{key or '?'}: khóa câu hỏi chỉ gồm a–z, 0–9, _ (tối đa 40 ký tự).")
    elif key in earlier:
        errors.append(f"{key}: khóa câu hỏi bị trùng.")
    if q.get("type") not in TYPES:
        errors.append(f"{key}: loại câu hỏi phải là một trong {', '.join(sorted(TYPES))}.")
    if not _text(q.get("text")):
        errors.append(f"{key}: thiếu nội dung câu hỏi.")
    if q.get("type") in CHOICE_TYPES:
        _check_options(key, q.get("options"), errors)
    if q.get("type") == QuestionType.NUMBER:
        low, high = q.get("min", 0), q.get("max", 100)
        if not isinstance(low, int) or not isinstance(high, int) or low > high:
            errors.append(f"{key}: min và max phải là số nguyên, min ≤ max.")
    _check_condition(key, q.get("condition"), earlier, errors)
    earlier[key] = q


def check_definition(data: Any) -> list[str]:
    """Every problem of a questionnaire definition; an empty list means it can be loaded."""
    if not isinstance(data, dict):
        return ["Định nghĩa phiếu khảo sát phải là một bảng khóa–giá trị."]
    errors: list[str] = []
    if not _text(data.get("title")):
        errors.append("Thiếu tiêu đề phiếu (title).")
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        return [*errors, "Phiếu cần ít nhất một phần (sections)."]
    earlier: dict[str, dict] = {}
    section_keys: set[str] = set()
    for section in sections:
        if not isinstance(section, dict) or not _text(section.get("key")):
            errors.append("Mỗi phần cần một khóa (key).")
            continue
        section_key = _text(section.get("key"))
        if len(section_key) > 40 or section_key in section_keys:
            errors.append(f"{section_key[:40]}: khóa phần phải riêng và tối đa 40 ký tự.")
        section_keys.add(section_key)
        for q in section.get("questions") or []:
            _check_question(q, earlier, errors)
    if not earlier:
        errors.append("Phiếu cần ít nhất một câu hỏi.")
    if sum(1 for q in earlier.values() if q.get("rates_officer")) > 1:
        errors.append("Chỉ một câu hỏi được đánh dấu là câu đánh giá công chức (rates_officer).")
    return errors


def _options(raw: list[dict]) -> list[dict[str, str]]:
    return [
        {"value": str(o["value"]), "label": _text(o["label"]), "label_en": _text(o.get("label_en"))}
        for o in raw
    ]


def questions_from_definition(data: dict[str, Any]) -> list[SurveyQuestion]:
    """Model rows for every question of a checked definition, in order."""
    rows: list[SurveyQuestion] = []
    for section in data["sections"]:
        for q in section.get("questions") or []:
            qtype = QuestionType(q["type"])
            rows.append(
                SurveyQuestion(
                    key=q["key"],
                    position=len(rows) + 1,
                    section=_text(section["key"]),
                    qtype=qtype,
                    text=_text(q["text"]),
                    text_en=_text(q.get("text_en")),
                    required=bool(q.get("required", False)),
                    options=_options(q["options"]) if qtype in CHOICE_TYPES else [],
                    condition=q.get("condition"),
                    min_value=q.get("min", 0) if qtype is QuestionType.NUMBER else None,
                    max_value=q.get("max", 100) if qtype is QuestionType.NUMBER else None,
                    factor=_text(q.get("factor"))[:20],
                    short=bool(q.get("short", False)),
                    rates_officer=bool(q.get("rates_officer", False)),
                )
            )
    return rows


def sections_from_definition(data: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "key": _text(s["key"]),
            "title": _text(s.get("title")),
            "title_en": _text(s.get("title_en")),
        }
        for s in data["sections"]
    ]


def _question_data(q: SurveyQuestion) -> dict[str, Any]:
    out: dict[str, Any] = {"key": q.key, "type": q.qtype.value, "text": q.text}
    for name, value in (
        ("text_en", q.text_en),
        ("required", q.required),
        ("short", q.short),
        ("rates_officer", q.rates_officer),
        ("factor", q.factor),
        ("options", q.options),
        ("condition", q.condition),
    ):
        if value:
            out[name] = value
    if q.qtype is QuestionType.NUMBER:
        out["min"], out["max"] = q.min_value, q.max_value
    return out


def definition_of(version: QuestionnaireVersion) -> dict[str, Any]:
    """The plain-data form of a version (loadable again by ``check_definition``)."""
    sections = [{**s, "questions": []} for s in version.sections]
    by_key = {s["key"]: s for s in sections}
    for q in version.questions:
        by_key[q.section]["questions"].append(_question_data(q))
    return {
        "code": version.questionnaire.code,
        "title": version.title,
        "title_en": version.title_en,
        "intro": version.intro,
        "intro_en": version.intro_en,
        "sources": version.sources,
        "sections": sections,
    }
