"""HR results of one exam, scoped by the people's units: table, summary, XLSX export, and the
re-scoring trail ("Chấm lại") left by item fixes."""

from __future__ import annotations

from flask import Response, render_template

from app.access import Perm, requires
from app.exams import bp, queries, queries_bank, results
from app.exams.forms import FINISHED_BY_LABELS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/<int:exam_id>/results")
@requires(Perm.RESULTS_VIEW)
def view_results(exam_id: int):
    exam = queries.exam_with_people_or_404(exam_id, Perm.RESULTS_VIEW)
    rows = results.result_rows(exam, Perm.RESULTS_VIEW)
    return render_template(
        "exams/results_exam.html",
        exam=exam,
        rows=rows,
        summary=results.summarise(rows),
        topics=results.topic_columns(rows),
        labels=results.status_labels(exam),
        finished_by=FINISHED_BY_LABELS,
        rescores=queries_bank.rescore_events(exam, Perm.RESULTS_VIEW),
    )


@bp.route("/<int:exam_id>/results.xlsx")
@requires(Perm.RESULTS_VIEW)
def export_results(exam_id: int):
    exam = queries.exam_with_people_or_404(exam_id, Perm.RESULTS_VIEW)
    rows = results.result_rows(exam, Perm.RESULTS_VIEW)
    data = results.export_xlsx(exam, rows, results.summarise(rows))
    name = f"ket-qua-kiem-tra-{exam.id}.xlsx"
    return Response(
        data,
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
