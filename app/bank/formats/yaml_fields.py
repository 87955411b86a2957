"""Readers for the keys of one question in the YAML format (used by ``yaml_format``)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from yaml.nodes import MappingNode, Node

from app.bank.formats.common import round_credit
from app.bank.formats.model import (
    Difficulty,
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    SourceRef,
)
from app.bank.formats.yaml_nodes import NodeError, Nodes

COMMON_KEYS = ("id", "type", "difficulty", "status", "tags", "positions", "stem")
COMMON_KEYS += ("feedback", "source", "note", "shuffle")
CHOICE_KEYS = ("options",)
TYPE_KEYS: dict[QuestionType, tuple[str, ...]] = {
    QuestionType.SINGLE_CHOICE: CHOICE_KEYS,
    QuestionType.MULTIPLE_RESPONSE: CHOICE_KEYS,
    QuestionType.SITUATIONAL: CHOICE_KEYS,
    QuestionType.TRUE_FALSE: ("answer", "feedback_true", "feedback_false"),
    QuestionType.SHORT_ANSWER: ("answers", "case_sensitive", "ignore_diacritics"),
    QuestionType.NUMERICAL: ("answers",),
    QuestionType.MATCHING: ("pairs", "distractors"),
    QuestionType.ESSAY: (),
}
OPTION_KEYS = ("text", "credit", "feedback")
NUMERIC_KEYS = ("value", "tolerance", "min", "max", "credit", "feedback")
PAIR_KEYS = ("prompt", "answer")
SOURCE_KEYS = ("document", "article", "issued", "checked")
STATUSES = ("approved", "draft")
Reader = Callable[[QuestionData, Node, Nodes], None]


def _keys(node: Node, nodes: Nodes, allowed: tuple[str, ...], what: str) -> dict[str, Node]:
    mapping = nodes.mapping(node, what)
    nodes.unknown_keys(mapping, allowed, what)
    return {key: value for key, (_node, value) in mapping.items() if key in allowed}


def _option(node: Node, nodes: Nodes, default_credit: float) -> Option:
    keys = _keys(node, nodes, OPTION_KEYS, _("phương án"))
    if "text" not in keys:
        raise NodeError(node, _("phương án thiếu khóa 'text'"))
    credit = nodes.number(keys["credit"], "credit") if "credit" in keys else default_credit
    feedback = nodes.text(keys["feedback"], "feedback") if "feedback" in keys else ""
    return Option(nodes.text(keys["text"], "text"), round_credit(credit), feedback)


def _numeric(node: Node, nodes: Nodes) -> NumericAnswer:
    keys = _keys(node, nodes, NUMERIC_KEYS, _("đáp án số"))
    numbers = {
        k: nodes.number(keys[k], k) for k in ("value", "tolerance", "min", "max") if k in keys
    }
    answer = NumericAnswer(credit=1.0, feedback="")
    if "value" in numbers and "min" not in numbers and "max" not in numbers:
        answer.value, answer.tolerance = numbers["value"], numbers.get("tolerance", 0.0)
    elif "min" in numbers and "max" in numbers and not {"value", "tolerance"} & set(numbers):
        answer.low, answer.high = numbers["min"], numbers["max"]
    else:
        raise NodeError(node, _("đáp án số cần {value, tolerance} hoặc {min, max}"))
    if "credit" in keys:
        answer.credit = round_credit(nodes.number(keys["credit"], "credit"))
    answer.feedback = nodes.text(keys["feedback"], "feedback") if "feedback" in keys else ""
    return answer


def _source(node: Node, nodes: Nodes) -> SourceRef:
    keys = _keys(node, nodes, SOURCE_KEYS, _("nguồn (source)"))
    document = nodes.text(keys["document"], "document") if "document" in keys else ""
    if not document:
        raise NodeError(node, _("nguồn (source) thiếu khóa 'document'"))
    source = SourceRef(document=document)
    source.article = nodes.text(keys["article"], "article") if "article" in keys else ""
    source.issued = nodes.day(keys["issued"], "issued") if "issued" in keys else None
    source.checked_on = nodes.day(keys["checked"], "checked") if "checked" in keys else None
    return source


def _sources(q: QuestionData, node: Node, nodes: Nodes) -> None:
    items = [node] if isinstance(node, MappingNode) else nodes.sequence(node, "source")
    q.sources = [_source(item, nodes) for item in items]


def _difficulty(q: QuestionData, node: Node, nodes: Nodes) -> None:
    text = nodes.text(node, "difficulty")
    try:
        q.difficulty = Difficulty(text) if text else None
    except ValueError:
        raise NodeError(
            node, _("difficulty '%(text)s' không hợp lệ (easy, medium, hard)", text=text)
        ) from None


def _status(q: QuestionData, node: Node, nodes: Nodes) -> None:
    q.status = nodes.text(node, "status")
    if q.status and q.status not in STATUSES:
        raise NodeError(
            node, _("status '%(status)s' không hợp lệ (approved, draft)", status=q.status)
        )


def _options(q: QuestionData, node: Node, nodes: Nodes) -> None:
    q.options = [_option(item, nodes, 0.0) for item in nodes.sequence(node, "options")]


def _answers(q: QuestionData, node: Node, nodes: Nodes) -> None:
    items = nodes.sequence(node, "answers")
    if q.type == QuestionType.NUMERICAL:
        q.numeric_answers = [_numeric(item, nodes) for item in items]
    else:
        q.options = [_option(item, nodes, 1.0) for item in items]


def _true_false_options(q: QuestionData) -> list[Option]:
    if not q.options:
        q.options = [Option("true", 0.0), Option("false", 0.0)]
    return q.options


def _tf_answer(q: QuestionData, node: Node, nodes: Nodes) -> None:
    value = nodes.boolean(node, "answer")
    true, false = _true_false_options(q)
    true.credit, false.credit = (1.0, 0.0) if value else (0.0, 1.0)


def _pairs(q: QuestionData, node: Node, nodes: Nodes) -> None:
    for item in nodes.sequence(node, "pairs"):
        keys = _keys(item, nodes, PAIR_KEYS, _("cặp ghép"))
        prompt = nodes.text(keys["prompt"], "prompt") if "prompt" in keys else ""
        answer = nodes.text(keys["answer"], "answer") if "answer" in keys else ""
        q.pairs.append(MatchPair(prompt=prompt, answer=answer))


def _distractors(q: QuestionData, node: Node, nodes: Nodes) -> None:
    q.pairs += [MatchPair("", text) for text in nodes.texts(node, "distractors")]


def _set_text(attribute: str, key: str) -> Reader:
    def read(q: QuestionData, node: Node, nodes: Nodes) -> None:
        setattr(q, attribute, nodes.text(node, key))

    return read


def _set(attribute: str, kind: str) -> Reader:
    def read(q: QuestionData, node: Node, nodes: Nodes) -> None:
        value = nodes.boolean(node, attribute) if kind == "bool" else nodes.texts(node, attribute)
        setattr(q, attribute, value)

    return read


def _tf_feedback(index: int) -> Reader:
    def read(q: QuestionData, node: Node, nodes: Nodes) -> None:
        name = "feedback_true" if index == 0 else "feedback_false"
        _true_false_options(q)[index].feedback = nodes.text(node, name)

    return read


FIELD_READERS: dict[str, Reader] = {
    "id": _set_text("external_id", "id"),
    "stem": _set_text("stem", "stem"),
    "feedback": _set_text("general_feedback", "feedback"),
    "note": _set_text("note", "note"),
    "difficulty": _difficulty,
    "status": _status,
    "tags": _set("tags", "list"),
    "positions": _set("positions", "list"),
    "shuffle": _set("shuffle", "bool"),
    "case_sensitive": _set("case_sensitive", "bool"),
    "ignore_diacritics": _set("ignore_diacritics", "bool"),
    "source": _sources,
    "options": _options,
    "answers": _answers,
    "answer": _tf_answer,
    "feedback_true": _tf_feedback(0),
    "feedback_false": _tf_feedback(1),
    "pairs": _pairs,
    "distractors": _distractors,
}


def finish(q: QuestionData, node: Node) -> QuestionData:
    """Checks that need the whole question: true/false needs ``answer``; distractors go last."""
    if q.type == QuestionType.TRUE_FALSE and not any(o.credit for o in q.options):
        raise NodeError(node, _("câu đúng/sai thiếu khóa 'answer: true' hoặc 'answer: false'"))
    q.pairs = [p for p in q.pairs if p.prompt] + [p for p in q.pairs if not p.prompt]
    return q
