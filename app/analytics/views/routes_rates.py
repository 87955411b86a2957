"""The analytics landing page and the pass-rate report: page, table downloads, charts.

Filters come from the query string (``period``, ``exam``, ``unit``); a unit outside the
caller's ANALYTICS_VIEW scope answers 404, and every count is scoped in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, current_app, render_template, request
from flask_login import current_user

from app.access import Perm, get_in_scope_or_404, requires, scope_clause
from app.analytics import chart_store
from app.analytics.rates import RateFilter
from app.analytics.rates_output import CHARTS, TABLES, chart_for, heat_class, table_for
from app.analytics.rates_report import PassRates
from app.analytics.views import bp
from app.exports.figures import chart_response
from app.exports.tables import FORMATS, table_download
from app.extensions import db
from app.hr.queries import period_or_current, periods
from app.models import Attempt, AttemptState, Exam, ExamState, Period, Person, Unit
from app.org.queries import unit_choices


@dataclass
class Selection:
    """The filters of a request, checked against the caller's scope."""

    period: Period | None = None
    exam: Exam | None = None
    unit: Unit | None = None
    args: dict[str, int] = field(default_factory=dict)  # for links that keep the filters

    @property
    def filter(self) -> RateFilter:
        return RateFilter(
            period_id=self.period.id if self.period else None,
            exam_id=self.exam.id if self.exam else None,
            unit_path=self.unit.path if self.unit else None,
        )


def selection_from_args() -> Selection:
    """Period (default: current or latest), an exam of that period (its period wins when only
    the exam is given), a unit in the caller's scope (else 404)."""
    sel = Selection()
    period_id, exam_id = request.args.get("period", type=int), request.args.get("exam", type=int)
    if exam_id:
        sel.exam = db.session.get(Exam, exam_id) or abort(404)
        if period_id and sel.exam.period_id != period_id:
            sel.exam = None  # the period was changed in the form: the exam no longer applies
    sel.period = sel.exam.period if sel.exam else period_or_current(period_id)
    if period_id and sel.period is None:
        abort(404)
    unit_id = request.args.get("unit", type=int)
    if unit_id:
        sel.unit = get_in_scope_or_404(Unit, unit_id, Perm.ANALYTICS_VIEW, Unit.path)
    for name, value in (("period", sel.period), ("exam", sel.exam), ("unit", sel.unit)):
        if value is not None:
            sel.args[name] = value.id
    return sel


def period_exams(period: Period | None) -> list[Exam]:
    if period is None:
        return []
    stmt = sa.select(Exam).where(Exam.period_id == period.id, Exam.state != ExamState.CANCELLED)
    return list(db.session.scalars(stmt.order_by(Exam.opens_at, Exam.id)))


@bp.route("/")
@requires(Perm.ANALYTICS_VIEW)
def dashboard():
    has = current_app.view_functions.__contains__
    return render_template(
        "analytics/dashboard.html",
        exams=recent_exams() if has("analytics.exam_items") else [],
        has_items=has("analytics.exam_items"),
        has_satisfaction=has("analytics.satisfaction"),
    )


def recent_exams(limit: int = 20) -> list[tuple[Exam, int]]:
    """Latest live exams with their finished attempts by people in the caller's scope."""
    finished = (
        sa.select(Attempt.exam_id, sa.func.count().label("n"))
        .join(Person, Person.id == Attempt.person_id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(Attempt.state == AttemptState.FINISHED)
        .where(scope_clause(Perm.ANALYTICS_VIEW, Unit.path))
        .group_by(Attempt.exam_id)
        .subquery()
    )
    stmt = (
        sa.select(Exam, sa.func.coalesce(finished.c.n, 0))
        .outerjoin(finished, finished.c.exam_id == Exam.id)
        .where(Exam.state != ExamState.CANCELLED)
        .order_by(Exam.opens_at.desc(), Exam.id.desc())
        .limit(limit)
    )
    return [(exam, int(n)) for exam, n in db.session.execute(stmt)]


@bp.route("/pass-rates")
@requires(Perm.ANALYTICS_VIEW)
def pass_rates():
    sel = selection_from_args()
    report = PassRates(sel.filter, sel.unit) if sel.period else None
    baseline = current_app.config["PASS_RATE_BASELINE"]
    charts, scope = {}, current_user.scope_paths(Perm.ANALYTICS_VIEW)
    if report is not None:
        for name in CHARTS:
            spec = chart_for(report, name, baseline)
            charts[name] = (spec, chart_store.remember(spec, scope))
    return render_template(
        "analytics/pass_rates.html",
        sel=sel,
        report=report,
        charts=charts,
        baseline=baseline,
        periods=periods(),
        exams=period_exams(sel.period),
        units=unit_choices(Perm.ANALYTICS_VIEW),
        heat_class=heat_class,
    )


@bp.route("/pass-rates/<name>.<fmt>")
@requires(Perm.ANALYTICS_VIEW)
def download_pass_rates(name: str, fmt: str):
    """One table as XLSX or CSV; ``all`` gives every table as sheets of one workbook."""
    if fmt not in FORMATS or name not in (*TABLES, "all") or (name == "all" and fmt != "xlsx"):
        abort(404)
    sel = selection_from_args()
    if sel.period is None:
        abort(404)
    report = PassRates(sel.filter, sel.unit)
    tables = [table_for(report, n) for n in (TABLES if name == "all" else (name,))]
    return table_download(tables, fmt, f"ti-le-dat-{name}-ky-{sel.period.id}")


@bp.route("/pass-rates/charts/<name>.<fmt>")
@requires(Perm.ANALYTICS_VIEW)
def chart_pass_rates(name: str, fmt: str):
    """The chart the page stored (key ``v``, same scope), else computed from the filters."""
    if name not in CHARTS:
        abort(404)
    spec = chart_store.recall(request.args.get("v"), current_user.scope_paths(Perm.ANALYTICS_VIEW))
    if spec is None:
        sel = selection_from_args()
        if sel.period is None:
            abort(404)
        baseline = current_app.config["PASS_RATE_BASELINE"]
        spec = chart_for(PassRates(sel.filter, sel.unit), name, baseline)
    return chart_response(spec, fmt)
