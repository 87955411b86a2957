"""Closing a round: no new sheets, no draft changes, no submission or correction; the
submitted sheets stay and count; reopening needs a reason; both audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.assessments import services
from app.extensions import db
from app.models import AuditEvent, RoundState, Sheet
from tests.assessments.conftest import full_scores
from tests.helpers import api_token, csrf_from, post_form

API = "/api/v1/assessments"


def _draft(data, person, key, level=None):
    scores = full_scores(data.rnd.rubric_version, level) if level is not None else {}
    return services.save_draft(
        data.rnd, data.assessor, person, "live", "", client_key=key, scores=scores
    )


def test_closed_round_takes_no_new_sheet_and_keeps_submitted_ones(round_data):
    rnd, version = round_data.rnd, round_data.rnd.rubric_version
    done = services.submit_sheet(_draft(round_data, round_data.lh[1], "closed-key-1", 2))
    draft = _draft(round_data, round_data.lh[2], "closed-key-2")
    services.close_round(rnd, "Hết thời gian đánh giá")
    db.session.commit()
    assert rnd.state is RoundState.CLOSED
    refusals = [
        lambda: services.start_sheet(rnd, round_data.assessor2, round_data.lh[3], "live"),
        lambda: _draft(round_data, round_data.lh[2], "closed-key-2", 1),  # the same draft
        lambda: services.fill_sheet(draft, full_scores(version, 1), {}),
        lambda: services.submit_sheet(draft),
        lambda: services.correct_sheet(done, full_scores(version, 3), None, "nhầm"),
    ]
    for refuse in refusals:
        with pytest.raises(services.AssessError) as exc:
            refuse()
        assert exc.value.code == "round_closed" and exc.value.status == 409
        db.session.rollback()
    # the offline replay of a submitted sheet stays a harmless no-op
    assert _draft(round_data, round_data.lh[1], "closed-key-1", 0).id == done.id
    result = services.officer_result(rnd, round_data.lh[1].id)
    assert result.n_sheets == 1 and result.percent == pytest.approx(2 / 3)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "assess.close_round")
    )
    assert event.reason == "Hết thời gian đánh giá" and event.after == {"state": "closed"}
    with pytest.raises(services.AssessError):
        services.close_round(rnd)  # closing twice


def test_reopen_needs_a_reason_and_allows_sheets_again(round_data):
    rnd = round_data.rnd
    services.close_round(rnd)
    with pytest.raises(services.AssessError) as exc:
        services.reopen_round(rnd, "  ")
    assert exc.value.code == "reason_required"
    services.reopen_round(rnd, "Cần sửa một phiếu chấm nhầm")
    db.session.commit()
    assert rnd.state is RoundState.OPEN
    services.start_sheet(rnd, round_data.assessor, round_data.lh[1], "live")
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "assess.reopen_round")
    )
    assert event.reason == "Cần sửa một phiếu chấm nhầm"


def test_close_and_reopen_pages(round_data, login_as):
    client = login_as("hr")
    url = f"/assessments/rounds/{round_data.rnd.id}"
    assert post_form(client, f"{url}/close", {"reason": ""}, token_from=url).status_code == 302
    db.session.refresh(round_data.rnd)
    assert round_data.rnd.state is RoundState.CLOSED
    assert "Mở lại đợt" in client.get(url).get_data(as_text=True)
    post_form(client, f"{url}/reopen", {"reason": ""}, token_from=url)  # refused: no reason
    db.session.refresh(round_data.rnd)
    assert round_data.rnd.state is RoundState.CLOSED
    post_form(client, f"{url}/reopen", {"reason": "Bổ sung phiếu"}, token_from=url)
    db.session.refresh(round_data.rnd)
    assert round_data.rnd.state is RoundState.OPEN


def test_assessor_sees_the_closed_round_and_cannot_post(round_data, app, login_as):
    services.close_round(round_data.rnd)
    db.session.commit()
    client = login_as("assessor")
    page = client.get(f"/assessments/rounds/{round_data.rnd.id}/score").get_data(as_text=True)
    assert "round-closed" in page
    url = f"/assessments/rounds/{round_data.rnd.id}/people/{round_data.lh[1].id}/sheet"
    scores = {f"score-{k}": v for k, v in full_scores(round_data.rnd.rubric_version, 2).items()}
    form = {"method": "live", "scenario": "", "client_key": "closed-page-1", "action": "save"}
    response = post_form(client, url, {**form, **scores})
    assert response.status_code == 200 and "Đợt đánh giá đã kết thúc" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(sa.select(sa.func.count(Sheet.id))) == 0
    token = csrf_from(client, url)
    body = {"round_id": round_data.rnd.id, "person_id": round_data.lh[1].id, "method": "live",
            "client_key": "closed-api-1", "scores": {}}  # fmt: skip
    api = client.post(f"{API}/sheets", json=body, headers={"X-CSRFToken": token})
    assert api.status_code == 409 and api.json["error"]["code"] == "round_closed"
    assert set(api.json["error"]) == {"code", "message", "details"}


def test_close_round_api_scope_and_audit(client, round_data):
    hr = api_token(client, "hr")
    rid = round_data.rnd.id
    assert client.post(f"{API}/rounds/{rid}/close", json={},
                       headers=api_token(client, "hr.xa")).status_code == 404  # fmt: skip
    assert client.post(f"{API}/rounds/{rid}/close", json={},
                       headers=api_token(client, "assessor")).status_code == 403  # fmt: skip
    closed = client.post(f"{API}/rounds/{rid}/close", json={"reason": "Kết thúc"}, headers=hr)
    assert closed.status_code == 200 and closed.json["state"] == "closed"
    twice = client.post(f"{API}/rounds/{rid}/close", json={}, headers=hr)
    assert twice.status_code == 409 and twice.json["error"]["code"] == "round_state"
    no_reason = client.post(f"{API}/rounds/{rid}/reopen", json={}, headers=hr)
    assert no_reason.status_code == 422 and no_reason.json["error"]["code"] == "reason_required"
    got = client.get(f"{API}/rounds/{rid}", headers=api_token(client, "assessor"))
    assert got.status_code == 200 and got.json["state"] == "closed"
    assert {a["account_id"] for a in got.json["assessors"]} == {
        round_data.assessor.id, round_data.assessor2.id,
    }  # fmt: skip
