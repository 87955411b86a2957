"""Showing questions: safe HTML for texts, and a readable text form of a version for diffs."""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass

import nh3
from markupsafe import Markup, escape

from app.bank import bp
from app.bank.content import clean_html, from_version
from app.bank.formats.common import credit_to_percent, format_number, letter
from app.bank.formats.model import QuestionData, QuestionType, TextFormat
from app.bank.forms import DIFFICULTY_LABELS, STATE_LABELS, TYPE_LABELS
from app.models import QuestionVersion


@bp.app_template_filter("bank_html")
def bank_html(text: str | None, fmt: str = "html") -> Markup:
    """Stored HTML cleaned once more (defence in depth); plain and markdown text escaped."""
    if fmt == TextFormat.HTML.value:
        return Markup(clean_html(text or ""))  # noqa: S704 - nh3 allow-list output
    return Markup("<br>").join(escape(line) for line in (text or "").split("\n"))


def plain(text: str) -> str:
    """Text without tags, entities decoded, spaces squashed (for diffs and excerpts)."""
    return " ".join(html.unescape(nh3.clean(text or "", tags=set())).split())


@bp.app_template_filter("bank_excerpt")
def excerpt(text: str | None, length: int = 120) -> str:
    words = plain(text or "")
    return words if len(words) <= length else words[: length - 1].rstrip() + "…"


def _option_lines(q: QuestionData) -> list[str]:
    if q.type == QuestionType.TRUE_FALSE:
        labels = {"true": "Đúng", "false": "Sai"}
        return [
            f"{labels.get(o.text, o.text)}: {credit_to_percent(o.credit)}%"
            + (f" — phản hồi: {plain(o.feedback)}" if o.feedback else "")
            for o in q.options
        ]
    if q.type == QuestionType.NUMERICAL:
        lines = []
        for i, a in enumerate(q.numeric_answers, start=1):
            low, high = a.bounds()
            lines.append(
                f"Đáp án số {i}: {format_number(low)} đến {format_number(high)}, "
                f"{credit_to_percent(a.credit)}%"
                + (f" — phản hồi: {plain(a.feedback)}" if a.feedback else "")
            )
        return lines
    if q.type == QuestionType.MATCHING:
        return [f"Cặp {i}: {plain(p.prompt)} → {plain(p.answer)}" for i, p in enumerate(q.pairs, 1)]
    return [
        f"Phương án {letter(i)} ({credit_to_percent(o.credit)}%): {plain(o.text)}"
        + (f" — phản hồi: {plain(o.feedback)}" if o.feedback else "")
        for i, o in enumerate(q.options)
    ]


def version_lines(version: QuestionVersion) -> list[str]:
    """Every field of a version as readable lines, in a fixed order (the diff's input)."""
    question = version.question
    q = from_version(version, question.topic.full_path, question.external_id or "")
    difficulty = DIFFICULTY_LABELS.get(q.difficulty, "") if q.difficulty else ""
    lines = [
        f"Loại: {TYPE_LABELS[q.type]}",
        f"Chủ đề: {q.topic}",
        f"Độ khó: {difficulty}",
        f"Nội dung: {plain(q.stem)}",
        *_option_lines(q),
        f"Phản hồi chung: {plain(q.general_feedback)}",
        f"Thẻ: {'; '.join(q.tags)}",
        f"Vị trí áp dụng: {'; '.join(q.positions)}",
    ]
    if q.type == QuestionType.SHORT_ANSWER:
        lines.append(f"Phân biệt hoa thường: {'có' if q.case_sensitive else 'không'}")
        lines.append(f"Chấp nhận không dấu: {'có' if q.ignore_diacritics else 'không'}")
    lines.append(f"Xáo trộn phương án: {'có' if q.shuffle else 'không'}")
    for s in q.sources:
        issued = s.issued.strftime("%d/%m/%Y") if s.issued else ""
        checked = s.checked_on.strftime("%d/%m/%Y") if s.checked_on else ""
        lines.append(f"Nguồn: {s.document}; {s.article}; ban hành {issued}; kiểm tra {checked}")
    lines.append(f"Ghi chú: {plain(q.note)}")
    return [str(line) for line in lines]


@dataclass
class DiffLine:
    kind: str  # "same" | "added" | "removed"
    text: str


def diff_lines(old: QuestionVersion, new: QuestionVersion) -> list[DiffLine]:
    """The line-by-line difference between two versions (difflib over ``version_lines``)."""
    kinds = {" ": "same", "+": "added", "-": "removed"}
    return [
        DiffLine(kinds[line[0]], line[2:])
        for line in difflib.ndiff(version_lines(old), version_lines(new))
        if line[0] in kinds
    ]


def state_label(version: QuestionVersion) -> str:
    return str(STATE_LABELS[version.state])


@bp.app_template_filter("bank_percent")
def percent(credit: float) -> str:
    """1.0 → "100%", 1/3 → "33,33333%" (Vietnamese decimal comma)."""
    return credit_to_percent(credit).replace(".", ",") + "%"
