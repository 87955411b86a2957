"""Safe XML loading with line numbers, on the standard library only.

Any document type declaration or entity declaration is refused outright (checked in the text
and again by expat handlers), so entity expansion ("billion laughs") and external entities
(XXE) cannot happen. Expat feeds an ``ElementTree.TreeBuilder``; the line of every start tag
is remembered so that errors can point at the question that caused them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.parsers import expat

FORBIDDEN_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class UnsafeXml(Exception):
    """The document declares a DTD or entities; the message is in Vietnamese."""


@dataclass
class LinedTree:
    """The root element and the 1-based line of each element's start tag."""

    root: ET.Element
    lines: dict[int, int] = field(default_factory=dict)  # id(element) → line

    def line(self, element: ET.Element) -> int:
        return self.lines.get(id(element), 0)


def _refuse(*_args: object) -> None:
    raise UnsafeXml("tệp XML có khai báo DOCTYPE/ENTITY — không được phép vì lý do an toàn")


def load_xml(text: str) -> LinedTree:
    """Parse ``text``; raises ``UnsafeXml`` or ``expat.ExpatError`` for callers to report."""
    if FORBIDDEN_RE.search(text):
        _refuse()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    keep: list[ET.Element] = []  # keeps elements alive so their ids stay unique

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = builder.start(tag, attrs)
        keep.append(element)
        lines[id(element)] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    parser.Parse(text, True)
    return LinedTree(root=builder.close(), lines=lines)
