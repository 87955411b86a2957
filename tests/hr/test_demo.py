"""Done means: HR in the demo sees candidates and reviews with evidence, records a
decision, and the reassigned person's history shows it (app/hr/demo.py, which
``flask demo load`` runs and the shared demo fixtures do not)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.hr.demo import load_demo_hr
from app.hr.lists import reassignment_reviews
from app.hr.queries import period_for_lists
from app.models import Account, HrCase, Person, Unit
from tests.helpers import login, post_form


def test_demo_hr_lists_decision_and_history(demo_bank, app, client):
    assert load_demo_hr() == 110  # 60 + 50 paper results (10 absent from the latest)
    db.session.commit()
    assert load_demo_hr() == 0  # idempotent
    period = period_for_lists(None)
    people = list(db.session.scalars(sa.select(Person).order_by(Person.id)))
    reviews = reassignment_reviews(period, people)
    failed = next(e.person for e in reviews.entries if e.reasons == ["knowledge_failed"])
    unhappy = next(e.person for e in reviews.entries if e.reasons == ["satisfaction_below"])
    login(client, "hr")
    page = client.get("/hr/commendations").get_data(as_text=True)
    assert period.name in page and "2 kỳ trong 10 kỳ gần nhất" in page
    assert "Đã quyết định" in page  # the demo's decided case about the staff officer
    page = client.get("/hr/reassignments").get_data(as_text=True)
    assert failed.full_name in page and unhappy.full_name in page
    assert "n = 40; hài lòng 55,0 %" in page and "Chưa đủ dữ liệu (10)" in page
    list_url = f"/hr/reassignments?period={period.id}"
    data = {"person_id": failed.id, "period_id": period.id, "kind": "reassignment_review"}
    post_form(client, "/hr/cases", data, token_from=list_url)
    case = db.session.scalar(sa.select(HrCase).where(HrCase.person_id == failed.id))
    target = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-TTHCC"))
    url = f"/hr/cases/{case.id}"
    decision = {
        "decision": "reassign", "reason": "Không đạt kiến thức kỳ gần nhất.",
        "decision_ref": "99/QĐ-SNV", "new_unit_id": target.id,
        "new_position": "Nhân viên hướng dẫn",
    }  # fmt: skip
    assert post_form(client, f"{url}/decisions", decision, token_from=url).status_code == 302
    profile = client.get(f"/org/people/{failed.id}").get_data(as_text=True)
    assert "99/QĐ-SNV" in profile and "Nhân viên hướng dẫn" in profile
    assert "Không đạt kiến thức kỳ gần nhất." in profile
    staff = app.test_client()
    login(staff, "staff")
    mine = staff.get("/hr/my-decisions").get_data(as_text=True)
    assert "12/QĐ-SNV (mẫu)" in mine and "99/QĐ-SNV" not in mine
    account = db.session.scalar(sa.select(Account).where(Account.username == "staff"))
    assert account.person_id != failed.id
