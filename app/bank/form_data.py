"""The question editor's form ↔ the neutral ``QuestionData`` (credits: percent ↔ fraction).

Blank rows are ignored; a credit that is not a number becomes an error for that row, so
the author sees it next to the options and keeps everything typed.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, TypeVar

from app.bank.formats.common import format_number, parse_number, percent_to_credit
from app.bank.formats.model import (
    Difficulty,
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    SourceRef,
    TextFormat,
)
from app.bank.forms import QuestionForm, split_list

Errors = dict[str, list[str]]


def _percent(text: str, default: float, errors: Errors, area: str, row: int) -> float:
    if not (text or "").strip():
        return default
    credit = percent_to_credit(text, decimal_comma=True)
    if credit is None:
        errors.setdefault(area, []).append(f"Dòng {row}: điểm «{text}» không phải là số.")
        return default
    return credit


def _number(text: str, errors: Errors, row: int) -> float | None:
    if not (text or "").strip():
        return None
    value = parse_number(text, decimal_comma=True)
    if value is None:
        errors.setdefault("numeric_answers", []).append(f"Dòng {row}: «{text}» không phải là số.")
    return value


def _options(form: QuestionForm, qtype: QuestionType, errors: Errors) -> list[Option]:
    default = 1.0 if qtype == QuestionType.SHORT_ANSWER else 0.0
    options = []
    for row, entry in enumerate(form.options.entries, start=1):
        d = entry.form.data
        if not (d["text"] or d["credit"] or d["feedback"]):
            continue
        credit = _percent(d["credit"], default, errors, "options", row)
        options.append(Option(d["text"] or "", credit, d["feedback"] or ""))
    return options


def _numeric(form: QuestionForm, errors: Errors) -> list[NumericAnswer]:
    answers = []
    for row, entry in enumerate(form.numeric.entries, start=1):
        d = entry.form.data
        if not any(d[k] for k in ("value", "tolerance", "low", "high", "credit", "feedback")):
            continue
        answer = NumericAnswer(
            value=_number(d["value"], errors, row),
            tolerance=_number(d["tolerance"], errors, row) or 0.0,
            low=_number(d["low"], errors, row),
            high=_number(d["high"], errors, row),
            credit=_percent(d["credit"], 1.0, errors, "numeric_answers", row),
            feedback=d["feedback"] or "",
        )
        if answer.low is not None and answer.high is not None:
            answer.value, answer.tolerance = None, 0.0
        answers.append(answer)
    return answers


def _pairs(form: QuestionForm) -> list[MatchPair]:
    rows = [entry.form.data for entry in form.pairs.entries]
    return [
        MatchPair(d["prompt"] or "", d["answer"] or "") for d in rows if d["prompt"] or d["answer"]
    ]


def _sources(form: QuestionForm) -> list[SourceRef]:
    sources = []
    for entry in form.sources.entries:
        d = entry.form.data
        if d["document"] or d["article"] or d["issued"] or d["checked_on"] or d["note"]:
            sources.append(
                SourceRef(
                    d["document"] or "",
                    d["article"] or "",
                    d["issued"],
                    d["checked_on"],
                    d["note"] or "",
                )
            )
    return sources


def _true_false(form: QuestionForm) -> list[Option]:
    true = 1.0 if form.tf_answer.data == "true" else 0.0
    return [
        Option("true", true, form.tf_feedback_true.data or ""),
        Option("false", 1.0 - true, form.tf_feedback_false.data or ""),
    ]


E = TypeVar("E", bound=Enum)


def _choice(kind: type[E], value: str | None, default: E | None) -> E | None:
    """The member a select names; ``default`` for a forged value (the form reports it)."""
    try:
        return kind(value) if value else default
    except ValueError:
        return default


def question_from_form(form: QuestionForm, topic_path: str) -> tuple[QuestionData, Errors]:
    """The question the form describes (whatever its state) and the row errors found."""
    errors: Errors = {}
    qtype = _choice(QuestionType, form.qtype.data, QuestionType.SINGLE_CHOICE)
    q = QuestionData(
        type=qtype,
        stem=form.stem.data or "",
        stem_format=_choice(TextFormat, form.stem_format.data, TextFormat.HTML),
        name=form.name.data or "",
        external_id=form.external_id.data or "",
        general_feedback=form.general_feedback.data or "",
        topic=topic_path,
        difficulty=_choice(Difficulty, form.difficulty.data, None),
        tags=split_list(form.tags.data),
        positions=split_list(form.positions.data),
        sources=_sources(form),
        note=form.note.data or "",
        shuffle=bool(form.shuffle.data),
    )
    if qtype == QuestionType.TRUE_FALSE:
        q.options = _true_false(form)
    elif qtype == QuestionType.NUMERICAL:
        q.numeric_answers = _numeric(form, errors)
    elif qtype == QuestionType.MATCHING:
        q.pairs = _pairs(form)
    elif qtype != QuestionType.ESSAY:
        q.options = _options(form, qtype, errors)
    if qtype == QuestionType.SHORT_ANSWER:
        q.case_sensitive = bool(form.case_sensitive.data)
        q.ignore_diacritics = bool(form.ignore_diacritics.data)
    return q, errors


def _pct(credit: float) -> str:
    return format_number(round(credit * 100, 5) + 0.0)


def _num(value: float | None) -> str:
    return "" if value is None else format_number(value)


def form_values(q: QuestionData, topic_id: int | None) -> dict[str, Any]:
    """Initial form data for editing ``q`` (rows padded by the form's ``min_entries``)."""
    values: dict[str, Any] = {
        "qtype": q.type.value,
        "topic_id": topic_id or 0,
        "external_id": q.external_id,
        "name": q.name,
        "stem": q.stem,
        "stem_format": q.stem_format.value,
        "general_feedback": q.general_feedback,
        "difficulty": q.difficulty.value if q.difficulty else "",
        "tags": "; ".join(q.tags),
        "positions": "; ".join(q.positions),
        "note": q.note,
        "shuffle": q.shuffle,
        "case_sensitive": q.case_sensitive,
        "ignore_diacritics": q.ignore_diacritics,
        "sources": [
            {
                "document": s.document,
                "article": s.article,
                "issued": s.issued,
                "checked_on": s.checked_on,
                "note": s.note,
            }
            for s in q.sources
        ],
    }
    return values | _row_values(q)


def _row_values(q: QuestionData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if q.type == QuestionType.TRUE_FALSE:
        by_text = {o.text: o for o in q.options}
        true = by_text.get("true", Option("true"))
        values["tf_answer"] = "true" if true.credit >= 1 else "false"
        values["tf_feedback_true"] = true.feedback
        values["tf_feedback_false"] = by_text.get("false", Option("false")).feedback
    else:
        values["options"] = [
            {"text": o.text, "credit": _pct(o.credit), "feedback": o.feedback} for o in q.options
        ]
    values["numeric"] = [
        {
            "value": _num(a.value),
            "tolerance": _num(a.tolerance) if a.value is not None else "",
            "low": _num(a.low),
            "high": _num(a.high),
            "credit": _pct(a.credit),
            "feedback": a.feedback,
        }
        for a in q.numeric_answers
    ]
    values["pairs"] = [{"prompt": p.prompt, "answer": p.answer} for p in q.pairs]
    return values
