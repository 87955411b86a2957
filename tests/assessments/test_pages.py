"""Pages and API: scope, the no-JavaScript sheet, idempotent API posts, results."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Sheet, SheetState
from tests.assessments.conftest import full_scores
from tests.helpers import csrf_from, post_form

API = "/api/v1/assessments"


def _sheet_url(data, person) -> str:
    return f"/assessments/rounds/{data.rnd.id}/people/{person.id}/sheet"


def test_assessor_sees_only_assigned_rounds_and_covered_people(round_data, login_as):
    client = login_as("assessor")
    assert "Đánh giá giao tiếp 6 tháng" in client.get("/assessments/my").get_data(as_text=True)
    page = client.get(f"/assessments/rounds/{round_data.rnd.id}/score").get_data(as_text=True)
    assert round_data.lh[1].full_name in page and round_data.an[0].full_name not in page
    assert client.get(_sheet_url(round_data, round_data.an[0])).status_code == 404
    assert client.get("/assessments/").status_code == 403  # not a manager
    rounds = client.get(f"{API}/rounds").json
    assert [r["id"] for r in rounds] == [round_data.rnd.id]


def test_rounds_not_assigned_answer_404(round_data, login_as):
    from app.assessments import services
    from tests.assessments.conftest import unit

    other = services.open_round(
        round_data.rnd.period, round_data.rnd.rubric_version, unit("ST"), "Đợt khác",
        [unit("ST-AN")], ["live"],
    )  # fmt: skip
    services.assign_assessor(other, round_data.assessor2, unit("ST-AN"))
    db.session.commit()
    client = login_as("assessor")
    assert client.get(f"/assessments/rounds/{other.id}/score").status_code == 404
    url = f"/assessments/rounds/{other.id}/people/{round_data.an[0].id}/sheet"
    assert client.get(url).status_code == 404
    assert [r["id"] for r in client.get(f"{API}/rounds").json] == [round_data.rnd.id]


def test_search_ignores_diacritics(round_data, login_as):
    person = round_data.lh[1]
    given = person.full_name.split()[-1]
    from app.text import fold

    page = login_as("assessor").get(
        f"/assessments/rounds/{round_data.rnd.id}/score", query_string={"q": fold(given)}
    )
    assert person.full_name in page.get_data(as_text=True)


def test_sheet_without_javascript_saves_then_submits(round_data, login_as):
    client = login_as("assessor")
    person = round_data.lh[1]
    url = _sheet_url(round_data, person)
    page = client.get(url).get_data(as_text=True)
    assert "Không chào, không nhìn người dân" in page  # descriptors visible
    scores = {f"score-{k}": v for k, v in full_scores(round_data.rnd.rubric_version, 2).items()}
    form = {"method": "live", "scenario": "", "client_key": "page-key-0001", **scores}
    saved = post_form(client, url, {**form, "action": "save"})
    assert saved.status_code == 302
    sheet = db.session.scalar(sa.select(Sheet).where(Sheet.client_key == "page-key-0001"))
    assert sheet.state is SheetState.DRAFT
    done = post_form(client, url, {**form, "action": "submit"})
    assert done.status_code == 302
    db.session.refresh(sheet)
    assert sheet.state is SheetState.SUBMITTED
    assert db.session.scalar(sa.select(sa.func.count(Sheet.id))) == 1


def test_api_post_is_exactly_once_by_client_key(round_data, login_as):
    client = login_as("assessor")
    token = csrf_from(client, _sheet_url(round_data, round_data.lh[1]))
    body = {
        "round_id": round_data.rnd.id,
        "person_id": round_data.lh[1].id,
        "method": "role_play",
        "scenario": "Người dân bức xúc vì trễ hẹn",
        "client_key": "offline-key-42",
        "scores": full_scores(round_data.rnd.rubric_version, 3),
        "submit": True,
    }
    headers = {"X-CSRFToken": token}
    first = client.post(f"{API}/sheets", json=body, headers=headers)
    again = client.post(f"{API}/sheets", json=body, headers=headers)  # resent after reconnect
    assert first.status_code == again.status_code == 200
    assert first.json["id"] == again.json["id"] and again.json["state"] == "submitted"
    assert first.json["percent"] == 1.0
    assert db.session.scalar(sa.select(sa.func.count(Sheet.id))) == 1
    bad = client.post(
        f"{API}/sheets", json={**body, "client_key": "other-key-1", "scores": {"chao-hoi": 9}},
        headers=headers,
    )  # fmt: skip
    assert bad.status_code == 409  # the live sheet for this combination is already submitted


def test_api_refuses_a_bad_level_with_a_clear_error(round_data, login_as):
    client = login_as("assessor")
    token = csrf_from(client, _sheet_url(round_data, round_data.lh[2]))
    body = {
        "round_id": round_data.rnd.id,
        "person_id": round_data.lh[2].id,
        "method": "live",
        "client_key": "bad-level-1",
        "scores": {"chao-hoi": 9},
    }
    response = client.post(f"{API}/sheets", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 422 and response.json["error"]["code"] == "bad_level"


def test_manager_pages_and_results(round_data, login_as):
    from app.assessments import services

    version = round_data.rnd.rubric_version
    for assessor, level in ((round_data.assessor, 0), (round_data.assessor2, 3)):
        sheet = services.save_draft(
            round_data.rnd, assessor, round_data.lh[1], "live", "", client_key=None,
            scores=full_scores(version, level),
        )  # fmt: skip
        services.submit_sheet(sheet)
    db.session.commit()
    client = login_as("hr")
    assert "Đánh giá giao tiếp 6 tháng" in client.get("/assessments/").get_data(as_text=True)
    page = client.get(f"/assessments/rounds/{round_data.rnd.id}/results").get_data(as_text=True)
    assert round_data.lh[1].full_name in page and "disagreement" in page
    data = client.get(f"{API}/rounds/{round_data.rnd.id}/results").json
    officer = data["officers"][0]
    assert officer["percent"] == 0.5 and officer["passed"] is True
    assert len(officer["flagged"]) == len(version.criteria)
    assert data["reliability"]["n_assessors"] == 2
    assert client.get(f"/assessments/rounds/{round_data.rnd.id}").status_code == 200


def test_commune_hr_cannot_see_a_province_round(round_data, login_as):
    client = login_as("hr.xa")
    assert client.get(f"/assessments/rounds/{round_data.rnd.id}").status_code == 404
    assert client.get(f"{API}/rounds/{round_data.rnd.id}/results").status_code == 404


def test_saved_draft_is_shown_again_and_correction_page_makes_a_revision(round_data, login_as):
    from app.assessments import services

    client = login_as("assessor")
    person = round_data.lh[1]
    version = round_data.rnd.rubric_version
    draft = services.save_draft(
        round_data.rnd, round_data.assessor, person, "live", "", client_key="draft-key-77",
        scores={"chao-hoi": 1},
    )  # fmt: skip
    db.session.commit()
    page = client.get(_sheet_url(round_data, person)).get_data(as_text=True)
    assert re.search(r'name="score-chao-hoi" value="1"\s+checked', page)
    assert not re.search(r'name="score-lang-nghe" value="\d"\s+checked', page)
    assert "draft-key-77" in page  # the same client key: JS resends land on this draft
    services.fill_sheet(draft, full_scores(version, 1), {})
    services.submit_sheet(draft)
    db.session.commit()
    scores = {f"score-{k}": v for k, v in full_scores(version, 2).items()}
    url = f"/assessments/sheets/{draft.id}/correct"
    refused = post_form(client, url, scores, token_from=_sheet_url(round_data, person))
    assert refused.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Sheet.id))) == 1  # no reason: nothing
    done = post_form(
        client,
        url,
        {**scores, "reason": "Nhập nhầm mức"},
        token_from=_sheet_url(round_data, person),
    )
    assert done.status_code == 302
    new = db.session.scalar(sa.select(Sheet).where(Sheet.supersedes_id == draft.id))
    assert new.revision == 2 and new.correction_reason == "Nhập nhầm mức"
    assert new.percent == 2 / 3


def test_manager_assigns_an_assessor_and_declares_a_conflict(round_data, login_as):
    from app.models import Conflict, RoundAssessor
    from tests.assessments.conftest import unit

    client = login_as("hr")
    url = f"/assessments/rounds/{round_data.rnd.id}"
    an = unit("ST-AN")
    response = post_form(client, url, {"a-account": round_data.assessor.id, "a-unit": an.id})
    assert response.status_code == 302
    row = db.session.scalar(
        sa.select(RoundAssessor).filter_by(account_id=round_data.assessor.id, unit_id=an.id)
    )
    assert row is not None
    person = round_data.an[0]
    data = {"c-account": round_data.assessor.id, "c-person": person.id, "c-reason": "Vợ chồng"}
    assert post_form(client, url, data).status_code == 302
    conflict = db.session.scalar(sa.select(Conflict).filter_by(person_id=person.id))
    assert conflict.reason == "Vợ chồng"
    assert "Vợ chồng" in client.get(url).get_data(as_text=True)
