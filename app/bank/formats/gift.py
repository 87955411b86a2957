"""Moodle GIFT: ``parse_gift`` reads a GIFT text, ``write_gift`` (in ``gift_write``) writes one.

Reimplemented from Moodle's GIFT documentation and the behaviour of its importer:

* questions are blocks of non-blank lines (each line trimmed); a line whose text starts with
  ``//`` is a comment, and ``[id:…]`` / ``[tag:…]`` inside a question's comments give its
  external id and tags (as Moodle 3.6+ writes them);
* ``$CATEGORY: $course$/top/A/B`` sets the topic "A/B" of the questions that follow (the
  context prefix and ``top`` are dropped). Unlike Moodle, question text may follow on the
  next line of the same block;
* ``::name::`` then the text with an optional ``[html]``/``[markdown]``/``[plain]``/``[moodle]``
  marker, then ``{answers}``; text after the closing brace makes a missing-word question whose
  text shows the blank as ``_____`` (any type may be written so);
* ``[moodle]`` (Moodle's default auto-format) is read as HTML;
* a block without braces is a description: reported as a warning, not imported;
* numerical wrong-answer feedback (``~#…``) and the ``*`` catch-all cannot be kept: warning.

Types are recognised in Moodle's order: ``{}`` essay, ``{#…}`` numerical, any ``~`` multiple
choice (single when some answer starts with ``=``, else multiple response), ``=`` with ``->``
matching, ``T``/``F``/``TRUE``/``FALSE`` true/false, otherwise short answer. One leniency:
``=%50%answer`` inside a multiple-choice question gives 50 % (Moodle would keep "%50%" as text).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.bank.formats.common import (
    add_validation_issues,
    category_topic,
    make_issue,
    parse_number,
    round_credit,
)
from app.bank.formats.gift_text import Seg, split_format, text_with_format, unescape
from app.bank.formats.gift_write import write_gift
from app.bank.formats.model import (
    MatchPair,
    NumericAnswer,
    Option,
    ParseResult,
    QuestionData,
    QuestionType,
    TextFormat,
)

__all__ = ["parse_gift", "write_gift"]

LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
WEIGHT_RE = re.compile(r"%(-?[0-9]+(?:\.[0-9]*)?)%")
MARKER_RE = re.compile(r"[~=]")
ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])+)\]")
FORMATS = {
    "html": TextFormat.HTML,
    "moodle": TextFormat.HTML,
    "markdown": TextFormat.MARKDOWN,
    "plain": TextFormat.PLAIN,
}
BLANK = Seg("_____", "_____")


class GiftError(Exception):
    """A question that cannot be read; the message is shown to the author."""


@dataclass
class Block:
    """One blank-line-separated block: its content lines (numbered) and comment lines."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def parse_gift(text: str) -> ParseResult:
    """Read every question of a GIFT file; problems become issues, nothing is raised."""
    result = ParseResult()
    topic = ""
    for block in _blocks(text):
        topic = _read_block(block, topic, result)
    return add_validation_issues(result)


def _blocks(text: str) -> Iterator[Block]:
    block = Block()
    for number, line in enumerate(LINE_BREAK_RE.split(text), start=1):
        stripped = line.strip()
        if not stripped:
            if block.lines or block.comments:
                yield block
            block = Block()
        elif stripped.startswith("//"):
            block.comments.append(stripped)
        else:
            block.lines.append((number, stripped))
    if block.lines:
        yield block


def _read_block(block: Block, topic: str, result: ParseResult) -> str:
    lines = block.lines
    if lines and lines[0][1].startswith("$CATEGORY:"):
        topic = category_topic(lines[0][1].removeprefix("$CATEGORY:"))
        lines = lines[1:]
    if not lines:
        return topic
    line = lines[0][0]
    try:
        question = _read_question(Seg.of("\n".join(s for _n, s in lines)), line, result)
    except GiftError as error:
        result.issues.append(make_issue(line, str(error)))
        return topic
    if question is not None:
        question.topic = topic
        question.external_id, question.tags = _meta(block.comments)
        result.questions.append(question)
    return topic


def _meta(comments: list[str]) -> tuple[str, list[str]]:
    text = "\n".join(comments)
    found = ID_RE.search(text)
    external_id = found[1].replace("\\]", "]").strip() if found else ""
    tags = [m.replace("\\]", "]").strip() for m in TAG_RE.findall(text)]
    return external_id, [t for t in tags if t]


def _split_name(seg: Seg, line: int, result: ParseResult) -> tuple[str, Seg]:
    if not seg.startswith("::"):
        return "", seg
    end = seg.find("::", 2)
    if end < 0:
        result.issues.append(make_issue(line, _("thiếu '::' đóng tên câu hỏi"), "warning"))
        return "", seg[2:]
    return unescape(seg.raw[2:end]).strip(), seg[end + 2 :].strip()


def _read_question(seg: Seg, line: int, result: ParseResult) -> QuestionData | None:
    name, seg = _split_name(seg, line, result)
    start, end = seg.find("{"), seg.find("}")
    if start < 0 and end < 0:
        message = _("đoạn văn không có phần đáp án {…} (câu mô tả) nên không được nhập")
        result.issues.append(make_issue(line, message, "warning"))
        return None
    if start < 0 or end < start:
        raise GiftError(_l("thiếu dấu { hoặc } của phần đáp án (muốn viết dấu này thì gõ \\{ \\})"))
    after = seg[end + 1 :]
    if "{" in after or "}" in after:
        raise GiftError(_l("có hơn một phần đáp án {…} (muốn viết dấu ngoặc nhọn thì gõ \\{ \\})"))
    stem_seg = seg[:start] + (BLANK if after.strip() else Seg("", "")) + after
    answer, general = _split_general_feedback(seg[start + 1 : end].strip())
    fmt, stem_body = split_format(stem_seg, "moodle")
    build = _pick_builder(answer)
    question = build(answer, fmt, line, result)
    question.stem, question.stem_format, question.name = stem_body.text(), FORMATS[fmt], name
    question.general_feedback = text_with_format(general, fmt)
    question.line = line
    return question


def _split_general_feedback(answer: Seg) -> tuple[Seg, Seg]:
    at = answer.rfind("####")
    if at < 0:
        return answer, Seg("", "")
    return answer[:at].strip(), answer[at + 4 :]


Builder = Callable[[Seg, str, int, ParseResult], QuestionData]


def _pick_builder(answer: Seg) -> Builder:
    if not answer.raw:
        return _essay
    if answer.startswith("#"):
        return _numerical
    if "~" in answer:
        return _choice
    if "=" in answer and "->" in answer:
        return _matching
    hash_at = answer.find("#")
    check = answer[:hash_at].strip() if hash_at > 0 else answer
    return _true_false if check.mask in ("T", "TRUE", "F", "FALSE") else _short_answer


def _weight(seg: Seg) -> tuple[float | None, Seg]:
    found = WEIGHT_RE.match(seg.mask)
    if not found:
        return None, seg
    return round_credit(float(found[1]) / 100), seg[found.end() :]


def _answer_parts(seg: Seg, fmt: str) -> tuple[str, str]:
    parts = seg.split("#", 1)
    feedback = text_with_format(parts[1], fmt) if len(parts) > 1 else ""
    return text_with_format(parts[0], fmt), feedback


def _items(seg: Seg, separator: str) -> list[Seg]:
    items = [item.strip() for item in seg.split(separator)]
    return items[1:] if items and not items[0].raw else items


def _essay(answer: Seg, fmt: str, line: int, result: ParseResult) -> QuestionData:
    return QuestionData(type=QuestionType.ESSAY, stem="")


def _choice(answer: Seg, fmt: str, line: int, result: ParseResult) -> QuestionData:
    single = "=" in answer
    marks = [m.start() for m in MARKER_RE.finditer(answer.mask)]
    bounds = list(zip([0, *marks], [*marks, len(answer)], strict=True))
    options = []
    for index, (start, stop) in enumerate(bounds):
        piece = answer[start:stop]
        marker = piece.mask[:1] if index else ""
        body = (piece[1:] if marker else piece).strip()
        if index == 0 and not body.raw:
            continue
        weight, body = _weight(body)
        credit = weight if weight is not None else (1.0 if marker == "=" else 0.0)
        text, feedback = _answer_parts(body, fmt)
        options.append(Option(text=text, credit=credit, feedback=feedback))
    kind = QuestionType.SINGLE_CHOICE if single else QuestionType.MULTIPLE_RESPONSE
    return QuestionData(type=kind, stem="", options=options)


def _matching(answer: Seg, fmt: str, line: int, result: ParseResult) -> QuestionData:
    pairs = []
    for item in _items(answer, "="):
        arrow = item.find("->")
        if arrow < 0:
            raise GiftError(_l("cặp ghép «%(pair)s» thiếu dấu '->'", pair=item.text()))
        prompt = text_with_format(item[:arrow], fmt)
        pairs.append(MatchPair(prompt=prompt, answer=item[arrow + 2 :].text()))
    return QuestionData(type=QuestionType.MATCHING, stem="", pairs=pairs)


def _true_false(answer: Seg, fmt: str, line: int, result: ParseResult) -> QuestionData:
    parts = [*answer.split("#", 2), Seg("", ""), Seg("", "")]
    is_true = parts[0].strip().mask in ("T", "TRUE")
    wrong, right = text_with_format(parts[1], fmt), text_with_format(parts[2], fmt)
    options = [
        Option("true", 1.0 if is_true else 0.0, right if is_true else wrong),
        Option("false", 0.0 if is_true else 1.0, wrong if is_true else right),
    ]
    return QuestionData(type=QuestionType.TRUE_FALSE, stem="", options=options)


def _short_answer(answer: Seg, fmt: str, line: int, result: ParseResult) -> QuestionData:
    options = []
    for item in _items(answer, "="):
        weight, body = _weight(item)
        text, feedback = _answer_parts(body, fmt)
        options.append(
            Option(text=text, credit=1.0 if weight is None else weight, feedback=feedback)
        )
    return QuestionData(type=QuestionType.SHORT_ANSWER, stem="", options=options)


def _numerical(answer: Seg, fmt: str, line: int, result: ParseResult) -> QuestionData:
    body = answer[1:]
    tilde = body.find("~")
    if tilde >= 0:
        body = body[:tilde]
        message = _("phản hồi cho câu trả lời sai (~) của câu hỏi số không được hỗ trợ, đã bỏ qua")
        result.issues.append(make_issue(line, message, "warning"))
    answers = []
    for item in _items(body, "="):
        weight, rest = _weight(item)
        text, feedback = _answer_parts(rest, fmt)
        if text == "*":
            message = _("đáp án '*' (mọi câu trả lời khác) không được hỗ trợ, đã bỏ qua")
            result.issues.append(make_issue(line, message, "warning"))
            continue
        numeric = numeric_answer(text)
        numeric.credit = 1.0 if weight is None else weight
        numeric.feedback = feedback
        answers.append(numeric)
    return QuestionData(type=QuestionType.NUMERICAL, stem="", numeric_answers=answers)


def numeric_answer(text: str) -> NumericAnswer:
    """ "3.1415:0.0005" / "3.141..3.142" / "1822" → a NumericAnswer (GiftError if not numbers)."""
    if text.find("..") > 0:
        low_text, high_text = text.split("..", 1)
        low, high = parse_number(low_text), parse_number(high_text)
        if low is not None and high is not None:
            return NumericAnswer(low=low, high=high)
    else:
        value_text, _sep, tolerance_text = (
            text.partition(":") if text.find(":") > 0 else (text, "", "0")
        )
        value, tolerance = parse_number(value_text), parse_number(tolerance_text)
        if value is not None and tolerance is not None:
            return NumericAnswer(value=value, tolerance=tolerance)
    raise GiftError(
        _l("đáp án số «%(text)s» không phải là số, khoảng a..b hay giá trị:sai số", text=text)
    )
