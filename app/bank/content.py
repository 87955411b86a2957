"""Mapping between the neutral ``QuestionData`` and stored question versions.

Text that reaches a browser is sanitised here with nh3 (a small allow-list of tags, no
attributes that run code). The content hash covers everything a version carries, so a
re-import of an unchanged file changes nothing and any change makes a new version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from typing import Any

import nh3

from app.bank.formats.model import (
    Difficulty,
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    SourceRef,
    TextFormat,
)
from app.text import fold

ALLOWED_TAGS = {
    "b",
    "i",
    "em",
    "strong",
    "u",
    "sub",
    "sup",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "code",
    "pre",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
META_FIELDS = (
    "external_id",
    "topic",
    "difficulty",
    "tags",
    "positions",
    "sources",
    "status",
    "note",
    "line",
)


def clean_html(text: str) -> str:
    """Remove every tag and attribute outside the allow-list (scripts, handlers, styles)."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "data"},
        link_rel=None,
    )


def sanitise(q: QuestionData) -> QuestionData:
    """A copy of ``q`` whose every displayed text is safe HTML."""
    return dataclasses.replace(
        q,
        stem=clean_html(q.stem),
        general_feedback=clean_html(q.general_feedback),
        options=[Option(clean_html(o.text), o.credit, clean_html(o.feedback)) for o in q.options],
        numeric_answers=[
            dataclasses.replace(a, feedback=clean_html(a.feedback)) for a in q.numeric_answers
        ],
        pairs=[MatchPair(clean_html(p.prompt), clean_html(p.answer)) for p in q.pairs],
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def sources_json(q: QuestionData) -> list[dict[str, Any]]:
    """The version's ``sources`` column (dates as ISO strings)."""
    return _jsonable([dataclasses.asdict(s) for s in q.sources])


def to_content(q: QuestionData) -> dict[str, Any]:
    """The version's ``content`` column: what the examinee sees and how it is scored."""
    data = dataclasses.asdict(q)
    return _jsonable({k: v for k, v in data.items() if k not in META_FIELDS})


def content_hash(q: QuestionData) -> str:
    """A digest of everything the version stores (not the file position or status hint)."""
    data = _jsonable(dataclasses.asdict(dataclasses.replace(q, line=0, status="")))
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def stem_key(stem: str) -> str:
    """The near-duplicate key: tags removed, then NFC, case, spacing and diacritics folded."""
    return fold(nh3.clean(stem, tags=set()))


def from_version(version, topic_path: str, external_id: str) -> QuestionData:
    """Rebuild the neutral question from a stored version (for export and preview)."""
    c = version.content
    return QuestionData(
        type=QuestionType(c["type"]),
        stem=c["stem"],
        stem_format=TextFormat(c["stem_format"]),
        name=c.get("name", ""),
        external_id=external_id,
        options=[Option(**o) for o in c.get("options", [])],
        numeric_answers=[NumericAnswer(**a) for a in c.get("numeric_answers", [])],
        pairs=[MatchPair(**p) for p in c.get("pairs", [])],
        general_feedback=c.get("general_feedback", ""),
        topic=topic_path,
        difficulty=Difficulty(version.difficulty) if version.difficulty else None,
        tags=list(version.tags or []),
        positions=list(version.positions or []),
        sources=[_source(s) for s in version.sources or []],
        status=version.state.value,
        note=version.note,
        case_sensitive=c.get("case_sensitive", False),
        ignore_diacritics=c.get("ignore_diacritics", False),
        shuffle=c.get("shuffle", True),
    )


def _source(data: dict[str, Any]) -> SourceRef:
    def day(v: str | None) -> date | None:
        return date.fromisoformat(v) if v else None

    return SourceRef(
        document=data.get("document", ""),
        article=data.get("article", ""),
        issued=day(data.get("issued")),
        checked_on=day(data.get("checked_on")),
        note=data.get("note", ""),
    )
