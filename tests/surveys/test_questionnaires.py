"""Questionnaires: the shipped default, definition checks, versions, the builder pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from app.extensions import db
from app.models import QuestionnaireState, QuestionnaireVersion, SurveyResponse
from app.surveys import questionnaires as service
from app.surveys.definition import check_definition
from tests.helpers import api_token, post_form
from tests.surveys.conftest import qr_of

DEFAULT = (
    Path(__file__).resolve().parents[2] / "question_bank" / "questionnaires" / "sipas-mot-cua.yaml"
)


def _default() -> dict:
    return yaml.safe_load(DEFAULT.read_text(encoding="utf-8"))


def test_default_questionnaire_is_valid_and_sourced():
    data = _default()
    assert check_definition(data) == []
    assert [s["key"] for s in data["sections"]] == ["R", "A", "B", "C", "D", "E", "Z"]
    factors = {q.get("factor") for s in data["sections"] for q in s["questions"]}
    assert {"A", "B", "C", "D", "E"} <= factors
    documents = " ".join(s["document"] for s in data["sources"])
    for source in ("1001/QĐ-BNV", "118/2025/NĐ-CP", "03/2025/TT-VPCP", "1354/QĐ-UBND"):
        assert source in documents
    assert "61/2018" not in DEFAULT.read_text(encoding="utf-8")  # expired decree never cited
    keys = {q["key"] for s in data["sections"] for q in s["questions"]}
    # the seed's own indicators
    assert {
        "attitude",
        "supplement_times",
        "supplement_reason",
        "extra_papers",
        "late_apology",
        "overall",
    } <= keys


def _one_question(**question) -> dict:
    return {"title": "T", "sections": [{"key": "S", "questions": [question]}]}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("not a mapping", "bảng khóa"),
        ({"title": "T"}, "ít nhất một phần"),
        ({"title": "", "sections": [{"key": "S", "questions": []}]}, "tiêu đề"),
        (_one_question(key="Bad Key", type="scale5", text="x"), "khóa câu hỏi"),
        (_one_question(key="a", type="stars", text="x"), "loại câu hỏi"),
        (_one_question(key="a", type="scale5", text=""), "nội dung"),
        (
            _one_question(key="a", type="single", text="x", options=[{"value": "1", "label": "A"}]),
            "từ 2 đến 12",
        ),
        (
            _one_question(
                key="a",
                type="single",
                text="x",
                options=[{"value": "1", "label": "A"}, {"value": "1", "label": "B"}],
            ),
            "giá trị",
        ),
        (_one_question(key="a", type="number", text="x", min=5, max=1), "min ≤ max"),
        (
            _one_question(
                key="a", type="yes_no", text="x", condition={"question": "z", "in": ["1"]}
            ),
            "đứng trước",
        ),
    ],
)
def test_bad_definitions_are_explained(data, fragment):
    errors = check_definition(data)
    assert errors and any(fragment in e for e in errors), errors


def test_loading_twice_changes_nothing_and_a_change_makes_a_version(surveys):
    data = _default()
    first = service.import_questionnaire(data)
    assert service.import_questionnaire(data).id == first.id
    data["sections"][0]["questions"][0]["text"] = "Câu hỏi đã sửa"
    second = service.import_questionnaire(data)
    db.session.commit()
    assert (second.number, second.state) == (first.number + 1, QuestionnaireState.PUBLISHED)
    assert first.questions[0].text != "Câu hỏi đã sửa"  # the old version is untouched


def test_published_version_is_immutable(surveys):
    version = db.session.scalar(sa.select(QuestionnaireVersion))
    with pytest.raises(service.QuestionnaireError):
        service.update_draft(version, _default())
    with pytest.raises(service.QuestionnaireError):
        service.publish_version(version)


def test_responses_keep_their_version_after_a_new_one(client, surveys):
    body = {"channel_code": qr_of(surveys, "ST-LH"), "answers": {"officer_rating": 3, "overall": 3}}
    assert client.post("/api/v1/public/responses", json=body).status_code == 201
    old = db.session.scalar(sa.select(SurveyResponse.version_id))
    data = _default()
    data["title"] = "Phiếu mới"
    new = service.import_questionnaire(data)
    db.session.commit()
    assert client.post("/api/v1/public/responses", json=body).status_code == 201
    versions = set(db.session.scalars(sa.select(SurveyResponse.version_id)))
    assert versions == {old, new.id}


def test_builder_pages_draft_edit_publish(login_as, surveys, client):
    login_as("admin")
    version = db.session.scalar(sa.select(QuestionnaireVersion))
    assert client.get(f"/surveys/versions/{version.id}").status_code == 200
    response = post_form(
        client,
        f"/surveys/questionnaires/{version.questionnaire_id}/draft",
        {},
        token_from="/surveys/questionnaires",
    )
    assert response.status_code == 302
    draft = db.session.scalars(
        sa.select(QuestionnaireVersion).order_by(QuestionnaireVersion.number.desc())
    ).first()
    assert draft.state is QuestionnaireState.DRAFT and len(draft.questions) == 27
    url = f"/surveys/versions/{draft.id}/edit"
    bad = post_form(client, url, {"definition": "title: T\nsections: []\n"})
    assert "ít nhất một phần" in bad.get_data(as_text=True)
    text = DEFAULT.read_text(encoding="utf-8").replace("Quick rating", "Quick rating (v2)")
    assert post_form(client, url, {"definition": text}).status_code == 302
    publish = post_form(
        client,
        f"/surveys/versions/{draft.id}/publish",
        {},
        token_from=f"/surveys/versions/{draft.id}",
    )
    assert publish.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuestionnaireVersion, draft.id).state is QuestionnaireState.PUBLISHED
    assert client.get(url).status_code == 302  # published: no more editing


def test_questionnaire_api(client, surveys):
    headers = api_token(client, "admin")
    listing = client.get("/api/v1/questionnaires", headers=headers).json
    assert listing[0]["code"] == "SIPAS-MC"
    bad = client.post(
        "/api/v1/questionnaires",
        headers=headers,
        json={"definition": {"code": "X", "title": "", "sections": []}},
    )
    assert bad.status_code == 422 and bad.json["error"]["details"]["errors"]
    data = _default()
    data["code"] = "SIPAS-NGAN"
    made = client.post(
        "/api/v1/questionnaires", headers=headers, json={"definition": data, "publish": True}
    )
    assert made.status_code == 201 and made.json["state"] == "published"
    got = client.get(f"/api/v1/questionnaires/versions/{made.json['id']}", headers=headers)
    assert got.json["definition"]["code"] == "SIPAS-NGAN"
