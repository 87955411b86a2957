"""The pass-rate report as downloadable tables and charts (one of each per section).

Percentages are numbers 0–100 with one decimal (numbers stay numbers in XLSX); a rate
whose n is below 30 carries a note that the estimate is unreliable.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from app.analytics.charts import ChartSpec, Series
from app.analytics.intervals import is_reliable_n
from app.analytics.rates import Counts
from app.analytics.rates_report import PassRates, RateRow, TopicRow
from app.analytics.topic_rates import TOPIC_THRESHOLD, TopicCell
from app.exports.tables import Table

TABLES = ("summary", "trend", "units", "groups", "positions", "exams", "topics", "weakness")
CHARTS = ("trend", "groups", "positions", "exams", "topics", "weakness")
CHART_GROUPS = 5  # groups drawn in the weakness chart (the weakest); the table has all


def percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def heat_class(mean: float | None) -> str:
    """CSS class of a weakness-map cell (``analytics-rates.css``); the number is shown too."""
    if mean is None:
        return "heat-none"
    if mean < 0.5:
        return "heat-low"
    if mean < 0.65:
        return "heat-mid"
    return "heat-ok" if mean < 0.8 else "heat-high"


def rate_columns(first: str) -> list[str]:
    return [
        first,
        _("Phải dự thi"),
        _("Đã thi (n)"),
        _("Đạt"),
        _("Tỉ lệ đạt (%)"),
        _("KTC 95 % cận dưới (%)"),
        _("KTC 95 % cận trên (%)"),
        _("Không dự thi"),
        _("Ghi chú"),
    ]


def reliability_note(n: int) -> str:
    if n == 0:
        return _("Chưa ai thi")
    return "" if is_reliable_n(n) else _("n < 30: ước lượng kém tin cậy")


def rate_cells(counts: Counts) -> list:
    interval = counts.interval()
    return [
        counts.required,
        counts.sat,
        counts.passed,
        percent(counts.rate),
        percent(interval.lower),
        percent(interval.upper),
        counts.not_sat,
        reliability_note(counts.sat),
    ]


def definition_notes() -> list[str]:
    return [
        _("Tỉ lệ đạt = số người đạt / số người đã thi (đã nộp bài); người phải dự thi mà "
          "không thi được ghi riêng, không tính là không đạt."),
        _("Khoảng tin cậy 95 % theo phương pháp Wilson."),
        _("Người thi lại và đạt được tính là đạt trong kỳ (mỗi người tính một lần)."),
    ]  # fmt: skip


def _rate_table(title: str, first: str, rows: Sequence[RateRow], indent: bool = False) -> Table:
    body = [["— " * r.depth + r.label if indent else r.label, *rate_cells(r.counts)] for r in rows]
    return Table(title, rate_columns(first), body, notes=definition_notes())


def topic_columns() -> list[str]:
    return [
        _("Chủ đề"),
        _("Số bài (n)"),
        _("Điểm trung bình (%)"),
        _("Số người đạt ≥ 50 %"),
        _("Tỉ lệ ≥ 50 % (%)"),
        _("KTC 95 % cận dưới (%)"),
        _("KTC 95 % cận trên (%)"),
        _("Ghi chú"),
    ]


def topic_cells_row(cell: TopicCell) -> list:
    interval = cell.interval()
    share = cell.reached / cell.n if cell.n else None
    return [cell.n, percent(cell.mean), cell.reached, percent(share), percent(interval.lower),
            percent(interval.upper), reliability_note(cell.n)]  # fmt: skip


def topic_notes() -> list[str]:
    return [
        _("Chưa có quy định về mức đạt của từng chủ đề: bảng nêu điểm trung bình của chủ đề "
          "và tỉ lệ người đạt từ %(t)s %% số điểm của chủ đề trở lên.",
          t=int(TOPIC_THRESHOLD * 100)),
        _("Tính trên lần thi đầu (không tính bài thi lại), trừ khi chọn một bài kiểm tra; "
          "kết quả thi giấy chỉ có tổng điểm thì không có điểm theo chủ đề."),
    ]  # fmt: skip


def weakness_table(report: PassRates) -> Table:
    topics = report.topic_rows
    columns = [_("Đơn vị"), _("Số bài (n)"), *[t.label for t in topics], _("Chung")]
    body = [
        [row.group.label, row.attempts,
         *[percent(row.cells[t.topic_id].mean) if t.topic_id in row.cells else None
           for t in topics],
         percent(row.overall.mean)]
        for row in report.weakness_rows
    ]  # fmt: skip
    notes = [_("Ô là điểm trung bình (%) của chủ đề; đơn vị và chủ đề yếu nhất xếp trước; "
               "cột Chung là trung bình của mọi điểm chủ đề trong đơn vị."),
             *topic_notes()]  # fmt: skip
    return Table(_("Bản đồ chủ đề yếu"), columns, body, notes=notes)


def comparison_notes(report: PassRates) -> list[str]:
    """The test of the unit comparison, as lines under the table."""
    result = report.comparison
    if result.statistic is None:
        return [_("Kiểm định chi bình phương: không tính được (%(r)s).", r=result.reason)]
    lines = [
        _(
            "Kiểm định chi bình phương (Pearson): χ² = %(x).3f; bậc tự do = %(df)d; p = %(p).4f.",
            x=result.statistic,
            df=int(result.df or 0),
            p=result.p_value,
        )
    ]
    if result.fisher_p_value is not None:
        lines.append(_("Kiểm định chính xác Fisher: p = %(p).4f.", p=result.fisher_p_value))
    if result.caveat:
        lines.append(_("Lưu ý: %(c)s", c=result.caveat))
    return lines  # fmt: skip


def table_for(report: PassRates, name: str) -> Table:
    """The table of one section (``TABLES``); KeyError for an unknown name."""
    if name == "summary":
        row = RateRow("total", _("Toàn bộ phạm vi đã chọn"), report.total)
        return _rate_table(_("Tỉ lệ đạt chung"), _("Phạm vi"), [row])
    if name == "topics":
        body = [[r.label, *topic_cells_row(r.cell)] for r in report.topic_rows]
        return Table(_("Kết quả theo chủ đề"), topic_columns(), body, notes=topic_notes())
    if name == "weakness":
        return weakness_table(report)
    if name == "groups":
        table = _rate_table(_("So sánh đơn vị"), _("Đơn vị"), report.group_rows)
        table.notes = [*comparison_notes(report), *table.notes]
        return table
    title, first, rows = {
        "trend": (_("Tỉ lệ đạt qua các kỳ"), _("Kỳ"), lambda: report.trend_rows),
        "units": (_("Tỉ lệ đạt theo đơn vị"), _("Đơn vị (gồm đơn vị cấp dưới)"),
                  lambda: report.unit_rows),
        "positions": (_("Tỉ lệ đạt theo vị trí"), _("Vị trí việc làm"),
                      lambda: report.position_rows),
        "exams": (_("Tỉ lệ đạt theo bài kiểm tra"), _("Bài kiểm tra"), lambda: report.exam_rows),
    }[name]  # fmt: skip
    return _rate_table(title, first, rows(), indent=name == "units")


def _short(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _rate_chart(kind: str, title: str, rows: Sequence[RateRow], baseline: float) -> ChartSpec:
    intervals = tuple((r.counts.interval().lower, r.counts.interval().upper) for r in rows)
    return ChartSpec(
        kind=kind,
        title=title,
        labels=tuple(_short(r.label) for r in rows),
        series=(Series(_("Tỉ lệ đạt"), tuple(r.counts.rate for r in rows)),),
        value_label=_("Tỉ lệ đạt (%)"),
        percent=True,
        reference=baseline,
        reference_label=_("Mốc năm 2016: %(p)s %%", p=round(baseline * 100)),
        intervals=intervals,
    )


def _topic_chart(rows: Sequence[TopicRow]) -> ChartSpec:
    return ChartSpec(
        kind="hbar",
        title=_("Điểm trung bình theo chủ đề"),
        labels=tuple(_short(r.label) for r in rows),
        series=(Series(_("Điểm trung bình"), tuple(r.cell.mean for r in rows)),),
        value_label=_("Điểm trung bình (%)"),
        percent=True,
        reference=TOPIC_THRESHOLD,
        reference_label=_("Mức 50 %"),
    )


def _weakness_chart(report: PassRates) -> ChartSpec:
    topics = report.topic_rows
    groups = report.weakness_rows[:CHART_GROUPS]
    series = tuple(
        Series(_short(g.group.label, 30),
               tuple(g.cells[t.topic_id].mean if t.topic_id in g.cells else None for t in topics))
        for g in groups
    )  # fmt: skip
    return ChartSpec(
        kind="hbar",
        title=_("Chủ đề yếu: %(n)s đơn vị có điểm thấp nhất", n=len(groups)),
        labels=tuple(_short(t.label) for t in topics),
        series=series or (Series("—", tuple(None for _t in topics)),),
        value_label=_("Điểm trung bình (%)"),
        percent=True,
    )


def chart_for(report: PassRates, name: str, baseline: float) -> ChartSpec:
    """The chart of one section (``CHARTS``); KeyError for an unknown name."""
    if name == "topics":
        return _topic_chart(report.topic_rows)
    if name == "weakness":
        return _weakness_chart(report)
    kind, title, rows = {
        "trend": ("line", _("Tỉ lệ đạt qua các kỳ"), lambda: report.trend_rows),
        "groups": ("hbar", _("Tỉ lệ đạt theo đơn vị"), lambda: report.group_rows),
        "positions": ("hbar", _("Tỉ lệ đạt theo vị trí việc làm"), lambda: report.position_rows),
        "exams": ("hbar", _("Tỉ lệ đạt theo bài kiểm tra"), lambda: report.exam_rows),
    }[name]
    return _rate_chart(kind, title, rows(), baseline)
