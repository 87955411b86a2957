"""HR pages: lists with evidence and exports, cases and the decision form, scope, CSRF,
and the person's own decisions."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import sqlalchemy as sa

from app.extensions import db
from app.models import Account, CaseKind, DecisionKind, HrCase, HrDecision
from tests.helpers import csrf_from, login, post_form
from tests.hr.history import add_ratings


def _open(client, h, person, kind="reassignment_review", period=None):
    url = f"/hr/reassignments?period={(period or h.p3).id}"
    data = {"person_id": person.id, "period_id": (period or h.p3).id, "kind": kind}
    return post_form(client, "/hr/cases", data, token_from=url)


def _case(person) -> HrCase:
    return db.session.scalar(sa.select(HrCase).where(HrCase.person_id == person.id))


def test_lists_show_candidates_reviews_and_evidence(history, login_as):
    h = history
    add_ratings(h.d, date(2025, 2, 1), 40, 22)
    client = login_as("hr")
    page = client.get(f"/hr/commendations?period={h.p3.id}").get_data(as_text=True)
    assert h.a.full_name in page and h.d.full_name in page and h.outside.full_name in page
    assert h.b.full_name not in page  # met twice before, failed the latest
    assert "2 kỳ trong 10 kỳ gần nhất" in page and "Kỳ thử 1" in page
    page = client.get(f"/hr/reassignments?period={h.p3.id}").get_data(as_text=True)
    assert h.b.full_name in page and "Không đạt phần kiểm tra kiến thức" in page
    assert "n = 40; hài lòng 55,0 % (KTC 95 %: 39,8 % – 69,3 %)" in page
    assert "Chưa đủ dữ liệu (1)" in page and h.e.full_name in page


def test_lists_default_to_the_latest_ended_period_and_export(history, login_as):
    h = history
    client = login_as("hr")
    page = client.get("/hr/commendations").get_data(as_text=True)
    assert "selected>Kỳ thử 3" in page  # the demo has no later period that has ended
    response = client.get(f"/hr/commendations?period={h.p3.id}&format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    names = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {h.a.full_name, h.d.full_name, "Họ và tên"} <= names
    csv = client.get(f"/hr/reassignments?period={h.p3.id}&format=csv")
    assert csv.mimetype == "text/csv" and h.b.full_name in csv.get_data(as_text=True)


def test_decision_form_records_supersedes_and_needs_csrf(history, login_as):
    h = history
    client = login_as("hr")
    response = _open(client, h, h.b)
    case = _case(h.b)
    assert response.headers["Location"].endswith(f"/hr/cases/{case.id}")
    url = f"/hr/cases/{case.id}"
    body = {"decision": "retrain_retest", "reason": "Bồi dưỡng và thi lại.", "new_unit_id": 0}
    assert client.post(f"{url}/decisions", data=body).status_code == 400  # no CSRF token
    assert post_form(client, f"{url}/decisions", body, token_from=url).status_code == 302
    blank = post_form(client, f"{url}/decisions", {**body, "reason": ""}, token_from=url)
    assert blank.status_code == 422 and "Vui lòng nhập" in blank.get_data(as_text=True)
    stale = post_form(client, f"{url}/decisions", {**body, "supersedes": ""}, token_from=url)
    assert stale.status_code == 302  # saw no decision, but there is one now: refused
    current = db.session.scalar(sa.select(HrDecision.id))
    again = {**body, "decision": "keep", "reason": "Đã thi lại đạt.", "supersedes": current}
    client.post(f"{url}/decisions", data={**again, "csrf_token": csrf_from(client, url)})
    rows = db.session.scalars(sa.select(HrDecision).order_by(HrDecision.id)).all()
    assert [d.decision for d in rows] == [DecisionKind.RETRAIN_RETEST, DecisionKind.KEEP]
    assert rows[1].supersedes_id == rows[0].id
    page = client.get(url).get_data(as_text=True)
    assert "Đã được thay thế" in page and "Đang có hiệu lực" in page


def test_person_not_on_the_list_gets_no_case(history, login_as):
    client = login_as("hr")
    response = _open(client, history, history.a)  # passed: not a review
    assert response.status_code == 302 and _case(history.a) is None


def test_commune_hr_works_within_its_commune_only(history, app, login_as):
    h = history
    client = login_as("hr.xa")
    page = client.get(f"/hr/commendations?period={h.p3.id}").get_data(as_text=True)
    assert h.a.full_name in page and h.outside.full_name not in page
    assert _open(client, h, h.outside, "commendation").status_code == 404
    assert _case(h.outside) is None
    assert _open(client, h, h.a, "commendation").status_code == 302
    province = app.test_client()
    login(province, "hr")
    _open(province, h, h.outside, "commendation")
    assert client.get(f"/hr/cases/{_case(h.outside).id}").status_code == 404
    assert client.get(f"/hr/cases/{_case(h.a).id}").status_code == 200


def test_staff_sees_only_decisions_about_themselves(history, app, login_as):
    h = history
    staff = db.session.scalar(sa.select(Account).where(Account.username == "staff"))
    assert staff.person_id == h.a.id  # the demo staff is the first officer of Xã Long Hưng
    hr = login_as("hr")
    for person in (h.a, h.d):
        _open(hr, h, person, "commendation")
        url = f"/hr/cases/{_case(person).id}"
        body = {"decision": "commend", "reason": f"Khen {person.full_name}", "new_unit_id": 0}
        assert post_form(hr, f"{url}/decisions", body, token_from=url).status_code == 302
    officer = app.test_client()
    login(officer, "staff")
    page = officer.get("/hr/my-decisions").get_data(as_text=True)
    assert f"Khen {h.a.full_name}" in page and f"Khen {h.d.full_name}" not in page
    assert officer.get("/hr/commendations").status_code == 403
    assert officer.get(f"/hr/cases/{_case(h.a).id}").status_code == 403


def test_case_kind_labels_and_history_on_the_case_page(history, login_as):
    client = login_as("hr")
    _open(client, history, history.b)
    page = client.get(f"/hr/cases/{_case(history.b).id}").get_data(as_text=True)
    assert "Xem xét bố trí lại" in page and "Không đạt phần kiểm tra kiến thức" in page
    assert "Chưa có quyết định nào." in page
    assert _case(history.b).kind is CaseKind.REASSIGNMENT_REVIEW
