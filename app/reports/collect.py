"""``collect_report``: the periodic report's sections filled from the database.

I. knowledge tests of the assessment period of the range — people required, tested and
passed per unit, Wilson 95 % intervals, the 2016 baseline; II. communication assessments;
III. citizen satisfaction with the officers per unit over the range's dates and the 2015
survey's indicators against their baselines; IV. the HR lists (commendation candidates,
reassignment reviews) of the same assessment period; V. an editable closing section. A
figure resting on fewer than 30 people or ratings is marked "(*)" and explained, never
shown as if it were firm. Sections I and III are the dashboards' own figures
(``app.reports.figures``); every section shares one table shape (``_rate_table``).

The satisfaction rollups are brought up to date first, as the satisfaction page does (at
most once a minute); the caller commits.
"""

from __future__ import annotations

from flask import current_app

from app.analytics.charts import ChartSpec, Series
from app.analytics.intervals import is_reliable_n, wilson_interval
from app.analytics.satisfaction_rollup import refresh_rollups
from app.analytics.satisfaction_stats import SeedResult
from app.exports.tables import Table
from app.models import Unit, utcnow
from app.reports import figures
from app.reports.figures import Count
from app.reports.fmt import decimal, number, percent
from app.reports.hr_counts import hr_section
from app.reports.model import ReportData, Section
from app.reports.periods import ReportPeriod, assessment_period, report_period

UNRELIABLE = "(*) Dưới 30 trường hợp: ước lượng chưa đủ tin cậy, chỉ để tham khảo."


def collect_report(
    period_kind: str, year: int, number: int, unit: Unit, **header: str
) -> ReportData:
    """The report of ``unit`` (with its sub-tree) for a quarter, six months, nine months or
    a year; ``header`` sets ReportData's text fields (issuing body, number, place, signer).
    Raises ValueError for an impossible period."""
    period = report_period(period_kind, year, number)
    refresh_rollups()
    data = ReportData(
        issuing_body=header.pop("issuing_body", "") or unit.name,
        subject=f"Kết quả đánh giá năng lực và mức độ hài lòng của người dân đối với "
        f"bộ phận một cửa {period.label}",
        issued_on=header.pop("issued_on", None) or utcnow().date(),
        **{k: v for k, v in header.items() if v is not None},
    )
    data.sections = [
        _knowledge(unit, period),
        _communication(unit, period),
        _satisfaction(unit, period),
        hr_section(unit, period),
        Section("Đánh giá chung và kiến nghị", [_closing_text(unit, period)]),
    ]
    return data


def _interval_text(line: Count) -> str:
    """ "55,0 % (khoảng tin cậy 95 %: 47,1 % – 62,6 %)" for ``line.ok`` of ``line.n``."""
    ci = wilson_interval(line.ok, line.n)
    return (
        f"{percent(ci.estimate)} (khoảng tin cậy 95 %: {percent(ci.lower)} – {percent(ci.upper)})"
    )


def _rate_table(title: str, columns: list[str], lines: list[Count], total: Count,
                notes: list[str], *, mean: bool = False) -> Table:  # fmt: skip
    """Lines and total as rows (name, n, ok, rate with "(*)" below 30, Wilson interval and,
    with ``mean``, the mean); the "(*)" note is added when a row needs it."""
    rows, thin = [], False
    for line in [*lines, total]:
        ci = wilson_interval(line.ok, line.n)
        mark = "" if is_reliable_n(line.n) else " (*)"
        thin |= bool(mark)
        interval = f"{percent(ci.lower)} – {percent(ci.upper)}" if line.n else "—"
        row = [line.name, line.n, line.ok, percent(ci.estimate) + mark, interval]
        if mean:
            row.append("—" if line.mean is None else decimal(line.mean))
        rows.append(row)
    return Table(title, columns, rows, notes + ([UNRELIABLE] if thin else []))


def _rate_chart(title: str, lines: list[Count], reference: float, label: str) -> ChartSpec:
    intervals = [wilson_interval(ln.ok, ln.n) for ln in lines]
    return ChartSpec(
        kind="hbar",
        title=title,
        labels=tuple(ln.name for ln in lines),
        series=(Series(title, tuple(ci.estimate for ci in intervals)),),
        percent=True,
        reference=reference,
        reference_label=label,
        intervals=tuple((ci.lower, ci.upper) for ci in intervals),
    )


RATE_COLUMNS = ["Tỷ lệ đạt", "Khoảng tin cậy 95 %"]


def _knowledge(unit: Unit, period: ReportPeriod) -> Section:
    section = Section("Kết quả kiểm tra kiến thức, kỹ năng định kỳ")
    assessment = assessment_period(period)
    found = figures.knowledge(unit, assessment) if assessment else None
    if found is None or not found.total.n:
        section.blocks.append(f"Trong {period.label} không có bài kiểm tra nào hoàn thành.")
        return section
    baseline = current_app.config["PASS_RATE_BASELINE"]
    total = found.total
    section.blocks.append(
        f"Kỳ kiểm tra {assessment.name}: {number(found.required)} công chức, viên chức phải dự "
        f"kiểm tra kiến thức, {number(total.n)} người đã dự; {number(total.ok)} người đạt yêu "
        f"cầu, tỷ lệ {_interval_text(total)}, so với {percent(baseline)} năm 2016."
    )
    notes = [
        "Khoảng tin cậy Wilson 95 %. Tỷ lệ trên số người đã dự; người dự kiểm tra lại và "
        "đạt được tính là đạt một lần. Cùng số liệu với trang Tỷ lệ đạt của hệ thống."
    ]
    columns = ["Đơn vị", "Số người dự kiểm tra", "Số người đạt", *RATE_COLUMNS]
    section.blocks.append(
        _rate_table("Kết quả kiểm tra kiến thức theo đơn vị", columns, found.lines, total, notes)
    )
    if found.lines:
        label = f"Năm 2016: {percent(baseline)}"
        section.blocks.append(
            _rate_chart("Tỷ lệ đạt kiểm tra kiến thức", found.lines, baseline, label)
        )
    return section


def _communication(unit: Unit, period: ReportPeriod) -> Section:
    lines, total = figures.roll_up(
        unit, figures.communication_by_unit(unit, period.starts_on, period.ends_on)
    )
    section = Section("Kết quả đánh giá kỹ năng giao tiếp, ứng xử")
    if not total.n:
        section.blocks.append(f"Trong {period.label} chưa có kết quả đánh giá giao tiếp, ứng xử.")
        return section
    section.blocks.append(
        f"Đã đánh giá {number(total.n)} công chức qua quan sát trực tiếp, đóng vai hoặc khảo "
        f"sát bí mật; {number(total.ok)} người đạt yêu cầu ({percent(total.ok / total.n)})."
    )
    columns = ["Đơn vị", "Số người được đánh giá", "Số người đạt", *RATE_COLUMNS]
    title = "Kết quả đánh giá giao tiếp, ứng xử theo đơn vị"
    section.blocks.append(_rate_table(title, columns, lines, total, []))
    return section


def _satisfaction(unit: Unit, period: ReportPeriod) -> Section:
    found = figures.satisfaction(unit, period.starts_on, period.ends_on)
    lines, total = found.lines, found.total
    section = Section("Mức độ hài lòng của người dân, tổ chức")
    if not total.n:
        section.blocks.append(f"Trong {period.label} chưa có phiếu khảo sát nào.")
        return section
    threshold = current_app.config["POLICY_SATISFACTION_THRESHOLD"]
    section.blocks.append(
        f"Có {number(total.n)} lượt người dân đánh giá công chức tiếp nhận hồ sơ; "
        f"{_interval_text(total)} hài lòng hoặc rất hài lòng; điểm trung bình "
        f"{decimal(total.mean or 0)}/5."
    )
    columns = ["Đơn vị", "Số lượt đánh giá", "Số lượt hài lòng", "Tỷ lệ hài lòng",
               "Khoảng tin cậy 95 %", "Điểm trung bình (1–5)"]  # fmt: skip
    notes = [
        "Hài lòng: mức 4 hoặc 5 trên thang 5 mức. Cùng số liệu với trang Mức độ hài lòng của "
        "hệ thống (cùng khoảng ngày, không tính phiếu bị gắn cờ)."
    ]
    title = "Mức độ hài lòng với công chức tiếp nhận theo đơn vị"
    section.blocks.append(_rate_table(title, columns, lines, total, notes, mean=True))
    if lines:
        label = f"Ngưỡng: {percent(threshold)}"
        section.blocks.append(_rate_chart("Tỷ lệ người dân hài lòng", lines, threshold, label))
    section.blocks.append(_indicators(found.seeds))
    return section


def _indicators(seeds: list[SeedResult]) -> Table:
    """The 2015 survey's indicators as the satisfaction page computes them."""
    rows = []
    for seed in seeds:
        n, share = seed.share.n, seed.share.estimate
        value = percent(share) if n and share is not None else "—"
        base = seed.definition.baseline
        rows.append(
            [
                seed.definition.label,
                n,
                value + ("" if seed.reliable else " (*)"),
                percent(base) if base is not None else "—",
            ]
        )
    return Table(
        "Một số chỉ số so với khảo sát năm 2015",
        ["Chỉ số", "Số phiếu trả lời", "Tỷ lệ kỳ này", "Năm 2015"],
        rows,
        ["Năm 2015: khảo sát của tỉnh Sóc Trăng (Quyết định 1354/QĐ-UBND năm 2017)."],
    )


def _closing_text(unit: Unit, period: ReportPeriod) -> str:
    return (
        f"(Phần nhận xét, đánh giá chung về kết quả {period.label} của {unit.name} và các "
        "kiến nghị, đề xuất do đơn vị soạn thảo bổ sung.)"
    )
