"""Period verdicts over the API: per person, the required components and the conclusion."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields

from app.access import Perm, requires
from app.api.schemas import ERRORS, BaseSchema
from app.errors import ApiError
from app.hr import queries
from app.hr.verdicts import period_verdicts

PREFIX = "/verdicts"
blp = Blueprint("api_hr", __name__, description="Kết quả đánh giá năng lực theo kỳ")


class VerdictQuery(BaseSchema):
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


@blp.route("", methods=["GET"])
@blp.arguments(VerdictQuery, location="query")
@blp.response(200, VerdictOut(many=True))
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.RESULTS_VIEW)
def list_verdicts(args):
    """The period verdict of every active person in the caller's scope (or under a unit)."""
    period = queries.period_or_current(args["period_id"])
    if period is None:
        raise ApiError(404, "not_found", "Không có kỳ đánh giá.")
    return [
        {
            "person_id": v.person.id,
            "full_name": v.person.full_name,
            "unit_id": v.person.unit_id,
            "period_id": period.id,
            "components": {k: o.value for k, o in v.components.items()},
            "missing": v.missing,
            "meets": v.meets,
        }
        for v in period_verdicts(period, queries.people_in_scope(args["unit_id"]))
    ]
