"""Schemas of the test-taking API, and the lean loading and dumping its two busiest
routes use.

On exam day a province sends about a hundred answer saves a second and a few starts. Those
two routes parse their body with the schema directly and project the answer onto the
schema's fields by hand, instead of going through flask-smorest's argument and response
machinery (its wrappers cost about as much as the save itself). They stay in the OpenAPI
document: ``json_body_doc`` documents the body, ``alt_response`` the answers.
"""

from __future__ import annotations

from flask import request
from marshmallow import ValidationError, fields, validate
from werkzeug.exceptions import UnprocessableEntity

from app.api.schemas import BaseSchema


class ExamsQuery(BaseSchema):
    status = fields.String(
        load_default="open", validate=validate.OneOf(["open", "upcoming", "closed", "all"])
    )


class ExamItem(BaseSchema):
    exam_id = fields.Integer()
    title = fields.String()
    status = fields.String()
    opens_at = fields.String()
    closes_at = fields.String()
    time_limit_minutes = fields.Integer()
    attempt_id = fields.Integer(allow_none=True)
    attempt_state = fields.String(allow_none=True)


class StartBody(BaseSchema):
    pin = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 12))


class OptionOut(BaseSchema):
    id = fields.String()
    text = fields.String()


class QuestionOut(BaseSchema):
    item_id = fields.Integer()
    position = fields.Integer()
    type = fields.String()
    stem = fields.String()
    multiple = fields.Boolean()
    options = fields.List(fields.Nested(OptionOut))
    prompts = fields.List(fields.Nested(OptionOut))
    choices = fields.List(fields.Nested(OptionOut))
    response = fields.Raw(allow_none=True)
    flagged = fields.Boolean()


class AttemptOut(BaseSchema):
    attempt_id = fields.Integer()
    exam_id = fields.Integer()
    title = fields.String()
    state = fields.String()
    deadline = fields.String(metadata={"description": "ISO 8601 with offset"})
    server_time = fields.String()
    seq = fields.Integer()
    sequential = fields.Boolean()
    one_per_page = fields.Boolean()
    questions = fields.List(fields.Nested(QuestionOut))


class AnswerBody(BaseSchema):
    response = fields.Raw(allow_none=True, metadata={"description": "shape depends on type"})
    seq = fields.Integer(required=True, validate=validate.Range(min=0))
    flagged = fields.Boolean(load_default=None, allow_none=True)


class SavedOut(BaseSchema):
    seq = fields.Integer()
    saved_at = fields.String()


class FinishBody(BaseSchema):
    seq = fields.Integer(required=True, validate=validate.Range(min=0))


class ResultOut(BaseSchema):
    attempt_id = fields.Integer()
    state = fields.String()
    finished_at = fields.String(allow_none=True)
    review_available = fields.Boolean()
    score = fields.Float()
    max_score = fields.Float()
    percent = fields.Float()
    passed = fields.Boolean()
    topics = fields.List(fields.Dict())
    questions = fields.List(fields.Dict())


def json_body_doc(schema: type[BaseSchema]) -> dict:
    """The ``requestBody`` of an operation whose view loads ``schema`` itself (required when
    the schema has a required field, as flask-smorest documents it)."""
    required = any(f.required for f in schema._declared_fields.values())
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def load_json_body(schema: BaseSchema) -> dict:
    """The request's JSON body loaded by ``schema``; 422 with the same details as the
    routes that parse through flask-smorest (``{"json": {field: [message]}}``)."""
    data = request.get_json(silent=True)
    try:
        return schema.load({} if data is None else data)
    except ValidationError as exc:
        error = UnprocessableEntity()
        error.data = {"messages": {"json": exc.messages}}
        raise error from exc


_ATTEMPT_KEYS = tuple(AttemptOut._declared_fields)
_QUESTION_KEYS = tuple(QuestionOut._declared_fields)


def attempt_json(view: dict) -> dict:
    """``taking.attempt_view`` reduced to AttemptOut's fields, as its dump would be (the
    views hold plain JSON values already; options are ``{"id", "text"}``)."""
    out = {key: view[key] for key in _ATTEMPT_KEYS if key in view}
    out["questions"] = [
        {key: q[key] for key in _QUESTION_KEYS if key in q} for q in view["questions"]
    ]
    return out
