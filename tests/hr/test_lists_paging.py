"""The HR list pages are paged (``PAGE_SIZE`` people a page, in the export's order): page 2
shows the next people, the totals count everyone, an out-of-range or malformed page number
shows the nearest page, the links keep the filters, and the export still lists everyone."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from tests.hr.history import add_ratings


def _export_names(client, url: str) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "&format=xlsx").data)).worksheets[0]
    rows = [row[0] for row in sheet.iter_rows(values_only=True)]
    names = rows[rows.index("Họ và tên") + 1 :]
    return names[: names.index(None)] if None in names else names  # the notes follow


def _shown(page: str, names: list[str]) -> list[str]:
    return [name for name in names if f"{name}<div" in page]  # a row header: the name


@pytest.fixture
def two_per_page(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)


def test_commendation_pages_split_the_list_in_order(history, two_per_page, login_as):
    h = history
    client = login_as("hr")
    url = f"/hr/commendations?period={h.p3.id}"
    everyone = _export_names(client, url)
    assert sorted(everyone) == sorted(p.full_name for p in (h.a, h.d, h.outside))
    first = client.get(url).get_data(as_text=True)
    second = client.get(url + "&page=2").get_data(as_text=True)
    assert "3 người đủ điều kiện" in first and "3 người đủ điều kiện" in second
    assert _shown(first, everyone) == everyone[:2] and _shown(second, everyone) == everyone[2:]
    assert "Trang 2/2, người thứ 3–3." in second
    assert 'aria-current="page">2<' in second and "page=1" in second and "Trang trước" in second
    for wrong in ("99", "0", "-3", "abc"):  # the nearest page, never an error
        page = client.get(f"{url}&page={wrong}")
        assert page.status_code == 200
        expected = everyone[2:] if wrong == "99" else everyone[:2]
        assert _shown(page.get_data(as_text=True), everyone) == expected


def test_review_pages_keep_each_others_page_and_the_unit(history, two_per_page, login_as):
    h = history
    for officer in (h.a, h.d):  # credibly below 80 %: reviewed beside b (failed)
        add_ratings(officer, date(2025, 3, 1), 40, 22)
    client = login_as("hr")
    url = f"/hr/reassignments?period={h.p3.id}"
    reviewed = _export_names(client, url)  # the first sheet: the people to review
    assert sorted(reviewed) == sorted(p.full_name for p in (h.a, h.b, h.d))
    first = client.get(url).get_data(as_text=True)
    second = client.get(url + "&page=2&mpage=1").get_data(as_text=True)
    assert "Cần xem xét (3)" in first and "Chưa đủ dữ liệu (1)" in first
    assert _shown(first, reviewed) == reviewed[:2] and _shown(second, reviewed) == reviewed[2:]
    assert h.e.full_name in second  # the "missing" part keeps its own page
    assert "mpage=1" in first  # the reviews' page links keep the other list's page
    unit = h.a.unit_id
    narrowed = client.get(f"{url}&unit={unit}").get_data(as_text=True)
    assert f"unit={unit}" in narrowed and h.outside.full_name not in narrowed
