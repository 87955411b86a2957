"""Sheet API: update a draft by id, submit, revise with a reason (a new audited revision),
scope (own sheets only) and the JSON error shape; new paths are in the OpenAPI document."""

from __future__ import annotations

import sqlalchemy as sa

from app.assessments import services
from app.extensions import db
from app.models import AuditEvent, Sheet
from tests.assessments.conftest import full_scores
from tests.helpers import api_token

API = "/api/v1/assessments"


def _new(client, data, headers, person, key="api-sheet-0001", **extra):
    body = {"round_id": data.rnd.id, "person_id": person.id, "method": "live",
            "client_key": key, "scores": {"chao-hoi": 1}, **extra}  # fmt: skip
    response = client.post(f"{API}/sheets", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_update_submit_and_revise_with_reason(client, round_data):
    me = api_token(client, "assessor")
    version = round_data.rnd.rubric_version
    sheet = _new(client, round_data, me, round_data.lh[1])
    url = f"{API}/sheets/{sheet['id']}"
    incomplete = client.post(f"{url}/submit", headers=me)
    assert incomplete.status_code == 422 and incomplete.json["error"]["code"] == "incomplete"
    assert "lang-nghe" in incomplete.json["error"]["details"]["missing"]
    put = client.put(url, json={"scores": full_scores(version, 1), "scenario": "Trễ hẹn",
                                "notes": {"chao-hoi": "Không đeo thẻ"}}, headers=me)  # fmt: skip
    assert put.status_code == 200 and put.json["scenario"] == "Trễ hẹn"
    assert put.json["notes"] == {"chao-hoi": "Không đeo thẻ"}
    done = client.post(f"{url}/submit", headers=me)
    assert done.status_code == 200 and done.json["percent"] == 1 / 3
    assert client.post(f"{url}/submit", headers=me).status_code == 409  # second submit
    assert client.put(url, json={"scores": {}}, headers=me).status_code == 409
    no_reason = client.post(f"{url}/revise", json={"scores": full_scores(version, 2)}, headers=me)
    assert no_reason.status_code == 422
    assert set(no_reason.json["error"]) == {"code", "message", "details"}
    revised = client.post(
        f"{url}/revise", json={"scores": full_scores(version, 2), "reason": "Chấm nhầm mức"},
        headers=me,
    )  # fmt: skip
    assert revised.status_code == 201, revised.json
    new = revised.json
    assert new["revision"] == 2 and new["supersedes_id"] == sheet["id"]
    assert new["correction_reason"] == "Chấm nhầm mức" and new["percent"] == 2 / 3
    assert new["notes"] == {"chao-hoi": "Không đeo thẻ"}  # kept when not sent
    old = db.session.get(Sheet, sheet["id"])
    assert old.scores == full_scores(version, 1) and not old.is_live  # kept, superseded
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "assess.correct"))
    assert event.reason == "Chấm nhầm mức" and event.target_id == str(new["id"])
    assert event.before["sheet"] == sheet["id"] and event.actor_name == "assessor"
    again = client.post(f"{url}/revise", json={"scores": full_scores(version, 3),
                                               "reason": "lần nữa"}, headers=me)  # fmt: skip
    assert again.status_code == 409 and again.json["error"]["code"] == "not_correctable"
    assert client.get(f"{API}/sheets/{new['id']}", headers=me).json["revision"] == 2


def test_bad_levels_and_drafts_cannot_be_revised(client, round_data):
    me = api_token(client, "assessor")
    sheet = _new(client, round_data, me, round_data.lh[2], key="api-sheet-0002")
    url = f"{API}/sheets/{sheet['id']}"
    bad = client.put(url, json={"scores": {"chao-hoi": 7}}, headers=me)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "bad_level"
    draft = client.post(f"{url}/revise", json={"scores": {}, "reason": "x"}, headers=me)
    assert draft.status_code == 409 and draft.json["error"]["code"] == "not_correctable"


def test_sheets_of_others_answer_404(client, round_data):
    other = services.save_draft(
        round_data.rnd, round_data.assessor2, round_data.lh[1], "live", "", client_key=None,
        scores={},
    )  # fmt: skip
    db.session.commit()
    me = api_token(client, "assessor")
    url = f"{API}/sheets/{other.id}"
    assert client.get(url, headers=me).status_code == 404
    assert client.put(url, json={"scores": {}}, headers=me).status_code == 404
    assert client.post(f"{url}/submit", headers=me).status_code == 404
    response = client.post(f"{url}/revise", json={"scores": {}, "reason": "x"}, headers=me)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    hr = api_token(client, "hr")
    assert client.get(url, headers=hr).status_code == 403  # managers do not score


def test_round_get_and_reliability_scope(client, round_data):
    rid = round_data.rnd.id
    assert client.get(f"{API}/rounds/{rid}", headers=api_token(client, "hr")).status_code == 200
    assert client.get(f"{API}/rounds/{rid}",
                      headers=api_token(client, "hr.xa")).status_code == 404  # fmt: skip
    assert client.get(f"{API}/rounds/{rid}/reliability",
                      headers=api_token(client, "hr.xa")).status_code == 404  # fmt: skip
    rel = client.get(f"{API}/rounds/{rid}/reliability", headers=api_token(client, "hr")).json
    assert rel["reason"] and rel["criteria"][0]["icc"]["forms"]["icc2_1"]["value"] is None
    assert rel["criteria"][0]["icc"]["forms"]["icc2_1"]["reason"]


def test_openapi_lists_the_assessment_endpoints(client, demo):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/assessments/rubrics", "/api/v1/assessments/rubrics/{rubric_id}",
        "/api/v1/assessments/rubric-versions/{version_id}/approve",
        "/api/v1/assessments/rounds/{round_id}", "/api/v1/assessments/rounds/{round_id}/close",
        "/api/v1/assessments/rounds/{round_id}/reliability",
        "/api/v1/assessments/sheets/{sheet_id}", "/api/v1/assessments/sheets/{sheet_id}/revise",
    ):  # fmt: skip
        assert path in paths, path
    assert "put" in paths["/api/v1/assessments/sheets/{sheet_id}"]
