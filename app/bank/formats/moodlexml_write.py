"""Write questions as Moodle XML (``<quiz>``) that Moodle's importer and ``parse_moodle_xml`` read.

Lost on export: difficulty, positions, sources, status, note, "ignore diacritics", and the
situational type (written as single-answer multichoice). A numerical range low..high is
written as its midpoint ± half-width. Characters XML 1.0 cannot hold (most control
characters, lone surrogates) are dropped. Files referenced as ``@@PLUGINFILE@@/<key>`` are
embedded when ``attachments`` holds that key.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping
from urllib.parse import unquote

from app.bank.formats.common import credit_to_percent, format_number
from app.bank.formats.model import NumericAnswer, Option, QuestionData, QuestionType, TextFormat

FORMAT_NAMES = {
    TextFormat.HTML: "html",
    TextFormat.PLAIN: "plain_text",
    TextFormat.MARKDOWN: "markdown",
}
MOODLE_TYPES = {
    QuestionType.SINGLE_CHOICE: "multichoice",
    QuestionType.MULTIPLE_RESPONSE: "multichoice",
    QuestionType.SITUATIONAL: "multichoice",
    QuestionType.TRUE_FALSE: "truefalse",
    QuestionType.SHORT_ANSWER: "shortanswer",
    QuestionType.NUMERICAL: "numerical",
    QuestionType.MATCHING: "matching",
    QuestionType.ESSAY: "essay",
}
PLUGINFILE_RE = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#]+)")
INVALID_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
Files = Mapping[str, bytes]


def write_moodle_xml(questions: Iterable[QuestionData], attachments: Files | None = None) -> bytes:
    """All questions as one Moodle XML document (UTF-8 bytes)."""
    quiz = ET.Element("quiz")
    topic = ""
    for question in questions:
        if question.topic != topic:
            topic = question.topic
            quiz.append(_category(topic))
        quiz.append(_question(question, attachments or {}))
    ET.indent(quiz)
    body = ET.tostring(quiz, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _clean(text: str) -> str:
    return INVALID_XML_RE.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = _clean(text)
    return element


def _texted(parent: ET.Element, tag: str, text: str, files: Files, **attrs: str) -> ET.Element:
    """``<tag attrs><text>…</text><file …/>…</tag>``, embedding the files the text uses."""
    element = ET.SubElement(parent, tag, attrs)
    _sub(element, "text", text.strip())
    for key in dict.fromkeys(unquote(ref) for ref in PLUGINFILE_RE.findall(text)):
        if key in files:
            folder, _, name = key.rpartition("/")
            path = f"/{folder}/" if folder else "/"
            encoded = base64.b64encode(files[key]).decode("ascii")
            _sub(element, "file", encoded, name=name, path=path, encoding="base64")
    return element


def _category(topic: str) -> ET.Element:
    element = ET.Element("question", type="category")
    path = "$course$/top/" + topic if topic else "$course$/top"
    _texted(element, "category", path, {})
    return element


def _question(q: QuestionData, files: Files) -> ET.Element:
    fmt = FORMAT_NAMES.get(q.stem_format, "html")
    element = ET.Element("question", type=MOODLE_TYPES.get(q.type, "essay"))
    if q.name.strip():  # without <name>, Moodle names the question from its text
        _texted(element, "name", q.name, {})
    _texted(element, "questiontext", q.stem, files, format=fmt)
    _texted(element, "generalfeedback", q.general_feedback, files, format=fmt)
    _sub(element, "defaultgrade", "1")
    _sub(element, "penalty", "0.3333333")
    _sub(element, "hidden", "0")
    _sub(element, "idnumber", q.external_id.strip())
    WRITERS.get(q.type, _essay)(element, q, fmt, files)
    _sub(element, "shuffleanswers", "true" if q.shuffle else "false")
    if q.tags:
        tags = ET.SubElement(element, "tags")
        for tag in q.tags:
            _texted(tags, "tag", tag, {})
    return element


def _answer(parent: ET.Element, option: Option, fmt: str, files: Files) -> ET.Element:
    percent = credit_to_percent(option.credit)
    answer = _texted(parent, "answer", option.text, files, fraction=percent, format=fmt)
    _texted(answer, "feedback", option.feedback, files, format=fmt)
    return answer


def _multichoice(element: ET.Element, q: QuestionData, fmt: str, files: Files) -> None:
    single = q.type != QuestionType.MULTIPLE_RESPONSE
    _sub(element, "single", "true" if single else "false")
    _sub(element, "answernumbering", "abc")
    for option in q.options:
        _answer(element, option, fmt, files)


def _truefalse(element: ET.Element, q: QuestionData, fmt: str, files: Files) -> None:
    for option in q.options:
        _answer(element, option, "moodle_auto_format", files)


def _shortanswer(element: ET.Element, q: QuestionData, fmt: str, files: Files) -> None:
    _sub(element, "usecase", "1" if q.case_sensitive else "0")
    for option in q.options:
        _answer(element, option, "moodle_auto_format", files)


def _value_tolerance(answer: NumericAnswer) -> tuple[float, float]:
    if answer.low is not None and answer.high is not None:
        return (answer.low + answer.high) / 2, (answer.high - answer.low) / 2
    return answer.value or 0.0, abs(answer.tolerance)


def _numerical(element: ET.Element, q: QuestionData, fmt: str, files: Files) -> None:
    for numeric in q.numeric_answers:
        value, tolerance = _value_tolerance(numeric)
        option = Option(format_number(value), numeric.credit, numeric.feedback)
        answer = _answer(element, option, "moodle_auto_format", files)
        _sub(answer, "tolerance", format_number(tolerance))


def _matching(element: ET.Element, q: QuestionData, fmt: str, files: Files) -> None:
    for pair in q.pairs:
        sub = _texted(element, "subquestion", pair.prompt, files, format=fmt)
        _texted(sub, "answer", pair.answer, {})


def _essay(element: ET.Element, q: QuestionData, fmt: str, files: Files) -> None:
    for tag, value in (("responseformat", "editor"), ("responserequired", "1")):
        _sub(element, tag, value)
    for tag, value in (("responsefieldlines", "15"), ("attachments", "0")):
        _sub(element, tag, value)
    _texted(element, "graderinfo", "", {}, format="html")
    _texted(element, "responsetemplate", "", {}, format="html")


WRITERS: dict[QuestionType, Callable[[ET.Element, QuestionData, str, Files], None]] = {
    QuestionType.SINGLE_CHOICE: _multichoice,
    QuestionType.MULTIPLE_RESPONSE: _multichoice,
    QuestionType.SITUATIONAL: _multichoice,
    QuestionType.TRUE_FALSE: _truefalse,
    QuestionType.SHORT_ANSWER: _shortanswer,
    QuestionType.NUMERICAL: _numerical,
    QuestionType.MATCHING: _matching,
    QuestionType.ESSAY: _essay,
}
