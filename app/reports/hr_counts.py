"""Section IV of the report: how many people the HR lists put forward, per the HR rules.

The counts come from ``app.hr.lists`` (commendation candidates; reassignment reviews and
the people whose results are still missing) for the latest stored assessment period that
lies within the report's range — or, when none does, the period holding its last day.
The lists are set-based: the unit's people go in as one roster (a SELECT), whatever their
number.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.exports.tables import Table
from app.hr.facts import Roster
from app.hr.lists import commendation_candidates, reassignment_reviews
from app.models import Period, Person, PersonStatus, Unit
from app.reports.model import Section
from app.reports.periods import ReportPeriod, assessment_period

TITLE = "Đề xuất khen thưởng và xem xét bố trí công việc"


def list_counts(assessment: Period, unit: Unit) -> tuple[int, int, int]:
    """(commendation candidates, reassignment reviews, results missing) within ``unit``:
    the lists of ``app.hr.lists`` over the unit's active people, as one roster."""
    roster = Roster.of_select(
        sa.select(Person.id, Unit.path)
        .join(Unit, Unit.id == Person.unit_id)
        .where(
            Person.status == PersonStatus.ACTIVE,
            Unit.path.startswith(unit.path, autoescape=True),
        )
        .order_by(Person.id)
    )
    reviews = reassignment_reviews(assessment, roster)
    commend = len(commendation_candidates(assessment, roster))
    return commend, len(reviews.entries), len(reviews.insufficient)


def hr_section(unit: Unit, period: ReportPeriod) -> Section:
    """The section with the three counts and how they were decided."""
    section = Section(TITLE)
    assessment = assessment_period(period)
    if assessment is None:
        section.blocks.append(f"Chưa có kỳ đánh giá nào trong {period.label}.")
        return section
    commend, review, missing = list_counts(assessment, unit)
    section.blocks.append(
        f"Căn cứ kết quả kỳ đánh giá {assessment.name}, phòng Tổ chức cán bộ lập danh sách "
        "theo tiêu chí đã ban hành; danh sách chi tiết kèm theo chứng cứ được quản lý trên "
        "hệ thống và có hồ sơ quyết định cho từng người."
    )
    rows = [
        ["Đề xuất khen thưởng (đạt yêu cầu năng lực từ 02 lần trở lên)", commend],
        [
            "Xem xét bố trí công việc khác (không đạt trong kỳ, hoặc mức hài lòng thấp hơn "
            "ngưỡng có ý nghĩa thống kê)",
            review,
        ],
        ["Chưa đủ kết quả để kết luận", missing],
    ]
    section.blocks.append(
        Table(f"Danh sách đề xuất kỳ {assessment.name}", ["Nội dung", "Số người"], rows)
    )
    return section
