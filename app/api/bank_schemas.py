"""Schemas of the question bank API. A question uses the neutral field names of the YAML
and ``QuestionData`` (type, stem, options[{text, credit, feedback}], numeric_answers, pairs,
general_feedback, topic, difficulty, tags, positions, sources, external_id); credits are
fractions of the question's mark (1 = 100 %)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, fields, validate

from app.api.schemas import BaseSchema, PageArgs, page_schema
from app.bank.content import from_version
from app.bank.formats import FORMATS
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
from app.models import QuestionVersion, VersionState

TYPES = [t.value for t in QuestionType]
DIFFICULTIES = [d.value for d in Difficulty]
STATES = [s.value for s in VersionState]
TEXT = validate.Length(0, 20000)


class BankOption(BaseSchema):
    text = fields.String(required=True, validate=TEXT)
    credit = fields.Float(load_default=0.0)
    feedback = fields.String(load_default="", validate=TEXT)


class BankNumericAnswer(BaseSchema):
    value = fields.Float(allow_none=True, load_default=None)
    tolerance = fields.Float(load_default=0.0)
    low = fields.Float(allow_none=True, load_default=None)
    high = fields.Float(allow_none=True, load_default=None)
    credit = fields.Float(load_default=1.0)
    feedback = fields.String(load_default="", validate=TEXT)


class BankPair(BaseSchema):
    prompt = fields.String(load_default="", validate=TEXT)
    answer = fields.String(required=True, validate=TEXT)


class BankSource(BaseSchema):
    document = fields.String(required=True, validate=validate.Length(1, 300))
    article = fields.String(load_default="", validate=validate.Length(0, 300))
    issued = fields.Date(allow_none=True, load_default=None)
    checked_on = fields.Date(allow_none=True, load_default=None)
    note = fields.String(load_default="", validate=validate.Length(0, 1000))


class BankQuestionInput(BaseSchema):
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    stem = fields.String(required=True, validate=TEXT)
    stem_format = fields.String(
        load_default="html", validate=validate.OneOf(["html", "markdown", "plain"])
    )
    name = fields.String(load_default="", validate=validate.Length(0, 200))
    external_id = fields.String(load_default="", validate=validate.Length(0, 100))
    topic = fields.String(required=True, validate=validate.Length(1, 1000))
    difficulty = fields.String(
        allow_none=True, load_default=None, validate=validate.OneOf(DIFFICULTIES)
    )
    options = fields.List(fields.Nested(BankOption), load_default=list)
    numeric_answers = fields.List(fields.Nested(BankNumericAnswer), load_default=list)
    pairs = fields.List(fields.Nested(BankPair), load_default=list)
    general_feedback = fields.String(load_default="", validate=TEXT)
    tags = fields.List(fields.String(validate=validate.Length(1, 100)), load_default=list)
    positions = fields.List(fields.String(validate=validate.Length(1, 200)), load_default=list)
    sources = fields.List(fields.Nested(BankSource), load_default=list)
    note = fields.String(load_default="", validate=validate.Length(0, 2000))
    case_sensitive = fields.Boolean(load_default=False)
    ignore_diacritics = fields.Boolean(load_default=False)
    shuffle = fields.Boolean(load_default=True)


class BankVersion(BankQuestionInput):
    """One version: the question's content plus its review facts."""

    id = fields.Integer(dump_only=True)
    question_id = fields.Integer(dump_only=True)
    number = fields.Integer(dump_only=True)
    state = fields.String(dump_only=True, metadata={"enum": STATES})
    author_id = fields.Integer(dump_only=True, allow_none=True)
    reviewer_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    reviewed_at = fields.DateTime(dump_only=True, allow_none=True)
    review_note = fields.String(dump_only=True)
    used = fields.Boolean(dump_only=True)


class BankQuestionDetail(BaseSchema):
    id = fields.Integer()
    external_id = fields.String(allow_none=True)
    topic = fields.String()
    latest = fields.Nested(BankVersion)
    versions = fields.List(fields.Nested(BankVersion))
    warnings = fields.List(fields.String(), metadata={"description": "Near-duplicate stems"})


class BankQuestionSummary(BaseSchema):
    id = fields.Integer()
    external_id = fields.String(allow_none=True)
    topic = fields.String()
    type = fields.String()
    stem = fields.String()
    difficulty = fields.String(allow_none=True)
    state = fields.String()
    version = fields.Integer()
    version_id = fields.Integer()
    author_id = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()


BankQuestionPage = page_schema(BankQuestionSummary, "BankQuestionPage")


class BankQuery(PageArgs):
    q = fields.String(load_default="", validate=validate.Length(0, 200))
    topic_id = fields.Integer(load_default=None)
    type = fields.String(load_default="", validate=validate.OneOf(["", *TYPES]))
    state = fields.String(load_default="", validate=validate.OneOf(["", *STATES]))
    difficulty = fields.String(load_default="", validate=validate.OneOf(["", *DIFFICULTIES]))
    author_id = fields.Integer(load_default=None)


class BankExportQuery(BankQuery):
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))


class BankNoteInput(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(0, 1000))


class BankImportInput(BaseSchema):
    class Meta:
        unknown = EXCLUDE

    file = Upload(metadata={"description": "One or more files (repeat the field)"})
    dry_run = fields.Boolean(load_default=False)
    format = fields.String(load_default="auto", validate=validate.OneOf(["auto", *FORMATS]))
    topic = fields.String(load_default="", validate=validate.Length(0, 500))


class BankIssue(BaseSchema):
    file = fields.String()
    line = fields.Integer()
    message = fields.String()


class BankImportReport(BaseSchema):
    questions = fields.Integer()
    by_type = fields.Dict(keys=fields.String(), values=fields.Integer())
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    dry_run = fields.Boolean()
    errors = fields.List(fields.Nested(BankIssue))
    warnings = fields.List(fields.Nested(BankIssue))


# --- mapping ---------------------------------------------------------------------------


def question_data(body: dict[str, Any]) -> QuestionData:
    """The neutral question from a validated ``BankQuestionInput`` body."""
    return QuestionData(
        type=QuestionType(body["type"]),
        stem=body["stem"],
        stem_format=TextFormat(body["stem_format"]),
        name=body["name"],
        external_id=body["external_id"],
        options=[Option(**o) for o in body["options"]],
        numeric_answers=[NumericAnswer(**a) for a in body["numeric_answers"]],
        pairs=[MatchPair(**p) for p in body["pairs"]],
        general_feedback=body["general_feedback"],
        topic=body["topic"],
        difficulty=Difficulty(body["difficulty"]) if body["difficulty"] else None,
        tags=body["tags"],
        positions=body["positions"],
        sources=[SourceRef(**s) for s in body["sources"]],
        note=body["note"],
        case_sensitive=body["case_sensitive"],
        ignore_diacritics=body["ignore_diacritics"],
        shuffle=body["shuffle"],
    )


def version_body(version: QuestionVersion) -> dict[str, Any]:
    question = version.question
    q = from_version(version, question.topic.full_path, question.external_id or "")
    data = {k: v for k, v in dataclasses.asdict(q).items() if k not in ("line", "status")}
    data["type"], data["stem_format"] = q.type.value, q.stem_format.value
    data["difficulty"] = q.difficulty.value if q.difficulty else None
    facts = ("id", "question_id", "number", "author_id", "reviewer_id", "created_at")
    data |= {name: getattr(version, name) for name in facts}
    data |= {"state": version.state.value, "reviewed_at": version.reviewed_at}
    return data | {"review_note": version.review_note, "used": version.used}


def question_body(version: QuestionVersion, warnings: list[str] | None = None) -> dict[str, Any]:
    """A question with all its versions; ``version`` is any of them (usually the latest)."""
    question = version.question
    return {
        "id": question.id,
        "external_id": question.external_id,
        "topic": question.topic.full_path,
        "latest": version_body(question.latest),
        "versions": [version_body(v) for v in question.versions],
        "warnings": warnings or [],
    }


def summary_body(version: QuestionVersion) -> dict[str, Any]:
    question = version.question
    return {
        "id": question.id,
        "external_id": question.external_id,
        "topic": question.topic.full_path,
        "type": version.qtype,
        "stem": version.stem,
        "difficulty": version.difficulty,
        "state": version.state.value,
        "version": version.number,
        "version_id": version.id,
        "author_id": version.author_id,
        "updated_at": version.created_at,
    }
