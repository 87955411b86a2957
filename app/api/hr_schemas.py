"""Schemas of the HR API: period verdicts, list entries with evidence, cases, decisions."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from app.api.schemas import BaseSchema
from app.hr.lists import Entry, Policy
from app.models import CaseKind, DecisionKind, HrCase, HrDecision

KINDS = [k.value for k in CaseKind]
DECISIONS = [d.value for d in DecisionKind]


class PeriodQuery(BaseSchema):
    period_id = fields.Integer(load_default=None)
    unit_id = fields.Integer(load_default=None)


class VerdictOut(BaseSchema):
    person_id = fields.Integer()
    full_name = fields.String()
    unit_id = fields.Integer()
    period_id = fields.Integer()
    components = fields.Dict(
        keys=fields.String(), values=fields.String(),
        metadata={"description": "knowledge / communication → passed | failed | missing"},
    )  # fmt: skip
    missing = fields.List(fields.String())
    meets = fields.Boolean()


EVIDENCE_DOC = (
    "Snapshot: period, components (passed|failed|missing), missing, knowledge_percent "
    "(0–1), periods_met [{id, name}], reasons (knowledge_failed | communication_failed | "
    "satisfaction_below), ratings {n, satisfied, share, lower, upper (Wilson 95 %), "
    "credibly_below} or null, policy {min_periods, window, threshold, min_ratings}."
)


class EntryOut(BaseSchema):
    person_id = fields.Integer()
    full_name = fields.String()
    staff_code = fields.String(allow_none=True)
    unit_id = fields.Integer()
    unit_name = fields.String()
    evidence = fields.Dict(metadata={"description": EVIDENCE_DOC})
    case_id = fields.Integer(allow_none=True)
    case_state = fields.String(allow_none=True)


class PeriodRef(BaseSchema):
    id = fields.Integer()
    name = fields.String()


class CommendationsOut(BaseSchema):
    period = fields.Nested(PeriodRef)
    entries = fields.List(fields.Nested(EntryOut))


class ReassignmentsOut(BaseSchema):
    period = fields.Nested(PeriodRef)
    entries = fields.List(fields.Nested(EntryOut))
    insufficient = fields.List(
        fields.Nested(EntryOut),
        metadata={"description": "Only missing components (no failure): chưa đủ dữ liệu."},
    )


class CaseIn(BaseSchema):
    person_id = fields.Integer(required=True)
    period_id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))


class DecisionIn(BaseSchema):
    decision = fields.String(required=True, validate=validate.OneOf(DECISIONS))
    reason = fields.String(required=True, validate=validate.Length(1, 2000))
    decision_ref = fields.String(load_default="", validate=validate.Length(0, 200))
    new_unit_id = fields.Integer(load_default=None, allow_none=True)
    new_position = fields.String(load_default="", validate=validate.Length(0, 200))
    effective_on = fields.Date(load_default=None, allow_none=True)
    supersedes_id = fields.Integer(
        load_default=None, allow_none=True,
        metadata={"description": "The current decision (null on an open case); else 409."},
    )  # fmt: skip


class DecisionOut(BaseSchema):
    id = fields.Integer()
    case_id = fields.Integer()
    decision = fields.String(metadata={"description": " | ".join(DECISIONS)})
    reason = fields.String()
    decision_ref = fields.String()
    decider = fields.String()
    decided_at = fields.DateTime()
    new_unit_id = fields.Integer(allow_none=True)
    new_position = fields.String()
    effective_on = fields.Date(allow_none=True)
    assignment_id = fields.Integer(allow_none=True)
    supersedes_id = fields.Integer(allow_none=True)
    superseded = fields.Boolean()


class CaseOut(BaseSchema):
    id = fields.Integer()
    person_id = fields.Integer()
    period_id = fields.Integer()
    unit_id = fields.Integer()
    kind = fields.String(metadata={"description": " | ".join(KINDS)})
    state = fields.String(metadata={"description": "open | decided"})
    evidence = fields.Dict(metadata={"description": EVIDENCE_DOC})
    created_at = fields.DateTime()
    decisions = fields.List(fields.Nested(DecisionOut))


def decision_body(d: HrDecision, superseded: set[int]) -> dict[str, Any]:
    """A decision as plain data; ``superseded`` holds the ids other decisions replace."""
    return {
        "id": d.id, "case_id": d.case_id, "decision": d.decision.value, "reason": d.reason,
        "decision_ref": d.decision_ref, "decider": d.decider.display_name or d.decider.username,
        "decided_at": d.decided_at, "new_unit_id": d.new_unit_id, "new_position": d.new_position,
        "effective_on": d.effective_on, "assignment_id": d.assignment_id,
        "supersedes_id": d.supersedes_id, "superseded": d.id in superseded,
    }  # fmt: skip


def case_body(case: HrCase) -> dict[str, Any]:
    superseded = {d.supersedes_id for d in case.decisions if d.supersedes_id}
    return {
        "id": case.id, "person_id": case.person_id, "period_id": case.period_id,
        "unit_id": case.unit_id, "kind": case.kind.value, "state": case.state.value,
        "evidence": case.evidence, "created_at": case.created_at,
        "decisions": [decision_body(d, superseded) for d in case.decisions],
    }  # fmt: skip


def entry_body(entry: Entry, policy: Policy) -> dict[str, Any]:
    person = entry.person
    return {
        "person_id": person.id,
        "full_name": person.full_name,
        "staff_code": person.staff_code,
        "unit_id": person.unit_id,
        "unit_name": person.unit.name,
        "evidence": entry.evidence(policy),
        "case_id": entry.case.id if entry.case else None,
        "case_state": entry.case.state.value if entry.case else None,
    }
