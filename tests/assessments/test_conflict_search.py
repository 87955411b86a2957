"""Conflict declaration: the person is found by a search ignoring diacritics (a GET form,
no JavaScript needed), limited to the round's units; the page never lists everyone."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.assessments import queries
from app.extensions import db
from app.models import Conflict, Person, Unit
from app.text import fold
from tests.assessments.conftest import unit
from tests.helpers import post_form

RADIO = re.compile(r'name="c-person"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="c-person"')


def _radios(html: str) -> set[int]:
    return {int(a or b) for a, b in RADIO.findall(html)}


def _new_person(full_name: str, unit_code: str) -> Person:
    person = Person(full_name=full_name, name_fold=fold(full_name),
                    sort_key=fold(full_name.split()[-1]), unit_id=unit(unit_code).id)  # fmt: skip
    db.session.add(person)
    db.session.commit()
    return person


def test_no_list_of_everyone_only_search_results(round_data, login_as):
    client = login_as("hr")
    url = f"/assessments/rounds/{round_data.rnd.id}"
    html = client.get(url).get_data(as_text=True)
    assert _radios(html) == set()  # nothing until the manager searches
    assert 'method="get" role="search"' in html
    target = _new_person("Đặng Thị Ngọc Đào", "ST-AN")
    found = _radios(client.get(url, query_string={"q": "dang thi ngoc dao"}).get_data(as_text=True))
    assert found == {target.id}  # đ → d, no tones, case ignored
    partial = _radios(client.get(url, query_string={"q": "ĐÀO"}).get_data(as_text=True))
    assert target.id in partial


def test_search_stays_within_the_round_units(round_data):
    outside = _new_person("Đỗ Văn Ngoài Đợt", "ST-TD")  # not a unit of the round
    inside = _new_person("Đỗ Văn Trong Đợt", "ST-LH")
    hits = queries.search_people_in_units(round_data.rnd.unit_ids, "do van")
    assert inside.id in {p.id for p in hits} and outside.id not in {p.id for p in hits}
    assert queries.search_people_in_units(round_data.rnd.unit_ids, "   ") == []
    assert len(queries.search_people_in_units(round_data.rnd.unit_ids, "a", limit=5)) <= 5


def test_declare_a_conflict_with_a_searched_person_and_refuse_outsiders(round_data, login_as):
    client = login_as("hr")
    url = f"/assessments/rounds/{round_data.rnd.id}"
    target = _new_person("Nguyễn Thị Xung Đột", "ST-LH")
    page = f"{url}?q=xung+dot"
    data = {"c-account": round_data.assessor.id, "c-person": target.id, "c-reason": "Chị em ruột"}
    assert post_form(client, url, data, token_from=page).status_code == 302
    conflict = db.session.scalar(sa.select(Conflict).filter_by(person_id=target.id))
    assert conflict.reason == "Chị em ruột" and conflict.account_id == round_data.assessor.id
    outsider = _new_person("Trần Văn Ngoài", "ST-TD")
    refused = post_form(client, url, {**data, "c-person": outsider.id}, token_from=page)
    assert refused.status_code == 200 and "Lựa chọn không hợp lệ" in refused.get_data(as_text=True)
    missing = post_form(client, url, {"c-account": round_data.assessor.id}, token_from=page)
    assert "Tìm và chọn một cán bộ" in missing.get_data(as_text=True)
    count = sa.select(sa.func.count(Conflict.id))
    assert db.session.scalar(count) == 1
    assert db.session.scalar(sa.select(Unit.id).where(Unit.code == "ST-TD")) not in (
        round_data.rnd.unit_ids
    )
