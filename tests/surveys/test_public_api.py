"""POST /api/v1/public/responses: every channel, bad input refused with nothing stored."""

from __future__ import annotations

import unicodedata

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import SurveyAnswer, SurveyQuestion
from tests.surveys.conftest import count_responses, kiosk_of, qr_of

URL = "/api/v1/public/responses"
GOOD = {"officer_rating": 5, "overall": 4}


def post(client, body, **kw):
    return client.post(URL, json=body, **kw)


def test_qr_response_is_stored_with_its_answers(client, surveys):
    answers = {
        **GOOD,
        "attitude": "than_thien",
        "supplement_times": 2,
        "supplement_reason": ["huong_dan", "yeu_cau_moi"],
        "extra_papers": False,
        "comment": "Rất tốt",
    }
    response = post(client, {"channel_code": qr_of(surveys, "ST-LH"), "answers": answers})
    assert response.status_code == 201, response.json
    assert response.json == {"status": "stored", "verified": False, "flagged_for_review": False}
    rows = db.session.execute(
        sa.select(SurveyQuestion.key, SurveyAnswer.choice, SurveyAnswer.number, SurveyAnswer.text)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .order_by(SurveyQuestion.position, SurveyAnswer.choice)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("officer_rating", "", 5, None),
        ("attitude", "than_thien", None, None),
        ("supplement_times", "", 2, None),
        ("supplement_reason", "huong_dan", None, None),
        ("supplement_reason", "yeu_cau_moi", None, None),
        ("extra_papers", "", 0, None),
        ("overall", "", 4, None),
        ("comment", "", None, "Rất tốt"),
    ]


def test_questionnaire_is_served_for_a_channel(client, surveys):
    response = client.get(f"/api/v1/public/questionnaires/{qr_of(surveys, 'ST-LH')}")
    assert response.status_code == 200
    keys = [q["key"] for s in response.json["sections"] for q in s["questions"]]
    assert keys[:2] == ["officer_rating", "attitude"] and "comment" in keys
    assert client.get("/api/v1/public/questionnaires/NOPE1234").status_code == 404


BAD = [
    ({"officer_rating": 6, "overall": 4}, "officer_rating"),
    ({"officer_rating": 0, "overall": 4}, "officer_rating"),
    ({"officer_rating": "năm", "overall": 4}, "officer_rating"),
    ({"officer_rating": True, "overall": 4}, "officer_rating"),
    ({"overall": 4}, "officer_rating"),  # required
    ({**GOOD, "no_such_question": 1}, "no_such_question"),
    ({**GOOD, "attitude": "gian_du"}, "attitude"),
    ({**GOOD, "supplement_reason": ["huong_dan"]}, "supplement_reason"),  # condition unmet
    ({**GOOD, "supplement_times": 1, "supplement_reason": ["huong_dan"]}, "supplement_reason"),
    ({**GOOD, "supplement_times": 99}, "supplement_times"),
    ({**GOOD, "supplement_times": 2.5}, "supplement_times"),
    ({**GOOD, "extra_papers": "maybe"}, "extra_papers"),
    ({**GOOD, "supplement_times": 2, "supplement_reason": ["x"]}, "supplement_reason"),
    ({**GOOD, "late": "co", "late_apology": [1]}, "late_apology"),
    ({**GOOD, "comment": "x" * 2001}, "comment"),
    ({**GOOD, "comment": "x" * (1024 * 1024)}, "comment"),  # a 1 MB comment
    ({**GOOD, "comment": 42}, "comment"),
]


@pytest.mark.parametrize(("answers", "key"), BAD)
def test_bad_answers_are_refused_and_nothing_stored(client, surveys, answers, key):
    response = post(client, {"channel_code": qr_of(surveys, "ST-LH"), "answers": answers})
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid_answers"
    assert key in response.json["error"]["details"]
    assert count_responses() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyAnswer)) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"answers": GOOD},  # neither code
        {"channel_code": "X", "dossier_code": "Y", "answers": GOOD},  # both
        {"channel_code": "ABC", "answers": "five"},
        {"channel_code": "ABC"},
        {"channel_code": "ABC", "answers": GOOD, "idempotency_key": "bad key!"},
    ],
)
def test_malformed_bodies_are_422(client, surveys, body):
    response = post(client, body)
    assert response.status_code == 422
    assert set(response.json["error"]) == {"code", "message", "details"}
    assert count_responses() == 0


def test_kiosk_channel_code_without_its_token_is_refused(client, surveys):
    code, _token = kiosk_of(surveys, "ST-LH")
    response = post(client, {"channel_code": code, "answers": {"officer_rating": 4}})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "device_token_required"
    assert count_responses() == 0


def test_text_is_stored_nfc_and_html_as_text(client, surveys, login_as):
    nfd = unicodedata.normalize("NFD", "Cán bộ tận tình <script>alert(1)</script> gọi 0912 345 678")
    body = {"channel_code": qr_of(surveys, "ST-LH"), "answers": {**GOOD, "comment": nfd}}
    assert post(client, body).status_code == 201
    stored = db.session.scalar(sa.select(SurveyAnswer.text).where(SurveyAnswer.text.is_not(None)))
    assert stored == unicodedata.normalize("NFC", nfd)
    page = login_as("admin").get("/surveys/comments", follow_redirects=True).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "0912 345 678" not in page and "[số điện thoại đã ẩn]" in page


def test_revoked_qr_channel_is_refused(client, surveys):
    from app.surveys.channels import channel_by_code, revoke_channel

    code = qr_of(surveys, "ST-LH")
    revoke_channel(channel_by_code(code))
    db.session.commit()
    response = post(client, {"channel_code": code, "answers": GOOD})
    assert response.status_code == 403
    assert response.json["error"]["code"] == "channel_closed"
    assert count_responses() == 0


def test_openapi_documents_the_public_api(client, surveys):
    spec = client.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/public/responses",
        "/api/v1/public/questionnaires/{channel_code}",
        "/api/v1/dossiers",
        "/api/v1/surveys/responses",
        "/api/v1/public/kiosk",
    ):
        assert path in spec["paths"], path
