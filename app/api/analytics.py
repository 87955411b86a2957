"""Pass rates over the API: one row per unit, topic, position, exam or period, with n and
a Wilson 95 % interval (the same counts as the /analytics/pass-rates page)."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import fields, validate

from app.access import Perm, get_in_scope_or_404, requires
from app.analytics.rates import RateFilter
from app.analytics.rates_report import PassRates, RateRow, TopicRow
from app.api.schemas import ERRORS, BaseSchema
from app.errors import ApiError
from app.extensions import db
from app.hr.queries import period_or_current
from app.models import Exam, Unit

PREFIX = "/analytics"
blp = Blueprint("api_analytics", __name__, description="Thống kê: tỉ lệ đạt kiểm tra kiến thức")
GROUPS = ("unit", "topic", "position", "exam", "period")


class PassRateQuery(BaseSchema):
    period = fields.Integer(load_default=None, metadata={"description": "default: current"})
    exam = fields.Integer(load_default=None, metadata={"description": "one exam only"})
    unit = fields.Integer(load_default=None, metadata={"description": "a unit's sub-tree"})
    group = fields.String(load_default="unit", validate=validate.OneOf(GROUPS))


class PassRateRow(BaseSchema):
    key = fields.String(metadata={"description": "unit/exam/period/topic id, or the position"})
    label = fields.String()
    depth = fields.Integer(metadata={"description": "unit rows: depth under the top row"})
    required = fields.Integer(allow_none=True, metadata={"description": "had to sit"})
    not_sat = fields.Integer(allow_none=True, metadata={"description": "required, did not sit"})
    n = fields.Integer(metadata={"description": "sat (finished); topics: attempts scored"})
    passed = fields.Integer(metadata={"description": "passed; topics: reached 50 %"})
    rate = fields.Float(allow_none=True, metadata={"description": "passed / n (0..1)"})
    ci_lower = fields.Float(allow_none=True, metadata={"description": "Wilson 95 %"})
    ci_upper = fields.Float(allow_none=True)
    mean_percent = fields.Float(allow_none=True, metadata={"description": "topics: mean 0..1"})


class PassRatesOut(BaseSchema):
    period_id = fields.Integer()
    period_name = fields.String()
    exam_id = fields.Integer(allow_none=True)
    unit_id = fields.Integer(allow_none=True)
    group = fields.String()
    baseline = fields.Float(metadata={"description": "the 2016 reference rate"})
    rows = fields.List(fields.Nested(PassRateRow))


def _rate_row(row: RateRow) -> dict:
    ci = row.counts.interval()
    return {
        "key": str(row.key), "label": row.label, "depth": row.depth,
        "required": row.counts.required, "not_sat": row.counts.not_sat,
        "n": row.counts.sat, "passed": row.counts.passed, "rate": row.counts.rate,
        "ci_lower": ci.lower, "ci_upper": ci.upper, "mean_percent": None,
    }  # fmt: skip


def _topic_row(row: TopicRow) -> dict:
    ci, cell = row.cell.interval(), row.cell
    return {
        "key": str(row.topic_id), "label": row.label, "depth": 0,
        "required": None, "not_sat": None, "n": cell.n, "passed": cell.reached,
        "rate": cell.reached / cell.n if cell.n else None,
        "ci_lower": ci.lower, "ci_upper": ci.upper, "mean_percent": cell.mean,
    }  # fmt: skip


def _rows(report: PassRates, group: str) -> list[dict]:
    if group == "topic":
        return [_topic_row(r) for r in report.topic_rows]
    rows = {
        "unit": lambda: report.unit_rows,
        "position": lambda: report.position_rows,
        "exam": lambda: report.exam_rows,
        "period": lambda: report.trend_rows,
    }[group]()
    return [_rate_row(r) for r in rows]


@blp.route("/pass-rates", methods=["GET"])
@blp.arguments(PassRateQuery, location="query")
@blp.response(200, PassRatesOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.ANALYTICS_VIEW)
def pass_rates(args):
    """Pass rates of a period (or one exam) per group, within the caller's scope.

    ``group=unit`` sums each unit's sub-tree; ``period`` is the trend over every period.
    A unit outside the caller's scope answers 404.
    """
    exam = db.session.get(Exam, args["exam"]) if args["exam"] else None
    if args["exam"] and exam is None:
        raise ApiError(404, "not_found", "Không có bài kiểm tra này.")
    period = exam.period if exam else period_or_current(args["period"])
    if period is None:
        raise ApiError(404, "not_found", "Không có kỳ đánh giá.")
    unit = None
    if args["unit"]:
        unit = get_in_scope_or_404(Unit, args["unit"], Perm.ANALYTICS_VIEW, Unit.path)
    f = RateFilter(period.id, exam.id if exam else None, unit.path if unit else None)
    return {
        "period_id": period.id, "period_name": period.name,
        "exam_id": exam.id if exam else None, "unit_id": unit.id if unit else None,
        "group": args["group"], "baseline": current_app.config["PASS_RATE_BASELINE"],
        "rows": _rows(PassRates(f, unit), args["group"]),
    }  # fmt: skip
