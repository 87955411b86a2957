"""Communication assessments: rounds, scoring sheets (offline-safe), round results.

``POST /sheets`` is idempotent by ``client_key``: the tablet may resend a queued draft or
submit any number of times after a lost connection and exactly one sheet is stored.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import Perm, authenticated, requires
from app.api.schemas import ERRORS, BaseSchema
from app.assessments import queries, services
from app.assessments.results import round_results
from app.errors import ApiError
from app.extensions import db
from app.models import Account, Method, SheetState

PREFIX = "/assessments"
blp = Blueprint("api_assessments", __name__, description="Đánh giá kỹ năng giao tiếp")


class RoundSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    period_id = fields.Integer()
    rubric_version_id = fields.Integer()
    unit_id = fields.Integer()
    unit_ids = fields.List(fields.Integer())
    methods = fields.List(fields.String())
    state = fields.Function(lambda r: r.state.value)


class SheetIn(BaseSchema):
    round_id = fields.Integer(required=True)
    person_id = fields.Integer(required=True)
    method = fields.String(required=True, validate=validate.OneOf([m.value for m in Method]))
    scenario = fields.String(load_default="", validate=validate.Length(0, 300))
    client_key = fields.String(required=True, validate=validate.Length(8, 64))
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    notes = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    submit = fields.Boolean(load_default=False)


class SheetOut(BaseSchema):
    id = fields.Integer()
    round_id = fields.Integer()
    person_id = fields.Integer()
    method = fields.Function(lambda s: s.method.value)
    scenario = fields.String()
    state = fields.Function(lambda s: s.state.value)
    revision = fields.Integer()
    client_key = fields.String()
    scores = fields.Dict()
    percent = fields.Float(allow_none=True)


class ResultsOut(BaseSchema):
    round_id = fields.Integer()
    officers = fields.List(fields.Dict())
    reliability = fields.Dict()


@blp.route("/rounds", methods=["GET"])
@blp.response(200, RoundSchema(many=True))
@blp.alt_response(401, schema=ERRORS["401"])
@authenticated
def list_rounds():
    """Rounds the caller manages (ASSESS_MANAGE scope) or is assigned to as an assessor."""
    return queries.visible_rounds(current_user.account_id)


@blp.route("/sheets", methods=["POST"])
@blp.arguments(SheetIn)
@blp.response(200, SheetOut)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.ASSESS)
def post_sheet(body: dict[str, Any]):
    """Save a draft (``submit`` false) or save and submit; a repeated ``client_key`` is a no-op
    on a submitted sheet and an update of the same draft otherwise."""
    me = db.session.get(Account, current_user.account_id)
    rnd = queries.assigned_round_or_404(body["round_id"], me.id)
    person = queries.person_to_score_or_404(rnd.id, me.id, body["person_id"])
    try:
        sheet = services.save_draft(
            rnd, me, person, body["method"], body["scenario"],
            client_key=body["client_key"], scores=body.get("scores") or {}, notes=body["notes"],
        )  # fmt: skip
        if body["submit"] and sheet.state is SheetState.DRAFT:
            services.submit_sheet(sheet)
    except services.AssessError as exc:
        db.session.rollback()
        raise ApiError(exc.status, exc.code, exc.message, exc.details) from exc
    db.session.commit()
    return sheet


def _estimate(analysis, form: str) -> float | None:
    return analysis.estimates[form].value if form in analysis.estimates else None


def _reliability(rnd) -> dict[str, Any]:
    rel = services.round_reliability(rnd)
    criteria = [
        {
            "key": c.key,
            **{f: _estimate(c.icc, f) for f in ("icc1_1", "icc2_1", "icc3_1")},
            "icc2_1_ci95": list(c.icc.estimates["icc2_1"].ci or []) or None,
            "krippendorff_ordinal": c.alpha.alpha,
            "reading": c.reading,
        }
        for c in rel.criteria
    ]
    return {
        "n_people": rel.n_people,
        "n_assessors": rel.n_assessors,
        "reason": rel.reason,
        "icc2_1_percent": _estimate(rel.overall, "icc2_1"),
        "criteria": criteria,
    }


@blp.route("/rounds/<int:round_id>/results", methods=["GET"])
@blp.response(200, ResultsOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.ASSESS_MANAGE)
def get_results(round_id: int):
    """Per officer: mean percentage, verdict, flagged criteria; reliability per criterion."""
    rnd = queries.managed_round_or_404(round_id)
    officers = [
        {
            "person_id": p.id,
            "full_name": p.full_name,
            "n_sheets": r.n_sheets,
            "percent": r.percent,
            "passed": r.passed,
            "flagged": r.flagged,
        }
        for p, r in round_results(rnd)
    ]
    return {"round_id": rnd.id, "officers": officers, "reliability": _reliability(rnd)}
