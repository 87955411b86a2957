"""Rubric review workflow: draft → in review → approved → retired, reviewer ≠ author,
versions immutable once approved or used (an edit makes version n+1); pages and API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from app.assessments import rubric_editing as editing
from app.assessments import services
from app.assessments.forms_rubric import RubricEditForm, form_data
from app.assessments.forms_rubric import rubric_data as form_rubric
from app.assessments.rubrics import content_hash, load_demo_rubric, validate_rubric
from app.extensions import db
from app.models import AuditEvent, Period, RubricVersion, VersionState
from tests.assessments.conftest import account, approved_rubric, rubric_data, unit
from tests.helpers import api_token, login, post_form

API = "/api/v1/assessments"


def _count_versions() -> int:
    return db.session.scalar(sa.select(sa.func.count(RubricVersion.id)))


def test_four_eyes_review_and_audit(demo):
    author, reviewer = account("author"), account("reviewer")
    version = editing.create_rubric(rubric_data(), author)
    assert version.state is VersionState.DRAFT and version.number == 1
    editing.submit_rubric(version)
    with pytest.raises(editing.ReviewError, match="khác người biên soạn"):
        editing.approve_rubric(version, author.id)
    assert version.state is VersionState.IN_REVIEW
    with pytest.raises(editing.ReviewError):
        editing.return_rubric(version, reviewer.id, "  ")  # a reason is required
    editing.approve_rubric(version, reviewer.id, "Đã đối chiếu Nghị định 118")
    db.session.commit()
    assert version.state is VersionState.APPROVED and version.reviewer_id == reviewer.id
    with pytest.raises(editing.ReviewError):
        editing.submit_rubric(version)  # approved → in review is not a move
    with pytest.raises(editing.ReviewError):
        editing.retire_rubric(version, "")
    editing.retire_rubric(version, "Văn bản đã thay thế")
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.target_type == "RubricVersion")
    ).all()
    assert {"assess.rubric_create", "assess.rubric.in_review", "assess.rubric.approved",
            "assess.rubric.retired"} <= set(actions)  # fmt: skip


def test_approved_or_used_versions_never_change(demo):
    author = account("author")
    version = approved_rubric(rubric_data())
    frozen = dict(version.criteria[0])
    changed = rubric_data()
    changed["criteria"][0]["weight"] = 3
    second = editing.edit_rubric(version.rubric, changed, author)
    assert second.number == 2 and second.state is VersionState.DRAFT
    assert version.criteria[0] == frozen and version.criteria[0]["weight"] == 1
    changed["criteria"][0]["title"] = "Tiêu chí đã sửa"
    same = editing.edit_rubric(version.rubric, changed, author)  # own never-used draft
    assert same.id == second.id and same.criteria[0]["title"] == "Tiêu chí đã sửa"
    other = editing.edit_rubric(version.rubric, rubric_data(), account("reviewer"))
    assert other.number == 3  # someone else's draft is not edited in place either
    editing.submit_rubric(other)
    with pytest.raises(editing.RubricError, match="chờ thẩm định"):
        editing.edit_rubric(version.rubric, changed, author)


def test_used_version_gets_a_new_version_on_edit(round_data):
    used = round_data.rnd.rubric_version
    assert used.used and used.is_frozen
    data = {**validate_rubric(_shipped()), "pass_threshold": 0.6}
    new = editing.edit_rubric(used.rubric, data, account("author"))
    assert new.number == used.number + 1 and new.pass_threshold == 0.6
    assert used.pass_threshold == 0.5


def _shipped() -> dict:
    import yaml

    from app.assessments.rubrics import default_rubric_path

    return yaml.safe_load(default_rubric_path().read_text(encoding="utf-8"))


def test_invalid_content_is_refused_with_every_problem(demo):
    data = rubric_data()
    data["criteria"][0]["weight"] = 0
    data["criteria"][1]["levels"].pop(1)
    with pytest.raises(editing.RubricError) as exc:
        editing.create_rubric(data, account("author"))
    assert len(exc.value.errors) == 2
    editing.create_rubric(rubric_data(), account("author"))
    with pytest.raises(editing.RubricError, match="đã được dùng"):
        editing.create_rubric(rubric_data(), account("author"))  # same code


def test_editor_round_trip_keeps_the_content_hash(app: Flask, demo):
    version = load_demo_rubric()
    with app.test_request_context():
        form = RubricEditForm(data=form_data(version), meta={"csrf": False})
        data = validate_rubric(form_rubric(form, version.rubric.code))
    assert content_hash(data) == version.content_hash  # unchanged form: no new version


def test_editor_pages_create_submit_and_review(app, demo, login_as):
    client = login_as("author")
    form = {
        "code": "", "name": "Phiếu chào hỏi", "pass_percent": "60", "disagreement_levels": "2",
        "sources": "Nghị định 118/2025/NĐ-CP | Điều 11 |  | 2026-11-22",
        "criteria-0-title": "Chào hỏi người dân", "criteria-0-weight": "2",
        "criteria-0-levels-0": "Không chào", "criteria-0-levels-1": "Chào qua loa",
        "criteria-0-levels-2": "Chủ động chào", "criteria-0-levels-3": "",
        "criteria-1-title": "", "criteria-1-levels-0": "",
        "action": "save",
    }  # fmt: skip
    page = client.get("/assessments/rubrics/new").get_data(as_text=True)
    assert 'name="criteria-0-levels-3"' in page  # blank rows without JavaScript
    response = post_form(client, "/assessments/rubrics/new", form)
    assert response.status_code == 302
    version = db.session.scalar(sa.select(RubricVersion).order_by(RubricVersion.id.desc()))
    assert version.rubric.code == "phieu-chao-hoi" and version.pass_threshold == 0.6
    assert version.criteria == [
        {"key": "chao-hoi-nguoi-dan", "title": "Chào hỏi người dân", "weight": 2,
         "levels": [{"score": 0, "descriptor": "Không chào"},
                    {"score": 1, "descriptor": "Chào qua loa"},
                    {"score": 2, "descriptor": "Chủ động chào"}]},
    ]  # fmt: skip
    assert version.sources == [
        {"document": "Nghị định 118/2025/NĐ-CP", "article": "Điều 11", "checked": "2026-11-22"}
    ]
    view = f"/assessments/rubrics/{version.rubric_id}"
    post_form(client, f"/assessments/rubric-versions/{version.id}/submit", {}, token_from=view)
    # the author holds no review permission at all
    approve = f"/assessments/rubric-versions/{version.id}/approve"
    assert post_form(client, approve, {}, token_from=view).status_code == 403
    reviewer = app.test_client()
    assert login(reviewer, "reviewer").status_code == 302
    assert "Duyệt" in reviewer.get(view).get_data(as_text=True)
    assert post_form(reviewer, approve, {"note": "ok"}, token_from=view).status_code == 302
    db.session.refresh(version)
    assert version.state is VersionState.APPROVED


def test_editor_refuses_bad_content_and_offers_more_rows(demo, login_as):
    client = login_as("author")
    bad = {"name": "Phiếu lỗi", "pass_percent": "50", "disagreement_levels": "2",
           "criteria-0-title": "Một mức", "criteria-0-weight": "1",
           "criteria-0-levels-0": "Chỉ một mức", "action": "save"}  # fmt: skip
    page = post_form(client, "/assessments/rubrics/new", bad, token_from="/assessments/rubrics/new")
    assert page.status_code == 200 and "liên tiếp" in page.get_data(as_text=True)
    assert _count_versions() == 0
    more = post_form(
        client, "/assessments/rubrics/new", {**bad, "action": "more"},
        token_from="/assessments/rubrics/new",
    )  # fmt: skip
    html = more.get_data(as_text=True)
    assert 'name="criteria-1-title"' in html and 'name="criteria-0-levels-1"' in html


def test_self_approval_refused_for_an_author_who_is_also_a_reviewer(demo):
    from app.admin import services as accounts
    from app.models import Role

    both = account("author")
    accounts.grant_role(both, Role.REVIEWER, unit("ST"))
    version = editing.create_rubric(rubric_data(), both)
    editing.submit_rubric(version)
    with pytest.raises(editing.ReviewError):
        editing.approve_rubric(version, both.id)


def test_rubric_api_create_review_and_new_version(client, demo):
    author, reviewer = api_token(client, "author"), api_token(client, "reviewer")
    created = client.post(f"{API}/rubrics", json=rubric_data("api-rubric"), headers=author)
    assert created.status_code == 201, created.json
    version_id = created.json["versions"][0]["id"]
    assert created.json["versions"][0]["state"] == "draft"
    bad = client.post(f"{API}/rubrics", json={**rubric_data("x"), "criteria": []}, headers=author)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid_input"
    assert client.post(f"{API}/rubric-versions/{version_id}/submit", json={},
                       headers=author).status_code == 200  # fmt: skip
    own = client.post(f"{API}/rubric-versions/{version_id}/approve", json={}, headers=reviewer)
    assert own.status_code == 200 and own.json["state"] == "approved"
    again = client.post(f"{API}/rubric-versions/{version_id}/return", json={"note": "x"},
                        headers=reviewer)  # fmt: skip
    assert again.status_code == 409 and again.json["error"]["code"] == "review_refused"
    rubric_id = created.json["id"]
    changed = {**rubric_data("api-rubric"), "pass_threshold": 0.7}
    put = client.put(f"{API}/rubrics/{rubric_id}", json=changed, headers=author)
    assert [v["state"] for v in put.json["versions"]] == ["approved", "draft"]
    assert put.json["versions"][0]["pass_threshold"] == 0.5
    listed = client.get(f"{API}/rubrics", headers=api_token(client, "hr")).json
    assert any(r["id"] == rubric_id and r["latest"]["number"] == 2 for r in listed)
    no_reason = client.post(f"{API}/rubric-versions/{version_id}/retire", json={}, headers=author)
    assert no_reason.status_code == 422
    staff = client.get(f"{API}/rubrics", headers=api_token(client, "staff"))
    assert staff.status_code == 403
    assert client.post(f"{API}/rubrics", json=rubric_data("y"),
                       headers=api_token(client, "hr")).status_code == 403  # fmt: skip


def test_only_approved_versions_can_open_a_round(demo):
    from datetime import date

    draft = editing.create_rubric(rubric_data(), account("author"))
    period = Period(name="Kỳ thử", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30))
    db.session.add(period)
    db.session.flush()
    with pytest.raises(services.AssessError) as exc:
        services.open_round(period, draft, unit("ST"), "Đợt", [unit("ST-LH")], ["live"])
    assert exc.value.code == "rubric_not_approved"


def test_rubric_pages_read_access(round_data, app, login_as):
    version = round_data.rnd.rubric_version
    hr = login_as("hr")
    page = hr.get(f"/assessments/rubrics/{version.rubric_id}").get_data(as_text=True)
    assert "Không chào, không nhìn người dân" in page and "Đã dùng cho đợt đánh giá" in page
    assert "Gửi thẩm định" not in page and hr.get("/assessments/rubrics").status_code == 200
    assert hr.get(f"/assessments/rubrics/{version.rubric_id}/edit").status_code == 403
    author = app.test_client()
    assert login(author, "author").status_code == 302
    edit = author.get(f"/assessments/rubrics/{version.rubric_id}/edit").get_data(as_text=True)
    assert "lưu sẽ tạo phiên bản 2" in edit and "Không chào, không nhìn người dân" in edit
    staff = app.test_client()
    assert login(staff, "staff").status_code == 302
    assert staff.get("/assessments/rubrics").status_code == 403


def test_api_refuses_self_approval_with_409(client, demo):
    from app.admin import services as accounts
    from app.models import Role

    accounts.grant_role(account("author"), Role.REVIEWER, unit("ST"))
    db.session.commit()
    me = api_token(client, "author")
    created = client.post(f"{API}/rubrics", json=rubric_data("tu-duyet"), headers=me).json
    version_id = created["versions"][0]["id"]
    client.post(f"{API}/rubric-versions/{version_id}/submit", json={}, headers=me)
    own = client.post(f"{API}/rubric-versions/{version_id}/approve", json={}, headers=me)
    assert own.status_code == 409 and own.json["error"]["code"] == "review_refused"
    assert "khác người biên soạn" in own.json["error"]["message"]
