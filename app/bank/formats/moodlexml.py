"""Moodle XML: ``parse_moodle_xml`` here, ``write_moodle_xml`` in ``moodlexml_write``.

Read: ``<quiz>`` with ``<question type=…>`` of the types multichoice, truefalse, shortanswer,
numerical, matching and essay, and ``category`` switches (``$course$/top/A/B`` → topic "A/B").
Other types (description, cloze, calculated …) are reported as warnings and skipped. Files
embedded as ``<file name=… encoding="base64">`` go to ``ParseResult.attachments`` keyed by
their path and name (``"img.png"``, ``"sub/img.png"``); the HTML keeps its
``@@PLUGINFILE@@/…`` references. DTDs and entities are refused (see ``xmlsafe``).
Moodle's format names map to ours: html and moodle_auto_format → html, plain_text → plain,
markdown → markdown.
"""

from __future__ import annotations

import base64
import binascii
import xml.etree.ElementTree as ET
from xml.parsers import expat

from flask_babel import gettext as _

from app.bank.formats.common import add_validation_issues, category_topic, make_issue
from app.bank.formats.model import ParseResult, QuestionData, QuestionType, TextFormat
from app.bank.formats.moodlexml_types import BUILDERS, BuildError, flag
from app.bank.formats.moodlexml_write import write_moodle_xml
from app.bank.formats.xmlsafe import LinedTree, UnsafeXml, load_xml

__all__ = ["parse_moodle_xml", "write_moodle_xml"]

FORMATS = {
    "html": TextFormat.HTML,
    "moodle_auto_format": TextFormat.HTML,
    "plain_text": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}


def parse_moodle_xml(data: bytes) -> ParseResult:
    """Read a Moodle XML question export; problems become issues, nothing is raised."""
    result = ParseResult()
    tree = _load(data, result)
    if tree is None:
        return result
    if tree.root.tag != "quiz":
        result.issues.append(
            make_issue(0, _("tệp XML không phải bản xuất câu hỏi Moodle (<quiz>)"))
        )
        return result
    topic = ""
    for index, element in enumerate(tree.root.findall("question"), start=1):
        topic = _read(element, index, topic, tree, result)
    return add_validation_issues(result)


def _load(data: bytes, result: ParseResult) -> LinedTree | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.issues.append(make_issue(0, _("tệp XML phải được mã hóa UTF-8")))
        return None
    try:
        return load_xml(text)
    except UnsafeXml as error:
        result.issues.append(make_issue(0, str(error)))
    except expat.ExpatError as error:
        message = _("tệp XML hỏng: %(error)s", error=expat.ErrorString(error.code))
        result.issues.append(make_issue(error.lineno, message))
    return None


def _read(element: ET.Element, index: int, topic: str, tree: LinedTree, result: ParseResult) -> str:
    kind = element.get("type", "")
    line = tree.line(element)
    if kind == "category":
        return category_topic(element.findtext("category/text", ""))
    name = (element.findtext("name/text") or "").strip()
    builder = BUILDERS.get(kind)
    where = _("câu hỏi thứ %(index)s", index=index) + (f" «{name}»" if name else "")
    if builder is None:
        message = _(
            "%(where)s: loại câu hỏi Moodle '%(kind)s' không được hỗ trợ, đã bỏ qua",
            where=where,
            kind=kind,
        )
        result.issues.append(make_issue(line, message, "warning"))
        return topic

    def warn(message: str) -> None:
        result.issues.append(make_issue(line, f"{where}: {message}", "warning"))

    try:
        question = builder(element, warn)
    except BuildError as error:
        result.issues.append(make_issue(line, f"{where}: {error}"))
        return topic
    _common(question, element, name, topic, line)
    _collect_files(element, line, result)
    result.questions.append(question)
    return topic


def _common(q: QuestionData, element: ET.Element, name: str, topic: str, line: int) -> None:
    stem = element.find("questiontext")
    q.name, q.topic, q.line = name, topic, line
    q.stem = (element.findtext("questiontext/text") or "").strip()
    fmt = stem.get("format", "html") if stem is not None else "html"
    q.stem_format = FORMATS.get(fmt, TextFormat.HTML)
    q.general_feedback = (element.findtext("generalfeedback/text") or "").strip()
    q.external_id = (element.findtext("idnumber") or "").strip()
    tags = [(t.findtext("text") or "").strip() for t in element.findall("tags/tag")]
    q.tags = [t for t in tags if t]
    q.shuffle = flag(element.findtext("shuffleanswers"), default=True)
    if q.type == QuestionType.SHORT_ANSWER:
        q.case_sensitive = flag(element.findtext("usecase"), default=False)


def _collect_files(element: ET.Element, line: int, result: ParseResult) -> None:
    for file in element.iter("file"):
        name = (file.get("name") or "").strip()
        folder = (file.get("path") or "/").strip("/")
        key = f"{folder}/{name}" if folder else name
        if not name:
            result.issues.append(make_issue(line, _("tệp đính kèm không có tên (name)")))
            continue
        if file.get("encoding", "base64") != "base64":
            result.issues.append(
                make_issue(line, _("tệp đính kèm %(key)s không mã hóa base64", key=key))
            )
            continue
        try:
            content = base64.b64decode("".join((file.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            result.issues.append(
                make_issue(line, _("tệp đính kèm %(key)s có dữ liệu base64 hỏng", key=key))
            )
            continue
        if result.attachments.get(key, content) != content:
            message = _("hai tệp đính kèm khác nhau cùng tên %(key)s; hãy đổi tên một tệp", key=key)
            result.issues.append(make_issue(line, message))
            continue
        result.attachments[key] = content
