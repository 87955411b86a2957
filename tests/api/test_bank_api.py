"""The bank API: search ignoring diacritics, create, update (new version when frozen), review
actions, import (dry run, errors with lines), export, permissions, OpenAPI."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from app.bank.formats import parse
from app.extensions import db
from app.models import AuditEvent, Question, QuestionVersion, Topic
from tests.helpers import api_token, csrf_from, login

BASE = "/api/v1/bank"


def question(stem: str, **changes) -> dict:
    body = {
        "type": "single_choice",
        "stem": stem,
        "topic": "Hộ tịch/Khai sinh",
        "difficulty": "medium",
        "options": [
            {"text": "Trong 60 ngày", "credit": 1, "feedback": "Đúng."},
            {"text": "Trong 1 năm", "credit": 0},
        ],
        "tags": ["khai-sinh"],
        "positions": ["Công chức tư pháp - hộ tịch"],
        "sources": [
            {"document": "Luật Hộ tịch 2014", "article": "Điều 15", "checked_on": "2026-11-20"}
        ],
        "external_id": "",
    }
    return body | changes


@pytest.fixture
def tokens(demo, client):
    return {name: api_token(client, name) for name in ("author", "reviewer", "admin", "hr")}


def create(client, tokens, stem: str, **changes) -> dict:
    response = client.post(
        f"{BASE}/questions", json=question(stem, **changes), headers=tokens["author"]
    )
    assert response.status_code == 201, response.json
    return response.json


def test_create_get_and_search_ignoring_diacritics(client, tokens):
    created = create(
        client, tokens, "Thời hạn đăng ký khai sinh cho trẻ là bao lâu?", external_id="HT-1"
    )
    create(
        client,
        tokens,
        "Ai có trách nhiệm đăng ký kết hôn?",
        type="true_false",
        options=[{"text": "true", "credit": 1}, {"text": "false", "credit": 0}],
    )
    assert created["latest"]["number"] == 1 and created["latest"]["state"] == "draft"
    assert created["latest"]["options"][0] == {
        "text": "Trong 60 ngày",
        "credit": 1.0,
        "feedback": "Đúng.",
    }
    assert created["latest"]["sources"][0]["checked_on"] == "2026-11-20"
    found = client.get(f"{BASE}/questions?q=DANG KY KHAI SINH", headers=tokens["reviewer"]).json
    assert [i["external_id"] for i in found["items"]] == ["HT-1"] and found["total"] == 1
    by_type = client.get(f"{BASE}/questions?type=true_false", headers=tokens["reviewer"]).json
    assert [i["type"] for i in by_type["items"]] == ["true_false"]
    topic = db.session.scalar(sa.select(Topic.id).where(Topic.full_path == "Hộ tịch"))
    assert (
        client.get(f"{BASE}/questions?topic_id={topic}", headers=tokens["reviewer"]).json["total"]
        == 2
    )
    detail = client.get(f"{BASE}/questions/{created['id']}", headers=tokens["reviewer"]).json
    assert detail["topic"] == "Hộ tịch/Khai sinh" and len(detail["versions"]) == 1
    assert client.get(f"{BASE}/questions/999999", headers=tokens["reviewer"]).status_code == 404


def test_invalid_question_is_422_with_the_reasons(client, tokens):
    body = question(
        "Câu sai?", options=[{"text": "A", "credit": 0.5}, {"text": "B", "credit": 0.5}]
    )
    response = client.post(f"{BASE}/questions", json=body, headers=tokens["author"])
    assert response.status_code == 422
    assert "100% điểm" in " ".join(response.json["error"]["details"]["errors"]["options"])
    missing = client.post(f"{BASE}/questions", json={"stem": "x"}, headers=tokens["author"])
    assert missing.status_code == 422 and "type" in str(missing.json["error"]["details"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_update_edits_own_draft_in_place_and_frozen_versions_become_new(client, tokens):
    created = create(client, tokens, "Trẻ phải được đăng ký khai sinh trong bao lâu?")
    url = f"{BASE}/questions/{created['id']}"
    draft = client.put(
        url, json=question("Trẻ được đăng ký khai sinh trong bao lâu?"), headers=tokens["author"]
    )
    assert [v["number"] for v in draft.json["versions"]] == [1]
    version_id = draft.json["latest"]["id"]
    assert (
        client.post(f"{BASE}/versions/{version_id}/submit", json={}, headers=tokens["author"]).json[
            "state"
        ]
        == "in_review"
    )
    approved = client.post(
        f"{BASE}/versions/{version_id}/approve", json={"note": "OK"}, headers=tokens["reviewer"]
    )
    assert approved.json["state"] == "approved" and approved.json["review_note"] == "OK"
    updated = client.put(url, json=question("Câu đã sửa sau khi duyệt?"), headers=tokens["author"])
    assert updated.status_code == 200
    assert [(v["number"], v["state"]) for v in updated.json["versions"]] == [
        (1, "approved"),
        (2, "draft"),
    ]
    assert updated.json["versions"][0]["stem"] == "Trẻ được đăng ký khai sinh trong bao lâu?"


def test_review_actions_and_their_rules(client, tokens):
    created = create(client, tokens, "Câu cần thẩm định?")
    vid = created["latest"]["id"]
    act = lambda action, who, note="": client.post(  # noqa: E731
        f"{BASE}/versions/{vid}/{action}", json={"note": note}, headers=tokens[who]
    )
    assert act("approve", "reviewer").status_code == 409  # still a draft
    assert act("submit", "reviewer").status_code == 403
    assert act("submit", "author").status_code == 200
    assert act("approve", "author").status_code == 403
    returned = act("return", "reviewer")
    assert returned.status_code == 422 and "note" in returned.json["error"]["details"]
    assert act("return", "reviewer", "Thiếu nguồn").json["state"] == "draft"
    assert act("retire", "author").status_code == 422
    assert act("retire", "author", "Văn bản hết hiệu lực").json["state"] == "retired"
    assert act("submit", "author").status_code == 409
    assert act("retire", "hr", "x").status_code == 403


def test_nobody_approves_own_version(client, tokens):
    body = question("Câu của quản trị viên?")
    created = client.post(f"{BASE}/questions", json=body, headers=tokens["admin"]).json
    vid = created["latest"]["id"]
    client.post(f"{BASE}/versions/{vid}/submit", json={}, headers=tokens["admin"])
    refused = client.post(f"{BASE}/versions/{vid}/approve", json={}, headers=tokens["admin"])
    assert refused.status_code == 409
    assert "khác người biên soạn" in refused.json["error"]["message"]


GIFT = (
    "::A::Hồ sơ trễ hẹn phải có văn bản xin lỗi.{T}\n\n"
    "::B::Một cửa là gì?{=Tiếp nhận tập trung ~Khác}\n"
)
BAD_GIFT = "::A::Câu tốt{=Có ~Không}\n\n::B::Câu xấu{~Có ~Không}\n\n::C::Câu cũng xấu{#x..y}\n"


def post_import(client, headers, text: str, **fields):
    data = {"file": (io.BytesIO(text.encode()), "cau-hoi.gift"), **fields}
    return client.post(
        f"{BASE}/import", data=data, headers=headers, content_type="multipart/form-data"
    )


def test_import_dry_run_writes_nothing_then_imports(client, tokens):
    dry = post_import(client, tokens["author"], GIFT, dry_run="true", topic="Nhập thử")
    assert dry.status_code == 200
    assert (dry.json["created"], dry.json["dry_run"], dry.json["by_type"]["true_false"]) == (
        2,
        True,
        1,
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Topic)) == 0
    assert "bank.import" not in db.session.scalars(sa.select(AuditEvent.action)).all()
    real = post_import(client, tokens["author"], GIFT, dry_run="false", topic="Nhập thử")
    assert (real.json["created"], real.json["dry_run"]) == (2, False)
    again = post_import(client, tokens["author"], GIFT, topic="Nhập thử")
    assert (again.json["created"], again.json["unchanged"]) == (0, 2)
    topics = set(db.session.scalars(sa.select(Topic.full_path)))
    assert topics == {"Nhập thử"}


def test_import_with_errors_is_422_with_lines_and_writes_nothing(client, tokens):
    response = post_import(client, tokens["author"], BAD_GIFT)
    assert response.status_code == 422
    errors = response.json["error"]["details"]["errors"]
    assert [e["line"] for e in errors] == [3, 5]
    assert all(e["file"] == "cau-hoi.gift" for e in errors)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuestionVersion)) == 0
    none = client.post(f"{BASE}/import", data={}, headers=tokens["author"])
    assert none.status_code == 422
    assert post_import(client, tokens["reviewer"], GIFT).status_code == 403


def test_export_returns_a_file_of_the_filtered_questions(client, tokens):
    post_import(client, tokens["author"], GIFT)
    response = client.get(f"{BASE}/export?format=yaml&type=true_false", headers=tokens["reviewer"])
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    [only] = parse(response.data, "yaml").questions
    assert only.stem == "Hồ sơ trễ hẹn phải có văn bản xin lỗi."
    assert client.get(f"{BASE}/export?format=pdf", headers=tokens["reviewer"]).status_code == 422


def test_staff_and_hr_are_refused(client, tokens):
    staff = api_token(client, "staff")
    for headers in (staff, tokens["hr"]):
        assert client.get(f"{BASE}/questions", headers=headers).status_code == 403
        assert (
            client.post(f"{BASE}/questions", json=question("x?"), headers=headers).status_code
            == 403
        )
        assert client.get(f"{BASE}/export?format=csv", headers=headers).status_code == 403


def test_session_calls_need_the_csrf_header(client, demo):
    login(client, "author")
    response = client.post(f"{BASE}/questions", json=question("Câu qua phiên?"))
    assert response.status_code == 400 and response.json["error"]["code"] == "csrf_failed"
    token = csrf_from(client, "/bank/questions/new")
    response = client.post(
        f"{BASE}/questions", json=question("Câu qua phiên?"), headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201


def test_every_bank_route_is_documented(client, app):
    paths = set(client.get("/api/v1/openapi.json").json["paths"])
    assert {
        f"{BASE}/questions",
        f"{BASE}/questions/{{question_id}}",
        f"{BASE}/versions/{{version_id}}/submit",
        f"{BASE}/versions/{{version_id}}/approve",
        f"{BASE}/versions/{{version_id}}/return",
        f"{BASE}/versions/{{version_id}}/retire",
        f"{BASE}/import",
        f"{BASE}/export",
    } <= paths
