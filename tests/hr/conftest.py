"""HR tests reuse the exam fixtures (the demo exam, open now) and share a three-period
history of the demo people (no bank needed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from app.models import Period, Person
from tests.exams.conftest import exam  # noqa: F401 - a fixture
from tests.hr.history import people_of, period_with_results


@dataclass
class History:
    p1: Period
    p2: Period
    p3: Period  # the latest
    a: Person  # Xã Long Hưng: passed P1 and P3 → candidate
    b: Person  # passed P1, P2, failed P3 → not a candidate; review
    c: Person  # failed P1, passed P3 → met once only
    d: Person  # passed P2 and P3 → candidate
    e: Person  # passed P1, P2, no attempt in P3 → "chưa đủ dữ liệu"
    outside: Person  # Xã An Ninh: passed P2 and P3 → candidate, outside hr.xa's scope


@pytest.fixture
def history(demo) -> History:
    a, b, c, d, e = people_of("ST-LH")[:5]
    outside = people_of("ST-AN")[0]
    p1 = period_with_results(
        "Kỳ thử 1", date(2024, 1, 1), date(2024, 6, 30), {a: True, b: True, c: False, e: True}
    )
    p2 = period_with_results(
        "Kỳ thử 2", date(2024, 7, 1), date(2024, 12, 31),
        {b: True, d: True, e: True, outside: True},
    )  # fmt: skip
    p3 = period_with_results(
        "Kỳ thử 3", date(2025, 1, 1), date(2025, 6, 30),
        {a: True, b: False, c: True, d: True, e: None, outside: True},
    )  # fmt: skip
    return History(p1, p2, p3, a, b, c, d, e, outside)
