"""The neutral, database-free shape of a question used by every import and export format.

Parsers (GIFT, Moodle XML, YAML, XLSX, CSV) turn a file into a list of ``QuestionData``;
writers turn a list back into a file. The bank service maps ``QuestionData`` onto
``Question`` / ``QuestionVersion`` rows. Keeping this layer free of Flask and SQLAlchemy
lets the parsers be fuzzed and round-trip tested on their own.

Credits are fractions of the question's mark: 1.0 is full credit, 0.5 half, -0.25 a
penalty. A question's score is never below zero (the scorer clamps, not the data).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class QuestionType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_RESPONSE = "multiple_response"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    SITUATIONAL = "situational"
    ESSAY = "essay"


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class TextFormat(StrEnum):
    HTML = "html"
    MARKDOWN = "markdown"
    PLAIN = "plain"


@dataclass
class Option:
    """A choice (single/multiple/situational), or an accepted answer (short answer).

    For true/false questions there are exactly two options, "true" and "false"
    (``text`` is "Đúng" / "Sai" on export), with credit 1.0 on the correct one.
    """

    text: str
    credit: float = 0.0
    feedback: str = ""


@dataclass
class NumericAnswer:
    """An accepted numerical answer: ``value`` ± ``tolerance``, or the range [low, high]."""

    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    credit: float = 1.0
    feedback: str = ""

    def bounds(self) -> tuple[float, float]:
        """Return the closed interval this answer accepts."""
        if self.low is not None and self.high is not None:
            return (self.low, self.high)
        assert self.value is not None
        return (self.value - abs(self.tolerance), self.value + abs(self.tolerance))


@dataclass
class MatchPair:
    """One row of a matching question. An empty ``prompt`` marks an extra distractor answer."""

    prompt: str
    answer: str


@dataclass
class SourceRef:
    """Where the rule a question tests comes from, and when somebody last checked it."""

    document: str  # e.g. "Nghị định 118/2025/NĐ-CP"
    article: str = ""  # e.g. "Điều 16 khoản 3"
    issued: date | None = None  # date of the document
    checked_on: date | None = None  # date the source was last checked against the text
    note: str = ""


@dataclass
class QuestionData:
    """One question as any format carries it; fields a format cannot carry stay at defaults."""

    type: QuestionType
    stem: str
    stem_format: TextFormat = TextFormat.HTML
    name: str = ""
    external_id: str = ""
    options: list[Option] = field(default_factory=list)
    numeric_answers: list[NumericAnswer] = field(default_factory=list)
    pairs: list[MatchPair] = field(default_factory=list)
    general_feedback: str = ""
    topic: str = ""  # topic path, segments joined by "/", e.g. "Cơ chế một cửa/Tiếp nhận hồ sơ"
    difficulty: Difficulty | None = None
    tags: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)  # job positions the item applies to
    sources: list[SourceRef] = field(default_factory=list)
    status: str = ""  # "approved" / "draft" hint carried by the shipped YAML bank only
    note: str = ""  # reviewer-facing note, e.g. why an item ships as draft
    case_sensitive: bool = False  # short answer
    ignore_diacritics: bool = False  # short answer: "Đà Nẵng" matches "da nang"
    shuffle: bool = True
    line: int = 0  # 1-based line (or row) where the question starts in its file; 0 if unknown

    def content_equal(self, other: QuestionData) -> bool:
        """Compare everything but the location in the source file."""
        mine = dataclasses.replace(self, line=0)
        theirs = dataclasses.replace(other, line=0)
        return mine == theirs


@dataclass
class ParseIssue:
    """An error (or warning) found while parsing, with where it is."""

    line: int  # 1-based line or row number; 0 when it concerns the whole file
    message: str  # Vietnamese, readable by an author
    severity: str = "error"  # "error" stops the import; "warning" does not


@dataclass
class ParseResult:
    questions: list[QuestionData] = field(default_factory=list)
    issues: list[ParseIssue] = field(default_factory=list)
    # Files embedded in the source (Moodle XML ``<file encoding="base64">``), keyed by their
    # path relative to the text they belong to (usually just the file name). The texts keep
    # ``@@PLUGINFILE@@/<key>`` references; the bank service stores the files and rewrites them.
    attachments: dict[str, bytes] = field(default_factory=dict)

    @property
    def errors(self) -> list[ParseIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors
