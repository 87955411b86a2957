"""The HR API: list shapes with evidence, cases, decisions, errors, scope, OpenAPI."""

from __future__ import annotations

from datetime import date

from tests.helpers import api_token, unit_id
from tests.hr.history import add_ratings

EVIDENCE_KEYS = {
    "period", "unit", "position", "components", "missing", "meets", "knowledge_percent",
    "periods_met", "reasons", "ratings", "policy",
}  # fmt: skip


def test_lists_over_the_api(history, client):
    h = history
    add_ratings(h.d, date(2025, 2, 1), 40, 22)
    headers = api_token(client, "hr")
    body = client.get(f"/api/v1/hr/commendations?period_id={h.p3.id}", headers=headers).json
    assert body["period"] == {"id": h.p3.id, "name": "Kỳ thử 3"}
    by_id = {e["person_id"]: e for e in body["entries"]}
    assert set(by_id) == {h.a.id, h.d.id, h.outside.id}
    assert set(by_id[h.a.id]["evidence"]) == EVIDENCE_KEYS
    assert [p["name"] for p in by_id[h.a.id]["evidence"]["periods_met"]] == ["Kỳ thử 3", "Kỳ thử 1"]
    assert by_id[h.a.id]["case_id"] is None
    body = client.get(f"/api/v1/hr/reassignments?period_id={h.p3.id}", headers=headers).json
    reasons = {e["person_id"]: e["evidence"]["reasons"] for e in body["entries"]}
    assert reasons == {h.b.id: ["knowledge_failed"], h.d.id: ["satisfaction_below"]}
    ratings = next(e for e in body["entries"] if e["person_id"] == h.d.id)["evidence"]["ratings"]
    assert ratings["n"] == 40 and round(ratings["upper"], 4) == 0.6929
    assert [e["person_id"] for e in body["insufficient"]] == [h.e.id]
    xa = client.get(
        f"/api/v1/hr/commendations?period_id={h.p3.id}", headers=api_token(client, "hr.xa")
    ).json
    assert {e["person_id"] for e in xa["entries"]} == {h.a.id, h.d.id}


def test_cases_and_decisions_over_the_api(history, client):
    h = history
    headers = api_token(client, "hr")
    case_in = {"person_id": h.b.id, "period_id": h.p3.id, "kind": "reassignment_review"}
    created = client.post("/api/v1/hr/cases", json=case_in, headers=headers)
    assert created.status_code == 201 and created.json["state"] == "open"
    again = client.post("/api/v1/hr/cases", json=case_in, headers=headers)
    assert again.status_code == 200 and again.json["id"] == created.json["id"]
    url = f"/api/v1/hr/cases/{created.json['id']}/decisions"
    target, home = unit_id("ST-TTHCC"), h.b.unit_id
    decision = {
        "decision": "reassign", "reason": "Chuyển bộ phận hỗ trợ.", "new_unit_id": target,
        "new_position": "Nhân viên hỗ trợ", "effective_on": "2025-08-01",
        "decision_ref": "7/QĐ-SNV",
    }  # fmt: skip
    first = client.post(url, json=decision, headers=headers)
    assert first.status_code == 201, first.json
    assert first.json["new_unit_id"] == target and first.json["assignment_id"]
    stale = client.post(url, json={**decision, "decision": "keep"}, headers=headers)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    second = client.post(
        url, json={"decision": "keep", "reason": "Xem lại.", "supersedes_id": first.json["id"]},
        headers=headers,
    )  # fmt: skip
    assert second.status_code == 201 and second.json["supersedes_id"] == first.json["id"]
    case = client.get(f"/api/v1/hr/cases/{created.json['id']}", headers=headers).json
    assert [(d["decision"], d["superseded"]) for d in case["decisions"]] == [
        ("reassign", True),
        ("keep", False),
    ]
    # "keep" in place of the reassignment: the person is back where they were
    assert client.get(f"/api/v1/staff/{h.b.id}", headers=headers).json["unit_id"] == home
    assert (
        second.json["assignment_id"] and second.json["assignment_id"] != first.json["assignment_id"]
    )


def test_api_errors_have_the_one_shape(history, client):
    h = history
    headers = api_token(client, "hr")
    bad = client.post("/api/v1/hr/cases", json={"person_id": h.b.id}, headers=headers)
    assert bad.status_code == 422 and set(bad.json["error"]) == {"code", "message", "details"}
    not_listed = client.post(
        "/api/v1/hr/cases",
        json={"person_id": h.a.id, "period_id": h.p3.id, "kind": "reassignment_review"},
        headers=headers,
    )
    assert not_listed.status_code == 422 and not_listed.json["error"]["code"] == "not_listed"
    case = client.post(
        "/api/v1/hr/cases",
        json={"person_id": h.outside.id, "period_id": h.p3.id, "kind": "commendation"},
        headers=headers,
    ).json
    url = f"/api/v1/hr/cases/{case['id']}/decisions"
    blank = client.post(url, json={"decision": "commend", "reason": "   "}, headers=headers)
    assert blank.status_code == 422 and "reason" in str(blank.json["error"]["details"])
    wrong = client.post(url, json={"decision": "reassign", "reason": "x"}, headers=headers)
    assert wrong.status_code == 422 and "decision" in wrong.json["error"]["details"]
    xa = api_token(client, "hr.xa")
    assert client.get(f"/api/v1/hr/cases/{case['id']}", headers=xa).status_code == 404
    commend = {"decision": "commend", "reason": "x"}
    assert client.post(url, json=commend, headers=xa).status_code == 404
    staff = api_token(client, "staff")
    assert client.get("/api/v1/hr/commendations", headers=staff).status_code == 403
    assert client.get("/api/v1/hr/my-decisions", headers=staff).json == []


def test_openapi_lists_the_hr_paths(demo, client):
    paths = set(client.get("/api/v1/openapi.json").json["paths"])
    assert {
        "/api/v1/verdicts", "/api/v1/hr/commendations", "/api/v1/hr/reassignments",
        "/api/v1/hr/cases", "/api/v1/hr/cases/{case_id}", "/api/v1/hr/cases/{case_id}/decisions",
        "/api/v1/hr/my-decisions",
    } <= paths  # fmt: skip
