"""Write questions in the YAML format of ``question_bank/README.md`` (see ``yaml_format``)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import yaml

from app.bank.formats.model import NumericAnswer, Option, QuestionData, QuestionType, SourceRef

CHOICE_TYPES = (
    QuestionType.SINGLE_CHOICE,
    QuestionType.MULTIPLE_RESPONSE,
    QuestionType.SITUATIONAL,
)


UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")


class _Dumper(yaml.SafeDumper):
    """Safe dumper: multi-line text as ``|`` blocks, never anchors/aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(ch in value for ch in UNICODE_BREAKS):
        style: str | None = '"'  # YAML reads NEL/LS/PS as line breaks unless escaped
    else:
        style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def write_yaml(questions: Iterable[QuestionData]) -> str:
    """One YAML document per run of questions sharing a topic (``---`` between them)."""
    documents = []
    for topic, group in itertools.groupby(questions, key=lambda q: q.topic):
        document: dict[str, Any] = {"topic": topic} if topic else {}
        document["questions"] = [_question(q) for q in group]
        documents.append(document)
    if not documents:
        return "questions: []\n"
    return yaml.dump_all(
        documents,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        explicit_start=len(documents) > 1,
    )


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _option(option: Option) -> dict[str, Any]:
    out: dict[str, Any] = {"text": option.text, "credit": _number(option.credit)}
    if option.feedback:
        out["feedback"] = option.feedback
    return out


def _numeric(answer: NumericAnswer) -> dict[str, Any]:
    if answer.low is not None and answer.high is not None:
        out: dict[str, Any] = {"min": _number(answer.low), "max": _number(answer.high)}
    else:
        value = answer.value if answer.value is not None else 0.0
        out = {"value": _number(value), "tolerance": _number(answer.tolerance)}
    out["credit"] = _number(answer.credit)
    if answer.feedback:
        out["feedback"] = answer.feedback
    return out


def _source(source: SourceRef) -> dict[str, Any]:
    out: dict[str, Any] = {"document": source.document}
    if source.article:
        out["article"] = source.article
    if source.issued:
        out["issued"] = source.issued
    if source.checked_on:
        out["checked"] = source.checked_on
    return out


def _true_false(q: QuestionData, out: dict[str, Any]) -> None:
    by_text = {option.text: option for option in q.options}
    true, false = by_text.get("true", Option("true")), by_text.get("false", Option("false"))
    out["answer"] = true.credit >= false.credit
    if true.feedback:
        out["feedback_true"] = true.feedback
    if false.feedback:
        out["feedback_false"] = false.feedback


def _body(q: QuestionData, out: dict[str, Any]) -> None:
    if q.type in CHOICE_TYPES:
        out["options"] = [_option(o) for o in q.options]
    elif q.type == QuestionType.TRUE_FALSE:
        _true_false(q, out)
    elif q.type == QuestionType.SHORT_ANSWER:
        out["answers"] = [_option(o) for o in q.options]
        if q.case_sensitive:
            out["case_sensitive"] = True
        if q.ignore_diacritics:
            out["ignore_diacritics"] = True
    elif q.type == QuestionType.NUMERICAL:
        out["answers"] = [_numeric(a) for a in q.numeric_answers]
    elif q.type == QuestionType.MATCHING:
        out["pairs"] = [{"prompt": p.prompt, "answer": p.answer} for p in q.pairs if p.prompt]
        distractors = [p.answer for p in q.pairs if not p.prompt]
        if distractors:
            out["distractors"] = distractors


def _question(q: QuestionData) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.external_id} if q.external_id else {}
    out["type"] = q.type.value
    for key, value in (("difficulty", q.difficulty), ("status", q.status)):
        if value:
            out[key] = str(value)
    for key, values in (("tags", q.tags), ("positions", q.positions)):
        if values:
            out[key] = list(values)
    out["stem"] = q.stem
    _body(q, out)
    if not q.shuffle:
        out["shuffle"] = False
    if q.general_feedback:
        out["feedback"] = q.general_feedback
    if q.sources:
        out["source"] = [_source(s) for s in q.sources]
    if q.note:
        out["note"] = q.note
    return out
