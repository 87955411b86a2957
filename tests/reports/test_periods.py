"""Report periods: a quarter, six months, nine months and a year (seed 000)."""

from datetime import date

import pytest

from app.reports.periods import report_period


@pytest.mark.parametrize(
    ("kind", "number", "start", "end", "label"),
    [
        ("quarter", 1, date(2026, 1, 1), date(2026, 3, 31), "quý I năm 2026"),
        ("quarter", 4, date(2026, 10, 1), date(2026, 12, 31), "quý IV năm 2026"),
        ("half", 1, date(2026, 1, 1), date(2026, 6, 30), "6 tháng đầu năm 2026"),
        ("half", 2, date(2026, 7, 1), date(2026, 12, 31), "6 tháng cuối năm 2026"),
        ("nine_months", 1, date(2026, 1, 1), date(2026, 9, 30), "9 tháng đầu năm 2026"),
        ("year", 1, date(2026, 1, 1), date(2026, 12, 31), "năm 2026"),
    ],
)
def test_report_period(kind, number, start, end, label):
    period = report_period(kind, 2026, number)
    assert (period.starts_on, period.ends_on, period.label) == (start, end, label)


def test_february_of_a_leap_year_ends_the_first_quarter_correctly():
    assert report_period("quarter", 2028, 1).ends_on == date(2028, 3, 31)


@pytest.mark.parametrize(
    ("kind", "number"), [("half", 3), ("quarter", 5), ("year", 2), ("week", 1)]
)
def test_impossible_periods_are_refused(kind, number):
    with pytest.raises(ValueError):
        report_period(kind, 2026, number)
