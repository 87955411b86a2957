"""Small helpers shared by every format: numbers, credits, issues and Unicode clean-up."""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from datetime import date
from enum import Enum
from typing import Any

from flask_babel import gettext

from app.bank.formats.model import ParseIssue, ParseResult, QuestionData

CREDIT_DIGITS = 7  # credits are kept to 7 decimals: 1/3 is 0.3333333, as Moodle stores it
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
DECIMAL_COMMA_RE = re.compile(r"[+-]?[0-9]+,[0-9]+")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
CONTEXT_RE = re.compile(r"^\$[a-z]+\$(?:/|$)")


def round_credit(value: float) -> float:
    """Round a credit to the precision every format can carry losslessly."""
    return round(value, CREDIT_DIGITS) + 0.0


def format_number(value: float) -> str:
    """Shortest text for a number: ``2`` rather than ``2.0``, ``0.5``, ``1e-07``."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def credit_to_percent(credit: float) -> str:
    """1.0 → "100", 1/3 → "33.33333", -0.25 → "-25"."""
    return format_number(round(credit * 100, CREDIT_DIGITS - 2) + 0.0)


def parse_number(text: str, *, decimal_comma: bool = False) -> float | None:
    """A finite decimal number, or None. ``decimal_comma`` also accepts "1,5"."""
    text = text.strip()
    if decimal_comma and DECIMAL_COMMA_RE.fullmatch(text):
        text = text.replace(",", ".")
    if not NUMBER_RE.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def percent_to_credit(text: str, *, decimal_comma: bool = False) -> float | None:
    """ "50" or "50%" → 0.5; None when it is not a number."""
    text = text.strip().removesuffix("%").strip()
    value = parse_number(text, decimal_comma=decimal_comma)
    return None if value is None else round_credit(value / 100)


def parse_iso_date(text: str) -> date | None:
    """A ``YYYY-MM-DD`` date, or None."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def category_topic(path: str) -> str:
    """A Moodle category path to a topic: "$course$/top/A/B" → "A/B" (context and top dropped)."""
    path = CONTEXT_RE.sub("", path.strip())
    parts = [part.strip() for part in path.split("/") if part.strip()]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return "/".join(parts)


def letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "27" (options beyond Z are numbered)."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def make_issue(line: int, message: str, severity: str = "error") -> ParseIssue:
    """An issue whose message starts with "Dòng N: " when the line is known."""
    if line > 0:
        message = gettext("Dòng %(line)s: %(message)s", line=line, message=message)
    return ParseIssue(line=line, message=str(message), severity=severity)


def add_validation_issues(result: ParseResult) -> ParseResult:
    """Run the semantic checks on every parsed question, record them at its line, and sort
    all issues by line (whole-file issues first)."""
    from app.bank.formats.validate import validate_question

    for question in result.questions:
        for message in validate_question(question):
            result.issues.append(make_issue(question.line, message))
    result.issues.sort(key=lambda issue: issue.line)
    return result


def nfc(value: Any) -> Any:
    """A copy of ``value`` with every string inside it (dataclasses, lists, dicts) in NFC."""
    if isinstance(value, Enum | date | bool | int | float | bytes) or value is None:
        return value  # StrEnum members are str too: keep them as they are
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: nfc(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def nfc_questions(questions: list[QuestionData]) -> list[QuestionData]:
    """NFC-normalise every text field of every question."""
    return [nfc(q) for q in questions]
