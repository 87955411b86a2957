"""Citizens' pages: light, self-contained, usable without JavaScript, Vietnamese / English."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Dossier, Feedback
from tests.helpers import csrf_from
from tests.surveys.conftest import count_responses, qr_of

BUDGET = 100 * 1024
ASSET = re.compile(r'(?:href|src)="([^"]+)"')


def _weight(client, url: str) -> int:
    """Bytes of the page plus every stylesheet and script it loads (images excluded)."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.get_data(as_text=True)
    total = len(response.get_data())
    for ref in ASSET.findall(html):
        assert not ref.startswith(("http:", "https:", "//")), f"outside resource {ref}"
        if ref.endswith((".css", ".js")):
            total += len(client.get(ref.split("?")[0]).get_data())
    assert "bootstrap" not in html
    return total


@pytest.mark.parametrize("page", ["qr", "dossier", "kiosk", "thanks", "feedback"])
def test_public_pages_stay_under_100_kb(client, surveys, page):
    code = qr_of(surveys, "ST-LH")
    url = {
        "qr": f"/s/{code}",
        "dossier": "/s/ho-so",
        "kiosk": "/s/kiosk",
        "thanks": f"/s/cam-on?c={code}",
        "feedback": f"/s/{code}/gop-y",
    }[page]
    assert _weight(client, url) < BUDGET


def test_every_question_has_a_label(client, surveys):
    html = client.get(f"/s/{qr_of(surveys, 'ST-LH')}").get_data(as_text=True)
    assert html.count("<fieldset") == html.count("<legend>") == 27
    for match in re.finditer(r'<input class="num" id="([^"]+)"|<textarea id="([^"]+)"', html):
        ident = match.group(1) or match.group(2)
        assert f'for="{ident}"' in html


def test_form_post_without_javascript_stores_a_response(client, surveys):
    url = f"/s/{qr_of(surveys, 'ST-LH')}"
    token = csrf_from(client, url)
    data = {
        "csrf_token": token,
        "key": "form-key-000001",
        "q_officer_rating": "4",
        "q_overall": "5",
        "q_supplement_times": "0",
        "q_supplement_reason": "huong_dan",  # hidden follow-up: ignored, not an error
        "q_extra_papers": "no",
        "q_comment": "Tốt",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert "/s/cam-on" in response.headers["Location"]
    assert client.post(url, data=data).status_code == 302  # a double click: same key
    assert count_responses() == 1


def test_form_errors_are_shown_and_nothing_stored(client, surveys):
    url = f"/s/{qr_of(surveys, 'ST-LH')}"
    data = {"csrf_token": csrf_from(client, url), "q_officer_rating": "7"}
    response = client.post(url, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html and "Mức đánh giá phải từ 1 đến 5." in html
    assert "Vui lòng trả lời câu hỏi này." in html  # overall is required
    assert count_responses() == 0


def test_english_switch(client, surveys):
    url = f"/s/{qr_of(surveys, 'ST-LH')}"
    html = client.get(url + "?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "How satisfied are you with the officer who has just served you?" in html
    assert "Very satisfied" in html


def test_dossier_page_flow(client, surveys):
    code = surveys.dossiers[0]
    token = csrf_from(client, "/s/ho-so")
    step = client.post("/s/ho-so", data={"csrf_token": token, "dossier_code": code})
    assert step.status_code == 200 and 'name="step" value="answer"' in step.get_data(as_text=True)
    assert db.session.scalar(sa.select(Dossier.used).where(Dossier.code == code)) is False
    data = {
        "csrf_token": token,
        "dossier_code": code,
        "step": "answer",
        "q_officer_rating": "5",
        "q_overall": "5",
    }
    assert client.post("/s/ho-so", data=data).status_code == 302
    assert count_responses(verified=True) == 1
    again = client.post("/s/ho-so", data=data)
    assert again.status_code == 422
    assert "đã được đánh giá" in again.get_data(as_text=True)
    unknown = client.post("/s/ho-so", data={"csrf_token": token, "dossier_code": "HS-0000-0000"})
    assert unknown.status_code == 422 and "không đúng" in unknown.get_data(as_text=True)


def test_feedback_needs_consent_for_contact(client, surveys):
    url = f"/s/{qr_of(surveys, 'ST-LH')}/gop-y"
    token = csrf_from(client, url)
    refused = client.post(
        url, data={"csrf_token": token, "body": "Quá đông", "contact": "0912345678"}
    )
    assert refused.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0
    ok = client.post(
        url,
        data={
            "csrf_token": token,
            "body": "Quá đông",
            "kind": "complaint",
            "consent": "yes",
            "contact": "0912345678",
        },
    )
    assert ok.status_code == 200
    item = db.session.scalar(sa.select(Feedback))
    assert (item.kind, item.contact, item.consent) == ("complaint", "0912345678", True)
    assert item.received_at.minute == 0 and item.received_at.second == 0


def test_kiosk_code_has_no_public_form(client, surveys):
    code = next(c for unit, c, _t in surveys.kiosks if unit == "ST-LH")
    assert client.get(f"/s/{code}").status_code == 404
