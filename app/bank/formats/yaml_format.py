"""The shipped YAML question format of ``question_bank/README.md``: ``parse_yaml`` / ``write_yaml``.

A file is a mapping ``{topic, positions, questions}``, or a bare list of questions (topic "").
Several YAML documents (``---``) may follow each other; ``write_yaml`` starts a new document
whenever the topic changes. Only the keys of the README are accepted — any other key is an
error at its line. YAML cannot carry a question's ``name``, its text format (HTML is
assumed), or a source's ``note``; matching distractors come after the real pairs.
``filename``, when given, prefixes every message so issues from a folder stay apart.
"""

from __future__ import annotations

import yaml
from flask_babel import gettext as _
from yaml.nodes import MappingNode, Node, SequenceNode

from app.bank.formats.common import add_validation_issues, make_issue
from app.bank.formats.model import ParseResult, QuestionData, QuestionType
from app.bank.formats.yaml_fields import COMMON_KEYS, FIELD_READERS, TYPE_KEYS, finish
from app.bank.formats.yaml_nodes import NodeError, Nodes, compose_documents, line_of
from app.bank.formats.yaml_write import write_yaml

__all__ = ["parse_yaml", "write_yaml"]

FILE_KEYS = ("topic", "positions", "questions")


def parse_yaml(text: str, *, filename: str = "") -> ParseResult:
    """Read every question of a YAML question file; problems become issues, nothing is raised."""
    result = ParseResult()
    for document in _documents(text, result):
        nodes = Nodes()
        try:
            _read_document(document, nodes, result)
        except NodeError as error:
            result.issues += [*nodes.take_issues(), make_issue(error.line, str(error))]
        result.issues += nodes.take_issues()
    add_validation_issues(result)
    if filename:
        for issue in result.issues:
            issue.message = f"{filename}: {issue.message}"
    return result


def _documents(text: str, result: ParseResult) -> list[Node]:
    try:
        return compose_documents(text)
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        message = _(
            "ký tự không được phép trong YAML (mã U+%(character)04X)", character=error.character
        )
        result.issues.append(make_issue(line, message))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        message = _("YAML sai cú pháp: %(problem)s", problem=error.problem or error.context)
        result.issues.append(make_issue(line, message))
    except yaml.YAMLError as error:
        result.issues.append(make_issue(0, _("YAML sai cú pháp: %(error)s", error=error)))
    except RecursionError:
        result.issues.append(make_issue(0, _("YAML lồng nhau quá sâu")))
    return []


def _read_document(document: Node, nodes: Nodes, result: ParseResult) -> None:
    topic, positions = "", None
    if isinstance(document, SequenceNode):
        items = nodes.sequence(document, _("tệp"))
    elif isinstance(document, MappingNode):
        mapping = nodes.mapping(document, _("tệp"))
        nodes.unknown_keys(mapping, FILE_KEYS, _("tệp câu hỏi"))
        if "questions" not in mapping:
            raise NodeError(document, _("thiếu khóa 'questions' (danh sách câu hỏi)"))
        if "topic" in mapping:
            topic = nodes.text(mapping["topic"][1], "topic")
        if "positions" in mapping:
            positions = nodes.texts(mapping["positions"][1], "positions")
        items = nodes.sequence(mapping["questions"][1], "questions")
    else:
        raise NodeError(document, _("tệp YAML phải là danh sách câu hỏi hoặc có khóa 'questions'"))
    for item in items:
        try:
            result.questions.append(_question(item, nodes, topic, positions))
        except NodeError as error:
            result.issues += [*nodes.take_issues(), make_issue(error.line, str(error))]
        result.issues += nodes.take_issues()


def _question(node: Node, nodes: Nodes, topic: str, positions: list[str] | None) -> QuestionData:
    mapping = nodes.mapping(node, _("câu hỏi"))
    if "type" not in mapping:
        raise NodeError(node, _("câu hỏi thiếu khóa 'type'"))
    type_node = mapping["type"][1]
    type_text = nodes.text(type_node, "type")
    try:
        kind = QuestionType(type_text)
    except ValueError:
        valid = ", ".join(t.value for t in QuestionType)
        raise NodeError(
            type_node,
            _(
                "loại câu hỏi '%(type_text)s' không hợp lệ (%(valid)s)",
                type_text=type_text,
                valid=valid,
            ),
        ) from None
    allowed = COMMON_KEYS + TYPE_KEYS[kind]
    nodes.unknown_keys(mapping, allowed, _("câu hỏi loại %(kind)s", kind=kind.value))
    question = QuestionData(type=kind, stem="", topic=topic, line=line_of(node))
    question.positions = list(positions or [])
    for key, (_node, value) in mapping.items():
        if key in allowed and key != "type":
            FIELD_READERS[key](question, value, nodes)
    return finish(question, node)
