"""Reporting periods of the periodic report: a quarter, six months, nine months, a year.

Seed 000 asks the province for these four reports. Six months ``number`` 1 is January to
June, 2 is July to December; nine months always runs January to September.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Period
from app.reports.fmt import roman

KINDS = ("quarter", "half", "nine_months", "year")


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    year: int
    number: int
    starts_on: date
    ends_on: date

    @property
    def label(self) -> str:
        """The Vietnamese name used in the subject line: "6 tháng đầu năm 2026"."""
        if self.kind == "quarter":
            return f"quý {roman(self.number)} năm {self.year}"
        if self.kind == "half":
            return f"6 tháng {'đầu' if self.number == 1 else 'cuối'} năm {self.year}"
        if self.kind == "nine_months":
            return f"9 tháng đầu năm {self.year}"
        return f"năm {self.year}"


def report_period(kind: str, year: int, number: int = 1) -> ReportPeriod:
    """The dates of a report period; ValueError (a Vietnamese message) for an unknown kind,
    a year out of range or a number the kind does not have."""
    if kind not in KINDS:
        raise ValueError(_l("Kỳ báo cáo không hợp lệ: %(kind)r.", kind=kind))
    if not 1900 < year < 3000:
        raise ValueError(_l("Năm %(year)s không hợp lệ.", year=year))
    limits = {"quarter": 4, "half": 2}
    if not 1 <= number <= limits.get(kind, 1):
        raise ValueError(
            _l("Kỳ báo cáo này chỉ có số thứ tự từ 1 đến %(limit)s.", limit=limits.get(kind, 1))
        )
    if kind == "quarter":
        months = (3 * number - 2, 3 * number)
    elif kind == "half":
        months = (1, 6) if number == 1 else (7, 12)
    else:
        months = (1, 9) if kind == "nine_months" else (1, 12)
    return ReportPeriod(kind, year, number, date(year, months[0], 1), _month_end(year, months[1]))


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def assessment_period(period: ReportPeriod) -> Period | None:
    """The assessment period the report's knowledge figures and HR lists come from: the
    latest stored period lying within the report's range, else the one holding its last
    day (None when there is neither)."""
    inside = db.session.scalar(
        sa.select(Period)
        .where(Period.starts_on >= period.starts_on, Period.ends_on <= period.ends_on)
        .order_by(Period.ends_on.desc(), Period.id.desc())
    )
    if inside is not None:
        return inside
    return db.session.scalar(
        sa.select(Period)
        .where(Period.starts_on <= period.ends_on, Period.ends_on >= period.ends_on)
        .order_by(Period.starts_on.desc())
    )
