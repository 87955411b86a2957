"""Write questions as Moodle GIFT, in a form Moodle's importer (and ``parse_gift``) reads back.

What GIFT cannot carry, and is therefore lost on export: difficulty, positions, sources,
status, note, shuffle, case sensitivity and "ignore diacritics" of short answers, and the
situational type (written as a single-choice question). Leading and trailing white space of
every text is trimmed by GIFT readers. A matching prompt or a short answer containing "->"
cannot be written faithfully (GIFT has no escape for it). Numerical ranges are written as
``low..high``, which Moodle turns into value ± tolerance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.bank.formats.common import credit_to_percent, format_number
from app.bank.formats.gift_text import escape
from app.bank.formats.model import NumericAnswer, Option, QuestionData, QuestionType, TextFormat

FORMAT_NAMES = {TextFormat.HTML: "html", TextFormat.MARKDOWN: "markdown", TextFormat.PLAIN: "plain"}


def write_gift(questions: Iterable[QuestionData]) -> str:
    """All questions as one GIFT text, with ``$CATEGORY:`` lines where the topic changes."""
    chunks: list[str] = []
    topic = ""
    for question in questions:
        if question.topic != topic:
            topic = question.topic
            path = " ".join(topic.split("\n"))
            chunks.append(f"$CATEGORY: $course$/top/{path}" if path else "$CATEGORY: $course$/top")
        chunks.append(_question(question))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _meta_comment(q: QuestionData) -> str:
    bits = []
    if q.external_id.strip():
        bits.append(f"[id:{_bracketed(q.external_id)}]")
    bits += [f"[tag:{_bracketed(tag)}]" for tag in q.tags if tag.strip()]
    return "// " + " ".join(bits) if bits else ""


def _bracketed(value: str) -> str:
    return " ".join(value.split()).replace("]", "\\]")


def _question(q: QuestionData) -> str:
    fmt = FORMAT_NAMES.get(q.stem_format, "html")
    title = f"::{escape(q.name.strip())}::" if q.name.strip() else ""
    body = BODIES.get(q.type, _essay)(q, fmt)
    head = _meta_comment(q)
    text = f"{title}[{fmt}]{escape(q.stem.strip())}{body}"
    return f"{head}\n{text}" if head else text


def _text(value: str, fmt: str) -> str:
    """An escaped answer or feedback; a format marker protects text starting with [ or %."""
    value = value.strip()
    escaped = escape(value)
    return f"[{fmt}]{escaped}" if value.startswith(("[", "%")) else escaped


def _feedback(value: str, fmt: str) -> str:
    return "#" + _text(value, fmt) if value.strip() else ""


def _braces(lines: list[str], q: QuestionData, fmt: str, opening: str = "{") -> str:
    if q.general_feedback.strip():
        lines = [*lines, "\t####" + _text(q.general_feedback, fmt)]
    return opening + "\n" + "\n".join(lines) + "\n}"


def _choice(q: QuestionData, fmt: str) -> str:
    single = q.type != QuestionType.MULTIPLE_RESPONSE
    lines = []
    for option in q.options:
        if single and abs(option.credit - 1.0) <= 1e-9:
            mark = "="
        elif option.credit == 0:
            mark = "~"
        else:
            mark = f"~%{credit_to_percent(option.credit)}%"
        lines.append("\t" + mark + _text(option.text, fmt) + _feedback(option.feedback, fmt))
    return _braces(lines, q, fmt)


def _true_false(q: QuestionData, fmt: str) -> str:
    by_text = {option.text: option for option in q.options}
    true = by_text.get("true") or (q.options[0] if q.options else Option("true", 1.0))
    false = by_text.get("false") or Option("false", 1.0 - true.credit)
    is_true = true.credit >= false.credit
    right, wrong = (true, false) if is_true else (false, true)
    out = "TRUE" if is_true else "FALSE"
    if wrong.feedback.strip():
        out += _feedback(wrong.feedback, fmt)
    elif right.feedback.strip():
        out += "#"
    out += _feedback(right.feedback, fmt)
    if q.general_feedback.strip():
        out += "####" + _text(q.general_feedback, fmt)
    return "{" + out + "}"


def _short_answer(q: QuestionData, fmt: str) -> str:
    lines = [
        f"\t=%{credit_to_percent(o.credit)}%{_text(o.text, fmt)}{_feedback(o.feedback, fmt)}"
        for o in q.options
    ]
    return _braces(lines, q, fmt)


def _number(answer: NumericAnswer) -> str | None:
    if answer.low is not None and answer.high is not None:
        return f"{format_number(answer.low)}..{format_number(answer.high)}"
    if answer.value is None:
        return None
    return f"{format_number(answer.value)}:{format_number(abs(answer.tolerance))}"


def _numerical(q: QuestionData, fmt: str) -> str:
    lines = []
    for answer in q.numeric_answers:
        number = _number(answer)
        if number is not None:
            weight = credit_to_percent(answer.credit)
            lines.append(f"\t=%{weight}%{number}{_feedback(answer.feedback, fmt)}")
    return _braces(lines, q, fmt, opening="{#")


def _matching(q: QuestionData, fmt: str) -> str:
    lines = [f"\t={_text(p.prompt, fmt)} -> {escape(p.answer.strip())}" for p in q.pairs]
    return _braces(lines, q, fmt)


def _essay(q: QuestionData, fmt: str) -> str:
    if q.general_feedback.strip():
        return "{####" + _text(q.general_feedback, fmt) + "}"
    return "{}"


BODIES: dict[QuestionType, Callable[[QuestionData, str], str]] = {
    QuestionType.SINGLE_CHOICE: _choice,
    QuestionType.SITUATIONAL: _choice,
    QuestionType.MULTIPLE_RESPONSE: _choice,
    QuestionType.TRUE_FALSE: _true_false,
    QuestionType.SHORT_ANSWER: _short_answer,
    QuestionType.NUMERICAL: _numerical,
    QuestionType.MATCHING: _matching,
    QuestionType.ESSAY: _essay,
}
