"""Item analysis pages: one exam's report, one question across exams, downloads and chart.

Reports come from the cache (``app.analytics.item_cache``): a view recomputes only when the
exam's or question's attempts changed since the cached row, and commits that row.
"""

from __future__ import annotations

from flask import abort, render_template, request

from app.access import Perm, requires
from app.analytics import item_cache, item_scope, item_tables
from app.analytics.views import bp
from app.bank import queries as bank_queries
from app.exports.figures import chart_response
from app.exports.tables import FORMATS, table_download
from app.extensions import db


@bp.route("/exams")
@requires(Perm.ANALYTICS_VIEW)
def list_item_reports():
    return render_template("analytics/list_item_reports.html", rows=item_scope.visible_exams())


def _exam_report(exam_id: int):
    exam = item_scope.exam_or_404(exam_id)
    cached = item_cache.exam_report(exam.id)
    db.session.commit()
    return exam, cached


@bp.route("/exams/<int:exam_id>/items")
@requires(Perm.ANALYTICS_VIEW)
def view_exam_items(exam_id: int):
    exam, cached = _exam_report(exam_id)
    report = cached.payload
    return render_template(
        "analytics/view_exam_items.html",
        exam=exam,
        cached=cached,
        report=report,
        show_keys=item_scope.can_see_keys(exam),
        chart=item_tables.exam_chart(exam.title, report),
        tables=item_tables,
    )


@bp.route("/exams/<int:exam_id>/items.<fmt>")
@requires(Perm.ANALYTICS_VIEW)
def export_exam_items(exam_id: int, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    exam, cached = _exam_report(exam_id)
    tables = item_tables.exam_tables(cached.payload, item_scope.can_see_keys(exam))
    return _download(tables, fmt, f"phan-tich-cau-hoi-bai-{exam.id}")


def _download(tables: dict, fmt: str, stem: str):
    """XLSX: every table; CSV: the one named by ``?table=`` (the first by default)."""
    if fmt == "csv":
        name = request.args.get("table") or next(iter(tables))
        if name not in tables:
            abort(404)
        return table_download([tables[name]], fmt, f"{stem}-{name}")
    return table_download(list(tables.values()), fmt, stem)


@bp.route("/exams/<int:exam_id>/items-chart.<fmt>")
@requires(Perm.ANALYTICS_VIEW)
def exam_items_chart(exam_id: int, fmt: str):
    exam, cached = _exam_report(exam_id)
    return chart_response(item_tables.exam_chart(exam.title, cached.payload), fmt)


def _question_report(question_id: int):
    question = bank_queries.question_or_404(question_id)
    cached = item_cache.question_report(question.id)
    db.session.commit()
    return question, cached


@bp.route("/questions/<int:question_id>")
@requires(Perm.BANK_VIEW)
def view_question_items(question_id: int):
    question, cached = _question_report(question_id)
    exam_ids = [e["exam_id"] for e in cached.payload.get("exams", [])]
    return render_template(
        "analytics/view_question_items.html",
        question=question,
        cached=cached,
        report=cached.payload,
        linked=item_scope.visible_exam_ids(exam_ids),
        tables=item_tables,
    )


@bp.route("/questions/<int:question_id>/stats.<fmt>")
@requires(Perm.BANK_VIEW)
def export_question_items(question_id: int, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    question, cached = _question_report(question_id)
    tables = item_tables.question_tables(cached.payload)
    return _download(tables, fmt, f"thong-ke-cau-hoi-{question.id}")
