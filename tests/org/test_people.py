"""People: scoped lists, diacritic-free search, given-name order, reassignment history."""

import re
import unicodedata
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.models import Person, Unit
from app.org import services
from app.text import person_sort_key
from tests.helpers import api_token, post_form, unit_id


def test_search_ignores_diacritics_and_case(login_as, client):
    unit = db.session.get(Unit, unit_id("ST-LH"))
    services.create_person(services.PersonInput(full_name="Nguyễn Văn Đức", unit=unit))
    db.session.commit()
    login_as("hr")
    html = client.get("/org/people?q=nguyen+van+duc").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in html
    assert "Nguyễn Văn Đức" in client.get("/org/people?q=ĐỨC").get_data(as_text=True)


def test_list_is_sorted_by_given_name(login_as, client):
    login_as("hr")
    body = client.get("/api/v1/staff?per_page=500").json
    keys = [p["full_name"] for p in body["items"]]
    assert keys == sorted(keys, key=person_sort_key)
    assert body["total"] == 60


def test_commune_hr_sees_only_its_commune_in_ui_and_api(login_as, client):
    login_as("hr.xa")
    mine = db.session.scalars(sa.select(Person).where(Person.unit_id == unit_id("ST-LH"))).all()
    other = db.session.scalars(sa.select(Person).where(Person.unit_id == unit_id("ST-AN"))).first()
    html = client.get("/org/people").get_data(as_text=True)
    assert all(p.full_name in html for p in mine)
    assert f'/org/people/{other.id}"' not in html
    assert client.get(f"/org/people/{other.id}").status_code == 404
    assert client.get(f"/org/people/{other.id}/edit").status_code == 404
    assert client.get(f"/api/v1/staff/{other.id}").status_code == 404
    other_unit = client.get(f"/org/people?unit={unit_id('ST-AN')}").get_data(as_text=True)
    assert re.search(r"/org/people/\d+", other_unit) is None
    api = client.get("/api/v1/staff?per_page=500").json
    assert {p["unit_id"] for p in api["items"]} == {unit_id("ST-LH")}


def test_commune_hr_cannot_widen_scope_through_payloads(login_as, client):
    login_as("hr.xa")
    headers = api_token(client, "hr.xa")
    before = db.session.scalar(sa.select(sa.func.count(Person.id)))
    response = client.post(
        "/api/v1/staff",
        headers=headers,
        json={"full_name": "Người Ngoài", "unit_id": unit_id("ST-AN")},
    )
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    response = post_form(
        client,
        "/org/people/new",
        {"full_name": "Người Ngoài", "unit_id": unit_id("ST-AN"), "status": "active"},
    )
    assert response.status_code in (200, 404)  # "not a valid choice" or not found
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == before


def test_hr_creates_a_person_with_nfc_name(login_as, client):
    login_as("hr.xa")
    nfd = unicodedata.normalize("NFD", "Trần Thị Ổn")
    response = post_form(
        client,
        "/org/people/new",
        {
            "full_name": nfd,
            "unit_id": unit_id("ST-LH"),
            "status": "active",
            "position": "Công chức",
            "staff_code": "x-99",
        },
    )
    assert response.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.staff_code == "X-99"))
    assert person.full_name == "Trần Thị Ổn" and person.name_fold == "tran thi on"
    assert len(person.assignments) == 1


def test_reassignment_closes_the_current_assignment(login_as, client):
    login_as("hr")
    person = db.session.scalars(sa.select(Person).order_by(Person.id)).first()
    response = post_form(
        client,
        f"/org/people/{person.id}/reassign",
        {
            "unit_id": unit_id("ST-SNV"),
            "position": "Chuyên viên",
            "on": "2026-07-01",
            "reason": "Bố trí công việc khác phù hợp",
            "decision_ref": "12/QĐ-SNV",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    history = db.session.get(Person, person.id).assignments
    assert [a.end_date for a in history] == [date(2026, 7, 1), None]
    assert history[-1].decision_ref == "12/QĐ-SNV"
    page = client.get(f"/org/people/{person.id}").get_data(as_text=True)
    assert "12/QĐ-SNV" in page and "01/07/2026" in page
