"""Citizen satisfaction statistics: the report page, its downloads and charts, and the
browser of free-text comments (``/analytics/satisfaction``).

Filters come from the query string (``app.analytics.satisfaction_filters``); a unit or
officer outside the caller's SURVEYS_VIEW scope answers 404 and every count is scoped in
SQL. A report view only reads: the rollups for the closed days a job has built
(``flask analytics rollups``), the raw rows for the rest (``refresh_rollups`` is called
but does no work in a request). The officer filter is a search (``officer_q``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user

from app.access import Perm, requires
from app.analytics import chart_store
from app.analytics.satisfaction import SatisfactionReport, questions_of
from app.analytics.satisfaction_filters import (
    Selection,
    counters_in_scope,
    find_officers,
    procedures_in_scope,
    report_for,
    selection_from_args,
)
from app.analytics.satisfaction_output import CHARTS, TABLES, chart_for, table_for
from app.analytics.satisfaction_rollup import refresh_rollups
from app.analytics.views import bp
from app.exports.figures import chart_response
from app.exports.tables import FORMATS, table_download
from app.extensions import db
from app.hr.queries import periods
from app.models import ChannelKind, Questionnaire, QuestionType
from app.org.queries import unit_choices
from app.surveys.queries import comments_in_scope, count_comments

PERM = Perm.SURVEYS_VIEW
COMMENTS_PER_PAGE = 50


@bp.app_template_filter("sat_cell")
def format_cell(value) -> str:
    """A table cell for the page: "—" for empty, Vietnamese decimal comma and thousands dot."""
    if value is None or value == "":
        return "—" if value is None else ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int) or (abs(value) >= 1000 and value == round(value)):
        return f"{round(value):,}".replace(",", ".")
    if abs(value) >= 1000:
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{value:.6g}".replace(".", ",")  # already rounded by the table


def _report(sel: Selection) -> SatisfactionReport:
    refresh_rollups()
    db.session.commit()  # the rollup refresh is this request's only write
    return report_for(sel)


def _choices() -> dict:
    """The options of the filter form, all within the caller's scope."""
    return {
        "questionnaires": list(
            db.session.scalars(sa.select(Questionnaire).order_by(Questionnaire.id))
        ),
        "periods": periods(),
        "units": unit_choices(PERM),
        "counters": counters_in_scope(),
        "officer_q": request.args.get("officer_q", "").strip()[:100],
        "officers": find_officers(request.args.get("officer_q", "")),
        "procedures": procedures_in_scope(),
        "channels": list(ChannelKind),
    }


@bp.route("/satisfaction")
@requires(PERM)
def satisfaction():
    """The report: n, factors, questions, seed indicators, trend, units, officers."""
    sel = selection_from_args(request.args)
    report = _report(sel)
    scope = current_user.scope_paths(PERM)
    charts = {}
    for name in CHARTS:
        spec = chart_for(report, name)
        charts[name] = (spec, chart_store.remember(spec, scope))
    tables = {name: table_for(report, name) for name in TABLES}
    return render_template(
        "analytics/satisfaction.html",
        sel=sel,
        report=report,
        tables=tables,
        charts=charts,
        choices=_choices(),
    )


@bp.route("/satisfaction/<name>.<fmt>")
@requires(PERM)
def download_satisfaction(name: str, fmt: str):
    """One table as XLSX or CSV; ``all`` gives every table as sheets of one workbook."""
    if fmt not in FORMATS or name not in (*TABLES, "all") or (name == "all" and fmt != "xlsx"):
        abort(404)
    report = _report(selection_from_args(request.args))
    tables = [table_for(report, n) for n in (TABLES if name == "all" else (name,))]
    return table_download(tables, fmt, f"hai-long-{name}")


@bp.route("/satisfaction/charts/<name>.<fmt>")
@requires(PERM)
def chart_satisfaction(name: str, fmt: str):
    """The chart the page stored (key ``v``, same scope), else computed from the filters."""
    if name not in CHARTS:
        abort(404)
    spec = chart_store.recall(request.args.get("v"), current_user.scope_paths(PERM))
    if spec is None:
        spec = chart_for(_report(selection_from_args(request.args)), name)
    return chart_response(spec, fmt)


@bp.route("/satisfaction/comments")
@requires(PERM)
def satisfaction_comments():
    """Free-text answers in scope, filtered and searched (diacritics ignored), 50 a page."""
    sel = selection_from_args(request.args)
    texts = [
        q
        for q in (questions_of(sel.questionnaire.id) if sel.questionnaire else [])
        if q.qtype is QuestionType.TEXT
    ]
    question = next((q for q in texts if q.key == request.args.get("question")), None)
    search = request.args.get("q", "")[:200]
    page = max(1, min(request.args.get("page", 1, type=int), 10_000))
    ids = question.ids if question else None
    total = count_comments(sel.filter, question_ids=ids, search=search)
    rows = comments_in_scope(
        sel.filter,
        question_ids=ids,
        search=search,
        limit=COMMENTS_PER_PAGE,
        offset=(page - 1) * COMMENTS_PER_PAGE,
    )
    link_args = dict(sel.args, **({"question": question.key} if question else {}))
    link_args.update({"q": search} if search else {})
    return render_template(
        "analytics/satisfaction_comments.html",
        sel=sel,
        link_args=link_args,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // COMMENTS_PER_PAGE)),
        texts=texts,
        question=question,
        search=search,
        choices=_choices(),
    )
