"""Typed access to PyYAML nodes, with the line of every value for error messages.

``yaml.compose`` keeps each node's position; these helpers turn nodes into Python values
(through PyYAML's safe constructor) or raise ``NodeError`` naming the line. Aliases are
refused: a document that reuses a node could otherwise expand exponentially.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import yaml
from flask_babel import gettext as _
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.bank.formats.common import make_issue, parse_iso_date
from app.bank.formats.model import ParseIssue

NULL_TAG = "tag:yaml.org,2002:null"


class NodeError(Exception):
    """A value of the wrong kind; ``line`` is 1-based."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.line = node.start_mark.line + 1


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


class Nodes:
    """Reads nodes of one document; remembers which nodes it has seen to refuse aliases."""

    def __init__(self) -> None:
        self._seen: set[int] = set()
        self._constructor = SafeConstructor()
        self.issues: list[ParseIssue] = []

    def take_issues(self) -> list[ParseIssue]:
        """The issues recorded so far (and forget them)."""
        issues, self.issues = self.issues, []
        return issues

    def unknown_keys(
        self, mapping: dict[str, tuple[Node, Node]], allowed: tuple[str, ...], what: str
    ) -> None:
        """Record an error at the line of every key that ``allowed`` does not list."""
        for key, (key_node, _value) in mapping.items():
            if key not in allowed:
                message = _(
                    "khóa '%(key)s' không hợp lệ cho %(what)s (được dùng: %(allowed)s)",
                    key=key,
                    what=what,
                    allowed=", ".join(allowed),
                )
                self.issues.append(make_issue(line_of(key_node), message))

    def visit(self, node: Node) -> Node:
        if id(node) in self._seen:
            raise NodeError(node, _("không hỗ trợ tham chiếu YAML (anchor/alias *…)"))
        self._seen.add(id(node))
        return node

    def mapping(self, node: Node, what: str) -> dict[str, tuple[Node, Node]]:
        """Key → (key node, value node); duplicate or non-text keys are errors."""
        if not isinstance(self.visit(node), MappingNode):
            raise NodeError(node, _("%(what)s phải là một bảng khóa: giá trị", what=what))
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(self.visit(key_node), ScalarNode):
                raise NodeError(key_node, _("khóa phải là chữ"))
            if key_node.value in out:
                raise NodeError(key_node, _("khóa '%(key)s' bị lặp lại", key=key_node.value))
            out[key_node.value] = (key_node, value_node)
        return out

    def sequence(self, node: Node, what: str) -> list[Node]:
        if not isinstance(self.visit(node), SequenceNode):
            raise NodeError(node, _("%(what)s phải là một danh sách", what=what))
        return list(node.value)

    def _scalar(self, node: Node, what: str) -> ScalarNode:
        if not isinstance(self.visit(node), ScalarNode):
            raise NodeError(node, _("%(what)s phải là một giá trị đơn", what=what))
        return node

    def text(self, node: Node, what: str) -> str:
        """Any scalar as the text written in the file (``2.50`` stays "2.50"), trimmed."""
        scalar = self._scalar(node, what)
        return "" if scalar.tag == NULL_TAG else scalar.value.strip()

    def _construct(self, scalar: ScalarNode, what: str) -> object:
        try:
            return self._constructor.construct_object(scalar)
        except (ValueError, OverflowError, yaml.YAMLError) as error:
            raise NodeError(scalar, _("%(what)s có giá trị không đọc được", what=what)) from error

    def number(self, node: Node, what: str) -> float:
        value = self._construct(self._scalar(node, what), what)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise NodeError(node, _("%(what)s phải là một số", what=what))
        if not math.isfinite(value):
            raise NodeError(node, _("%(what)s phải là một số hữu hạn", what=what))
        return float(value)

    def boolean(self, node: Node, what: str) -> bool:
        value = self._construct(self._scalar(node, what), what)
        if not isinstance(value, bool):
            raise NodeError(node, _("%(what)s phải là true hoặc false", what=what))
        return value

    def day(self, node: Node, what: str) -> date | None:
        scalar = self._scalar(node, what)
        if scalar.tag == NULL_TAG:
            return None
        value = self._construct(scalar, what)
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        parsed = parse_iso_date(str(value))
        if parsed is None:
            raise NodeError(node, _("%(what)s phải là ngày dạng YYYY-MM-DD", what=what))
        return parsed

    def texts(self, node: Node, what: str) -> list[str]:
        items = [self.text(item, what) for item in self.sequence(node, what)]
        return [item for item in items if item]


def compose_documents(text: str) -> list[Node]:
    """Every YAML document of ``text`` as a node tree (empty documents skipped)."""
    return [doc for doc in yaml.compose_all(text, Loader=yaml.SafeLoader) if doc is not None]
