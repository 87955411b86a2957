"""``collect_report``: the periodic report's sections filled from the database.

I. knowledge tests — people tested and passed per unit, Wilson 95 % intervals, the 2016
baseline; II. communication assessments; III. citizen satisfaction with the officers per
unit and the 2015 survey's indicators against their baselines; IV. the HR lists
(commendation candidates, reassignment reviews) of the latest assessment period in the
range; V. an editable closing section. A figure resting on fewer than 30 people or
ratings is marked "(*)" and explained, never shown as if it were firm.
"""

from __future__ import annotations

from flask import current_app

from app.analytics.charts import ChartSpec, Series
from app.analytics.intervals import is_reliable_n, wilson_interval
from app.exports.tables import Table
from app.models import Unit, utcnow
from app.reports import figures
from app.reports.figures import Count
from app.reports.fmt import decimal, number, percent
from app.reports.hr_counts import hr_section
from app.reports.model import ReportData, Section
from app.reports.periods import ReportPeriod, report_period

UNRELIABLE = "(*) Dưới 30 trường hợp: ước lượng chưa đủ tin cậy, chỉ để tham khảo."
BASELINES = {"indifferent": 0.212, "supplemented": 0.25}  # Sóc Trăng survey, 2015 (seed 000)


def collect_report(
    period_kind: str, year: int, number: int, unit: Unit, **header: str
) -> ReportData:
    """The report of ``unit`` (with its sub-tree) for a quarter, six months, nine months or
    a year; ``header`` sets ReportData's text fields (issuing body, number, place, signer).
    Raises ValueError for an impossible period."""
    period = report_period(period_kind, year, number)
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


def _rate_rows(lines: list[Count], total: Count) -> tuple[list[list[str]], bool]:
    rows, thin = [], False
    for line in [*lines, total]:
        ci = wilson_interval(line.ok, line.n)
        mark = "" if is_reliable_n(line.n) else " (*)"
        thin |= bool(mark)
        interval = f"{percent(ci.lower)} – {percent(ci.upper)}" if line.n else "—"
        rows.append([line.name, line.n, line.ok, percent(ci.estimate) + mark, interval])
    return rows, thin


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


def _knowledge(unit: Unit, period: ReportPeriod) -> Section:
    lines, total = figures.roll_up(
        unit, figures.knowledge_by_unit(unit, period.starts_on, period.ends_on)
    )
    section = Section("Kết quả kiểm tra kiến thức, kỹ năng định kỳ")
    if not total.n:
        section.blocks.append(f"Trong {period.label} không có bài kiểm tra nào hoàn thành.")
        return section
    baseline = current_app.config["PASS_RATE_BASELINE"]
    ci = wilson_interval(total.ok, total.n)
    section.blocks.append(
        f"Trong {period.label}, {number(total.n)} công chức, viên chức đã dự kiểm tra kiến "
        f"thức; {number(total.ok)} người đạt yêu cầu, tỷ lệ {percent(ci.estimate)} (khoảng tin"
        f" cậy 95 %: {percent(ci.lower)} – {percent(ci.upper)}), so với {percent(baseline)} "
        "năm 2016."
    )
    rows, thin = _rate_rows(lines, total)
    columns = ["Đơn vị", "Số người dự kiểm tra", "Số người đạt", "Tỷ lệ đạt", "Khoảng tin cậy 95 %"]
    notes = ["Khoảng tin cậy Wilson 95 %. Người dự kiểm tra lại và đạt được tính là đạt."]
    section.blocks.append(
        Table(
            "Kết quả kiểm tra kiến thức theo đơn vị",
            columns,
            rows,
            notes + ([UNRELIABLE] if thin else []),
        )
    )
    if lines:
        section.blocks.append(
            _rate_chart(
                "Tỷ lệ đạt kiểm tra kiến thức", lines, baseline, f"Năm 2016: {percent(baseline)}"
            )
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
    rows, thin = _rate_rows(lines, total)
    columns = [
        "Đơn vị",
        "Số người được đánh giá",
        "Số người đạt",
        "Tỷ lệ đạt",
        "Khoảng tin cậy 95 %",
    ]
    section.blocks.append(
        Table(
            "Kết quả đánh giá giao tiếp, ứng xử theo đơn vị",
            columns,
            rows,
            [UNRELIABLE] if thin else [],
        )
    )
    return section


def _satisfaction(unit: Unit, period: ReportPeriod) -> Section:
    lines, total = figures.roll_up(
        unit, figures.satisfaction_by_unit(unit, period.starts_on, period.ends_on)
    )
    section = Section("Mức độ hài lòng của người dân, tổ chức")
    if not total.n:
        section.blocks.append(f"Trong {period.label} chưa có phiếu khảo sát nào.")
        return section
    threshold = current_app.config["POLICY_SATISFACTION_THRESHOLD"]
    ci = wilson_interval(total.ok, total.n)
    section.blocks.append(
        f"Có {number(total.n)} lượt người dân đánh giá công chức tiếp nhận hồ sơ; "
        f"{percent(ci.estimate)} hài lòng hoặc rất hài lòng (khoảng tin cậy 95 %: "
        f"{percent(ci.lower)} – {percent(ci.upper)}); điểm trung bình "
        f"{decimal(total.mean or 0)}/5."
    )
    rows, thin = _rate_rows(lines, total)
    for row, line in zip(rows, [*lines, total], strict=True):
        row.append("—" if line.mean is None else decimal(line.mean))
    columns = [
        "Đơn vị",
        "Số lượt đánh giá",
        "Số lượt hài lòng",
        "Tỷ lệ hài lòng",
        "Khoảng tin cậy 95 %",
        "Điểm trung bình (1–5)",
    ]
    section.blocks.append(
        Table(
            "Mức độ hài lòng với công chức tiếp nhận theo đơn vị",
            columns,
            rows,
            ["Hài lòng: mức 4 hoặc 5 trên thang 5 mức."] + ([UNRELIABLE] if thin else []),
        )
    )
    if lines:
        section.blocks.append(
            _rate_chart(
                "Tỷ lệ người dân hài lòng", lines, threshold, f"Ngưỡng: {percent(threshold)}"
            )
        )
    section.blocks.append(_indicators(unit, period))
    return section


def _indicators(unit: Unit, period: ReportPeriod) -> Table:
    found = figures.seed_indicators(unit, period.starts_on, period.ends_on)
    labels = {
        "indifferent": "Công chức thờ ơ, không quan tâm",
        "supplemented": "Phải bổ sung hồ sơ từ 2 lần trở lên",
        "late_no_apology": "Trễ hẹn mà không nhận được văn bản xin lỗi",
    }
    rows = []
    for key, label in labels.items():
        ok, n = found[key]
        value = percent(ok / n) if n else "—"
        rows.append(
            [
                label,
                n,
                value + ("" if is_reliable_n(n) else " (*)"),
                percent(BASELINES[key]) if key in BASELINES else "—",
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
