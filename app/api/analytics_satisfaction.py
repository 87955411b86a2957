"""Citizen satisfaction statistics over the API: the numbers of /analytics/satisfaction.

``GET /api/v1/analytics/satisfaction`` takes the page's filters and answers n, every
question's distribution and estimates, the SIPAS index per factor with Cronbach's alpha,
the seed indicators against their 2015 baselines, the trend, the unit comparison
(Kruskal–Wallis, pairwise Mann–Whitney with Holm) and the per-officer rows. Percentages
are fractions 0..1; an officer's share on fewer than 30 ratings is null (``hidden``).
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.access import Perm, requires
from app.analytics.intervals import Interval
from app.analytics.satisfaction import SatisfactionReport
from app.analytics.satisfaction_filters import make_selection, report_for
from app.analytics.satisfaction_output import hidden
from app.analytics.satisfaction_rollup import refresh_rollups
from app.api.schemas import ERRORS, BaseSchema
from app.extensions import db
from app.models import ChannelKind

PREFIX = "/analytics"
blp = Blueprint(
    "api_analytics_satisfaction", __name__, description="Thống kê: mức độ hài lòng của người dân"
)


class SatisfactionQuery(BaseSchema):
    questionnaire = fields.Integer(load_default=None)
    period = fields.Integer(load_default=None, metadata={"description": "its dates"})
    from_ = fields.Date(load_default=None, data_key="from")
    to = fields.Date(load_default=None)
    unit = fields.Integer(load_default=None, metadata={"description": "with its sub-tree"})
    counter = fields.String(load_default="", validate=validate.Length(max=60))
    officer = fields.Integer(load_default=None, metadata={"description": "person rated"})
    procedure = fields.String(load_default="", validate=validate.Length(max=300))
    channel = fields.String(
        load_default="", validate=validate.OneOf(["", *(k.value for k in ChannelKind)])
    )
    verified = fields.Boolean(load_default=False, metadata={"description": "dossier codes only"})
    trend = fields.String(load_default="month", validate=validate.OneOf(["month", "period"]))


class SatisfactionIntervalOut(Schema):
    estimate = fields.Float(allow_none=True)
    lower = fields.Float(allow_none=True, metadata={"description": "95 %"})
    upper = fields.Float(allow_none=True)
    n = fields.Integer()
    reliable = fields.Boolean(metadata={"description": "n >= 30"})
    hidden = fields.Boolean(metadata={"description": "an officer's share on n < 30"})


class SatisfactionQuestionOut(Schema):
    key = fields.String()
    text = fields.String()
    type = fields.String()
    factor = fields.String()
    n = fields.Integer()
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    satisfied = fields.Nested(
        SatisfactionIntervalOut, allow_none=True, metadata={"description": "4–5"}
    )
    mean = fields.Nested(SatisfactionIntervalOut, allow_none=True)


class SatisfactionFactorOut(Schema):
    factor = fields.String()
    items = fields.List(fields.String())
    index = fields.Float(allow_none=True, metadata={"description": "0..100"})
    n_min = fields.Integer()
    alpha = fields.Float(allow_none=True)
    alpha_n = fields.Integer(allow_none=True)
    reliable = fields.Boolean()


class SatisfactionSeedOut(Schema):
    key = fields.String()
    label = fields.String()
    share = fields.Nested(SatisfactionIntervalOut)
    baseline = fields.Float(allow_none=True)
    verdict = fields.String(metadata={"description": "better / worse / same / ''"})


class SatisfactionTrendOut(Schema):
    label = fields.String()
    n = fields.Integer()
    satisfied = fields.Nested(SatisfactionIntervalOut, allow_none=True)
    index = fields.Float(allow_none=True)


class SatisfactionGroupOut(Schema):
    id = fields.Integer(allow_none=True)
    label = fields.String()
    satisfied = fields.Nested(SatisfactionIntervalOut)
    mean = fields.Float(allow_none=True)


class SatisfactionPairOut(Schema):
    a = fields.String()
    b = fields.String()
    u = fields.Float()
    p = fields.Float()
    p_holm = fields.Float()


class SatisfactionComparisonOut(Schema):
    question = fields.String(allow_none=True)
    statistic = fields.Float(allow_none=True, metadata={"description": "Kruskal–Wallis H"})
    df = fields.Float(allow_none=True)
    p_value = fields.Float(allow_none=True)
    note = fields.String()
    pairs = fields.List(fields.Nested(SatisfactionPairOut))


class SatisfactionOut(Schema):
    n = fields.Integer()
    index = fields.Float(allow_none=True)
    questions = fields.List(fields.Nested(SatisfactionQuestionOut))
    factors = fields.List(fields.Nested(SatisfactionFactorOut))
    seeds = fields.List(fields.Nested(SatisfactionSeedOut))
    trend = fields.List(fields.Nested(SatisfactionTrendOut))
    units = fields.List(fields.Nested(SatisfactionGroupOut))
    comparison = fields.Nested(SatisfactionComparisonOut)
    officers = fields.List(fields.Nested(SatisfactionGroupOut))


def _interval(ci: Interval | None, officer: bool = False) -> dict | None:
    if ci is None:
        return None
    hide = hidden(ci.n, officer)
    return {
        "estimate": None if hide else ci.estimate, "lower": ci.lower, "upper": ci.upper,
        "n": ci.n, "reliable": ci.n >= 30, "hidden": hide,
    }  # fmt: skip


def _question(q, officer: bool) -> dict:
    scale = q.scale
    return {
        "key": q.question.key, "text": q.question.text, "type": q.question.qtype.value,
        "factor": q.question.factor, "n": q.n,
        "counts": {str(k): v for k, v in q.counts.items()},
        "satisfied": _interval(scale.satisfied, officer) if scale else None,
        "mean": _interval(q.mean, officer),
    }  # fmt: skip


def _group(g, officer: bool) -> dict:
    mean = None if hidden(g.summary.n, officer) else g.summary.average
    return {"id": g.key, "label": g.label, "satisfied": _interval(g.summary.satisfied, officer),
            "mean": mean}  # fmt: skip


def _comparison(r: SatisfactionReport) -> dict:
    c = r.comparison
    pairs = [
        {"a": p.group_a, "b": p.group_b, "u": p.statistic, "p": p.p_value, "p_holm": p.p_holm}
        for p in (c.pairwise if c else ())
    ]
    return {
        "question": r.compare_question.key if r.compare_question else None,
        "statistic": c.statistic if c else None, "df": c.df if c else None,
        "p_value": c.p_value if c else None,
        "note": r.compare_note or (c.reason or c.caveat if c else ""), "pairs": pairs,
    }  # fmt: skip


def report_body(r: SatisfactionReport) -> dict:
    """The report as the JSON the schema documents (officer privacy applied)."""
    officer = r.officer_level
    hide_index = hidden(r.n, officer)
    return {
        "n": r.n,
        "index": None if hide_index else r.index,
        "questions": [_question(q, officer) for q in r.questions],
        "factors": [
            {"factor": f.factor, "items": list(f.items), "n_min": f.n_min,
             "index": None if hidden(f.n_min, officer) else f.index, "reliable": f.reliable,
             "alpha": f.alpha.alpha if f.alpha else None, "alpha_n": f.alpha.n if f.alpha else None}
            for f in r.factors
        ],
        "seeds": [
            {"key": s.definition.key, "label": s.definition.label,
             "share": _interval(s.share, officer), "baseline": s.definition.baseline,
             "verdict": s.verdict}
            for s in r.seeds
        ],
        "trend": [
            {"label": p.label, "n": p.n, "index": None if hidden(p.n, officer) else p.index,
             "satisfied": _interval(p.overall.satisfied, officer) if p.overall else None}
            for p in r.trend
        ],
        "units": [_group(g, officer) for g in r.units],
        "comparison": _comparison(r),
        "officers": [_group(g, True) for g in r.officers],
    }  # fmt: skip


@blp.route("/satisfaction", methods=["GET"])
@blp.arguments(SatisfactionQuery, location="query")
@blp.response(200, SatisfactionOut)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.SURVEYS_VIEW)
def satisfaction(args):
    """Satisfaction statistics within the caller's scope, with the page's filters.

    A unit or officer outside the caller's scope answers 404.
    """
    sel = make_selection(
        questionnaire_id=args["questionnaire"], period_id=args["period"],
        start=args["from_"], end=args["to"], unit_id=args["unit"], counter=args["counter"],
        officer_id=args["officer"], procedure=args["procedure"], channel=args["channel"],
        verified=args["verified"], trend=args["trend"],
    )  # fmt: skip
    refresh_rollups()
    db.session.commit()  # the rollup refresh is this request's only write
    return report_body(report_for(sel))
