"""The satisfaction report as tables (page, XLSX, CSV) and chart specs.

Percentages are numbers 0–100 rounded to 1 decimal (the header says "%"), so a spreadsheet
can compute with them. The privacy rule for officers lives here, once for every output:
a percentage about one officer on fewer than 30 ratings is left empty (n and the interval
stay). Any estimate on fewer than 30 answers carries the note "chưa đủ tin cậy".
"""

from __future__ import annotations

from app.analytics.charts import ChartSpec, Series, spec_from_rows
from app.analytics.intervals import DEFAULT_MIN_N, Interval
from app.analytics.satisfaction import QuestionResult, SatisfactionReport
from app.analytics.satisfaction_stats import LEVELS
from app.exports.tables import Table

UNRELIABLE = "chưa đủ tin cậy (n < 30)"
HIDDEN = "ẩn tỉ lệ: dưới 30 lượt đánh giá một công chức"
LEVEL_LABELS = ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")
FACTOR_TITLES = {
    "A": "A. Tiếp cận dịch vụ",
    "B": "B. Thủ tục hành chính",
    "C": "C. Công chức trực tiếp giải quyết",
    "D": "D. Kết quả giải quyết",
    "E": "E. Tiếp nhận, xử lý góp ý, phản ánh",
}
TABLES = ("factors", "items", "distribution", "seeds", "trend", "units", "pairs", "officers")
CHARTS = ("factors", "items", "seeds", "trend", "units")
CI = ("KTC 95 % thấp", "KTC 95 % cao")


def pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def num(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def hidden(n: int, officer: bool) -> bool:
    """True when a percentage must not be shown: about one officer, fewer than 30 ratings."""
    return officer and n < DEFAULT_MIN_N


def share_cells(ci: Interval, officer: bool = False) -> list:
    """[%, lower %, upper %] of a Wilson interval, the % left empty when ``hidden``."""
    shown = None if hidden(ci.n, officer) else pct(ci.estimate)
    return [shown, pct(ci.lower), pct(ci.upper)]


def note(n: int, officer: bool = False) -> str:
    if hidden(n, officer):
        return HIDDEN
    return UNRELIABLE if 0 < n < DEFAULT_MIN_N else ""


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _factors(r: SatisfactionReport) -> Table:
    rows = []
    officer = r.officer_level
    for f in r.factors:
        a = f.alpha
        alpha = num(a.alpha, 3) if a and a.alpha is not None else None
        remarks = [note(f.n_min, officer) if f.index is not None else ""]
        remarks.append(a.reason if a and a.alpha is None and a.reason else "")
        index = None if hidden(f.n_min, officer) else num(f.index, 1)
        rows.append(
            [
                FACTOR_TITLES.get(f.factor, f.factor),
                len(f.items),
                f.n_min,
                index,
                alpha,
                a.n if a else None,
                "; ".join(x for x in remarks if x),
            ]
        )
    overall = None if hidden(r.n, officer) else num(r.index, 1)
    rows.append(["Chỉ số chung (trung bình các yếu tố)", None, None, overall, None, None, ""])
    notes = [
        "Chỉ số yếu tố = trung bình tỉ lệ hài lòng (mức 4–5) của các câu thang 5 mức "
        "thuộc yếu tố, thang 0–100; chỉ số chung = trung bình các yếu tố có dữ liệu."
    ]
    if r.alpha_sampled:
        notes.append("Cronbach α tính trên mẫu ngẫu nhiên khoảng 5.000 phiếu.")
    columns = ["Yếu tố", "Số câu", "n nhỏ nhất", "Chỉ số (0–100)", "Cronbach α", "n (α)", "Ghi chú"]
    return Table("Chỉ số theo yếu tố", columns, rows, notes)


def _scale_results(r: SatisfactionReport) -> list[QuestionResult]:
    return [q for q in r.questions if q.scale is not None]


def _items(r: SatisfactionReport) -> Table:
    officer = r.officer_level
    rows = []
    for q in _scale_results(r):
        s = q.scale
        mean = [
            None if hidden(s.n, officer) else num(s.mean.estimate),
            num(s.mean.lower),
            num(s.mean.upper),
        ]
        rows.append(
            [
                q.question.text,
                q.question.factor or "",
                s.n,
                *share_cells(s.satisfied, officer),
                *mean,
                note(s.n, officer),
            ]
        )
    columns = ["Câu hỏi", "Yếu tố", "n", "% hài lòng", *CI, "Điểm TB (1–5)", *CI, "Ghi chú"]
    return Table("Câu hỏi thang 5 mức", columns, rows)


def _distribution(r: SatisfactionReport) -> Table:
    officer = r.officer_level
    rows = []
    for q in r.questions:
        if q.scale is not None:
            pairs = [(f"{v}. {LEVEL_LABELS[v - 1]}", q.scale.counts[v - 1]) for v in LEVELS]
        elif q.shares:
            pairs = [(label, count) for label, count, _ci in q.shares]
        else:
            continue
        for label, count in pairs:
            share = None if hidden(q.n, officer) or not q.n else pct(count / q.n)
            rows.append([q.question.text, label, count, share])
    notes = ["Câu nhiều lựa chọn: % tính trên tổng số lựa chọn được đánh dấu."]
    return Table("Phân bố câu trả lời", ["Câu hỏi", "Trả lời", "Số lượt", "%"], rows, notes)


def _seeds(r: SatisfactionReport) -> Table:
    verdicts = {"better": "tốt hơn mốc", "worse": "kém hơn mốc", "same": "chưa khác mốc"}
    rows = [
        [
            s.definition.label,
            s.share.n,
            *share_cells(s.share, r.officer_level),
            pct(s.definition.baseline),
            verdicts.get(s.verdict, ""),
            note(s.share.n, r.officer_level),
        ]
        for s in r.seeds
    ]
    notes = [
        "Mốc năm 2015: khảo sát của tỉnh Sóc Trăng (Quyết định 1354/QĐ-UBND): 21,2 % thấy "
        "công chức thờ ơ; 25 % phải bổ sung hồ sơ từ 2 lần; ít cơ quan xin lỗi khi trễ hẹn.",
        "“Tốt hơn / kém hơn mốc” chỉ khi cả khoảng tin cậy 95 % nằm dưới / trên mốc.",
    ]
    columns = ["Chỉ số", "n", "%", *CI, "Mốc 2015 (%)", "So với mốc", "Ghi chú"]
    return Table("Chỉ số của đề án (so với năm 2015)", columns, rows, notes)


def _trend(r: SatisfactionReport) -> Table:
    rows = []
    for p in r.trend:
        s = p.overall
        cells = share_cells(s.satisfied, r.officer_level) if s else [None] * 3
        index = None if hidden(p.n, r.officer_level) else num(p.index, 1)
        rows.append([p.label, p.n, *cells, index, note(s.n if s else 0, r.officer_level)])
    columns = ["Thời gian", "Số phiếu", "% hài lòng (câu chung)", *CI, "Chỉ số chung", "Ghi chú"]
    return Table("Xu hướng", columns, rows)


def _group_table(title: str, first: str, groups, officer: bool) -> Table:
    rows = [
        [
            g.label,
            g.summary.n,
            *share_cells(g.summary.satisfied, officer),
            None if hidden(g.summary.n, officer) else num(g.summary.average),
            note(g.summary.n, officer),
        ]
        for g in groups
    ]
    return Table(title, [first, "n", "% hài lòng", *CI, "Điểm TB", "Ghi chú"], rows)


def vn_number(value: float, digits: int) -> str:
    """``value`` with ``digits`` decimals and a decimal comma."""
    return f"{value:.{digits}f}".replace(".", ",")


def p_text(p: float) -> str:
    """ "= 0,0123" or "< 0,0001"."""
    return "< 0,0001" if p < 1e-4 else f"= {vn_number(p, 4)}"


def sig(value: float | None) -> float | None:
    """A p-value to 4 significant digits (tiny values stay distinguishable from 0)."""
    return None if value is None else float(f"{value:.4g}")


def _units(r: SatisfactionReport) -> Table:
    q = r.compare_question.text if r.compare_question else ""
    table = _group_table("So sánh đơn vị", "Đơn vị", r.units, r.officer_level)
    c = r.comparison
    if c is not None and c.statistic is not None:
        test = (
            f"Kruskal–Wallis H = {vn_number(c.statistic, 3)}, bậc tự do = {c.df:.0f}, "
            f"p {p_text(c.p_value)}. {c.caveat}"
        )
        table.notes = [f"Câu so sánh: {q}", test.strip()]
    else:
        table.notes = [f"Câu so sánh: {q}", r.compare_note or (c.reason if c else "")]
    return table


def _pairs(r: SatisfactionReport) -> Table:
    pairs = r.comparison.pairwise if r.comparison else ()
    rows = [
        [
            p.group_a,
            p.group_b,
            num(p.statistic, 1),
            sig(p.p_value),
            sig(p.p_holm),
            "có" if p.p_holm < 0.05 else "không",
        ]
        for p in pairs
    ]
    columns = ["Đơn vị A", "Đơn vị B", "U (Mann–Whitney)", "p", "p (Holm)", "Khác biệt (5 %)"]
    return Table("So sánh từng cặp đơn vị", columns, rows)


def _officers(r: SatisfactionReport) -> Table:
    table = _group_table("Theo công chức được đánh giá", "Công chức", r.officers, True)
    table.notes = [
        "Tỉ lệ của một công chức chỉ hiện khi có từ 30 lượt đánh giá; dưới mức đó "
        "chỉ ghi số lượt và khoảng tin cậy."
    ]
    return table


BUILDERS = {
    "factors": _factors,
    "items": _items,
    "distribution": _distribution,
    "seeds": _seeds,
    "trend": _trend,
    "units": _units,
    "pairs": _pairs,
    "officers": _officers,
}


def table_for(report: SatisfactionReport, name: str) -> Table:
    return BUILDERS[name](report)


def chart_for(report: SatisfactionReport, name: str) -> ChartSpec:
    """The chart ``name`` (one of CHARTS); hidden percentages are drawn as gaps."""
    officer = report.officer_level
    if name == "factors":
        rows = [
            (f.factor, None if f.index is None or hidden(f.n_min, officer) else f.index / 100)
            for f in report.factors
        ]
        overall = None if report.index is None or hidden(report.n, officer) else report.index
        rows.append(("Chung", None if overall is None else overall / 100))
        return spec_from_rows("bar", "Chỉ số hài lòng theo yếu tố (0–100)", rows, percent=True)
    if name == "items":
        items = _scale_results(report)
        return _interval_chart(
            "% hài lòng theo câu hỏi",
            [(short(q.question.text, 45), q.scale.satisfied) for q in items],
            officer,
        )
    if name == "units":
        rows = [(g.label, g.summary.satisfied) for g in report.units if g.summary.n]
        return _interval_chart("% hài lòng theo đơn vị", rows, officer)
    if name == "seeds":
        labels = tuple(short(s.definition.label, 40) for s in report.seeds)
        now = tuple(None if hidden(s.share.n, officer) else s.share.estimate for s in report.seeds)
        base = tuple(s.definition.baseline for s in report.seeds)
        return ChartSpec(
            "hbar",
            "Chỉ số của đề án so với năm 2015",
            labels,
            (Series("Hiện nay", now), Series("Năm 2015", base)),
            percent=True,
        )
    return _trend_chart(report)


def _interval_chart(title: str, rows: list[tuple[str, Interval]], officer: bool) -> ChartSpec:
    values = tuple(None if hidden(ci.n, officer) else ci.estimate for _l, ci in rows)
    return ChartSpec(
        "hbar",
        title,
        tuple(label for label, _ci in rows),
        (Series(title, values),),
        percent=True,
        intervals=tuple((ci.lower, ci.upper) for _l, ci in rows),
    )


def _trend_chart(report: SatisfactionReport) -> ChartSpec:
    points = report.trend
    hide = report.officer_level
    satisfied = tuple(
        None if p.overall is None or hidden(p.overall.n, hide) else p.overall.satisfied.estimate
        for p in points
    )
    index = tuple(None if p.index is None or hidden(p.n, hide) else p.index / 100 for p in points)
    return ChartSpec(
        "line",
        "Xu hướng mức độ hài lòng",
        tuple(p.label for p in points),
        (Series("% hài lòng (câu chung)", satisfied), Series("Chỉ số chung", index)),
        percent=True,
    )
