"""Schemas of the assessment API: rubrics and versions, rounds, sheets, reliability."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from app.api.schemas import BaseSchema
from app.models import Method


def _value(attr: str):
    return fields.Function(lambda obj: getattr(obj, attr).value)


# --- rubrics -----------------------------------------------------------------------------


class RubricVersionOut(BaseSchema):
    id = fields.Integer()
    rubric_id = fields.Integer()
    number = fields.Integer()
    state = _value("state")
    criteria = fields.List(fields.Dict(), metadata={"description": "key, title, weight, levels"})
    pass_threshold = fields.Float()
    disagreement_levels = fields.Integer()
    sources = fields.List(fields.Dict())
    author_id = fields.Integer(allow_none=True)
    reviewer_id = fields.Integer(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_note = fields.String()
    used = fields.Boolean(metadata={"description": "a round uses it: frozen"})
    created_at = fields.DateTime()


class RubricSummary(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    latest = fields.Function(
        lambda r: {"id": r.versions[-1].id, "number": r.versions[-1].number,
                   "state": r.versions[-1].state.value},
        metadata={"description": "id, number and state of the latest version"},
    )  # fmt: skip


class RubricDetail(RubricSummary):
    versions = fields.List(fields.Nested(RubricVersionOut))


class LevelIn(BaseSchema):
    score = fields.Integer(required=True)
    descriptor = fields.String(required=True)


class CriterionIn(BaseSchema):
    key = fields.String(required=True, validate=validate.Length(1, 100))
    title = fields.String(required=True, validate=validate.Length(1, 300))
    weight = fields.Float(required=True)
    source = fields.String(validate=validate.Length(0, 500))
    levels = fields.List(fields.Nested(LevelIn), required=True)


class RubricIn(BaseSchema):
    code = fields.String(validate=validate.Length(1, 100), metadata={"description": "on create"})
    name = fields.String(required=True, validate=validate.Length(1, 300))
    criteria = fields.List(fields.Nested(CriterionIn), required=True)
    pass_threshold = fields.Float(load_default=0.5)
    disagreement_levels = fields.Integer(load_default=2)
    sources = fields.List(fields.Dict(), load_default=list)


class NoteIn(BaseSchema):
    note = fields.String(load_default="", validate=validate.Length(0, 1000))


# --- rounds ------------------------------------------------------------------------------


class RoundSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    period_id = fields.Integer()
    rubric_version_id = fields.Integer()
    unit_id = fields.Integer()
    unit_ids = fields.List(fields.Integer())
    methods = fields.List(fields.String())
    state = _value("state")
    calibration = fields.Boolean()


class RoundDetail(RoundSchema):
    assessors = fields.Function(
        lambda r: [{"account_id": a.account_id, "unit_id": a.unit_id} for a in r.assessors]
    )


class ReasonIn(BaseSchema):
    reason = fields.String(load_default="", validate=validate.Length(0, 1000))


# --- sheets ------------------------------------------------------------------------------

SCORES = fields.Dict(
    keys=fields.String(), values=fields.Integer(allow_none=True), load_default=dict
)
NOTES = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


class SheetIn(BaseSchema):
    round_id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    method = fields.String(required=True, validate=validate.OneOf([m.value for m in Method]))
    scenario = fields.String(load_default="", validate=validate.Length(0, 300))
    client_key = fields.String(required=True, validate=validate.Length(8, 64))
    scores = SCORES
    notes = NOTES
    submit = fields.Boolean(load_default=False)


class SheetUpdateIn(BaseSchema):
    method = fields.String(validate=validate.OneOf([m.value for m in Method]))
    scenario = fields.String(validate=validate.Length(0, 300))
    scores = SCORES
    notes = NOTES


class ReviseIn(BaseSchema):
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    notes = fields.Dict(keys=fields.String(), values=fields.String(), load_default=None)
    reason = fields.String(required=True, validate=validate.Length(1, 1000))


class SheetOut(BaseSchema):
    id = fields.Integer()
    round_id = fields.Integer()
    person_id = fields.Integer()
    method = _value("method")
    scenario = fields.String()
    state = _value("state")
    revision = fields.Integer()
    supersedes_id = fields.Integer(allow_none=True)
    correction_reason = fields.String()
    client_key = fields.String(allow_none=True)
    scores = fields.Dict()
    notes = fields.Dict()
    percent = fields.Float(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)


# --- results and reliability -------------------------------------------------------------


class IccOut(BaseSchema):
    value = fields.Float(allow_none=True)
    ci95 = fields.List(fields.Float(), allow_none=True)
    reason = fields.String(allow_none=True)


class AlphaOut(BaseSchema):
    alpha = fields.Float(allow_none=True)
    reason = fields.String(allow_none=True)


class IccSetOut(BaseSchema):
    n_targets = fields.Integer(metadata={"description": "targets rated by every assessor"})
    n_dropped = fields.Integer()
    reason = fields.String(allow_none=True)
    forms = fields.Dict(keys=fields.String(), values=fields.Nested(IccOut))


class CriterionReliabilityOut(BaseSchema):
    number = fields.Integer()
    key = fields.String()
    title = fields.String()
    icc = fields.Nested(IccSetOut)
    krippendorff = fields.Dict(keys=fields.String(), values=fields.Nested(AlphaOut))
    reading = fields.String()
    poor = fields.Boolean()


class ReliabilityOut(BaseSchema):
    n_targets = fields.Integer()
    n_people = fields.Integer(metadata={"description": "same as n_targets (older name)"})
    n_assessors = fields.Integer()
    reason = fields.String(allow_none=True)
    overall = fields.Nested(IccSetOut, metadata={"description": "ICCs on the percentage"})
    criteria = fields.List(fields.Nested(CriterionReliabilityOut))


class ResultsOut(BaseSchema):
    round_id = fields.Integer()
    officers = fields.List(fields.Dict())
    reliability = fields.Nested(ReliabilityOut)


def icc_body(analysis) -> dict[str, Any]:
    forms = {
        f: {"value": e.value, "ci95": list(e.ci) if e.ci else None, "reason": e.reason}
        for f, e in analysis.estimates.items()
    }
    return {
        "n_targets": analysis.n_targets,
        "n_dropped": analysis.n_dropped,
        "reason": analysis.reason,
        "forms": forms,
    }


def reliability_body(rel) -> dict[str, Any]:
    """A :class:`app.assessments.reliability.Reliability` as JSON-ready data."""
    criteria = [
        {
            "number": c.number,
            "key": c.key,
            "title": c.title,
            "icc": icc_body(c.icc),
            "krippendorff": {
                level: {"alpha": a.alpha, "reason": a.reason} for level, a in c.alphas.items()
            },
            "reading": c.reading,
            "poor": c.poor,
        }
        for c in rel.criteria
    ]
    return {
        "n_targets": rel.n_targets,
        "n_people": rel.n_targets,
        "n_assessors": rel.n_assessors,
        "reason": rel.reason,
        "overall": icc_body(rel.overall),
        "criteria": criteria,
    }
