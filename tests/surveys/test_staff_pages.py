"""Staff pages: scope, channels and kiosk tokens, duty officer, inbox, posters, paper form."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import ChannelKind, Feedback, FeedbackState, Person, SurveyChannel, Unit
from tests.helpers import post_form, unit_id
from tests.surveys.conftest import channel_of, qr_of

URL = "/api/v1/public/responses"


def _logout(client) -> None:
    assert post_form(client, "/auth/logout", {}, token_from="/").status_code == 302


def _respond(client, surveys, unit_code: str, n: int = 1) -> None:
    for i in range(n):
        body = {
            "channel_code": qr_of(surveys, unit_code),
            "answers": {"officer_rating": 1 + i % 5, "overall": 3},
        }
        assert client.post(URL, json=body).status_code == 201


def test_overview_is_scoped(client, surveys, login_as):
    _respond(client, surveys, "ST-LH", 2)
    _respond(client, surveys, "ST-AN", 3)
    page = login_as("hr.xa").get("/surveys/").get_data(as_text=True)
    assert "Xã Long Hưng" in page and "Xã An Ninh" not in page
    _logout(client)
    admin = login_as("admin").get("/surveys/").get_data(as_text=True)
    assert "Xã Long Hưng" in admin and "Xã An Ninh" in admin


def test_staff_role_cannot_open_survey_pages(login_as, surveys):
    client = login_as("staff")
    assert client.get("/surveys/").status_code == 403
    assert client.get("/surveys/feedback").status_code == 403


def test_admin_creates_a_kiosk_and_gets_its_token_once(login_as, surveys, client):
    login_as("admin")
    questionnaire = db.session.scalar(sa.text("SELECT id FROM survey_questionnaires"))
    response = post_form(
        client,
        "/surveys/channels/new",
        {
            "kind": "kiosk",
            "unit_id": unit_id("ST-AN"),
            "questionnaire_id": questionnaire,
            "counter": "Quầy 2",
            "officer_id": 0,
            "label": "",
        },
    )
    assert response.status_code == 302
    channel = db.session.scalar(sa.select(SurveyChannel).where(SurveyChannel.counter == "Quầy 2"))
    assert channel.kind is ChannelKind.KIOSK and channel.token_hash is None
    page = post_form(
        client, f"/surveys/channels/{channel.id}/token", {}, token_from="/surveys/channels"
    ).get_data(as_text=True)
    token = re.search(r"#t=([A-Za-z0-9_\-]+)", page).group(1)
    assert client.get("/api/v1/public/kiosk", headers={"X-Device-Token": token}).status_code == 200
    post_form(client, f"/surveys/channels/{channel.id}/revoke", {}, token_from="/surveys/channels")
    assert client.get("/api/v1/public/kiosk", headers={"X-Device-Token": token}).status_code == 403


def test_officer_puts_only_themselves_on_duty(login_as, surveys, client):
    kiosk = channel_of("ST-LH", ChannelKind.KIOSK)
    login_as("staff")
    me = db.session.scalar(sa.text("SELECT person_id FROM accounts WHERE username = 'staff'"))
    page = client.get(f"/surveys/channels/{kiosk.id}/duty").get_data(as_text=True)
    assert page.count("<option") == 1
    other = db.session.scalar(
        sa.select(Person.id).where(Person.unit_id == unit_id("ST-LH"), Person.id != me)
    )
    refused = post_form(client, f"/surveys/channels/{kiosk.id}/duty", {"person_id": other})
    assert refused.status_code == 200  # not a valid choice for them
    assert (
        post_form(client, f"/surveys/channels/{kiosk.id}/duty", {"person_id": me}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(SurveyChannel, kiosk.id).duty_officer_id == me
    elsewhere = channel_of("ST-AN", ChannelKind.KIOSK)
    assert client.get(f"/surveys/channels/{elsewhere.id}/duty").status_code == 404


def test_proctor_sets_any_officer_of_the_unit(login_as, surveys, client):
    kiosk = channel_of("ST-LH", ChannelKind.KIOSK)
    login_as("proctor")
    person = db.session.scalars(
        sa.select(Person.id).where(Person.unit_id == unit_id("ST-LH")).order_by(Person.id.desc())
    ).first()
    assert (
        post_form(client, f"/surveys/channels/{kiosk.id}/duty", {"person_id": person}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(SurveyChannel, kiosk.id).duty_officer_id == person


def test_feedback_inbox_states_and_scope(login_as, surveys, client):
    from app.surveys.feedback import create_feedback

    lh = db.session.get(Unit, unit_id("ST-LH"))
    an = db.session.get(Unit, unit_id("ST-AN"))
    mine = create_feedback(lh, "Gọi tôi 0987654321, chờ quá lâu", kind="complaint")
    create_feedback(an, "Ở xã khác")
    db.session.commit()
    hr = login_as("hr.xa")
    inbox = hr.get("/surveys/feedback").get_data(as_text=True)
    assert "chờ quá lâu" in inbox and "Ở xã khác" not in inbox
    assert "0987654321" not in inbox
    assert hr.post(f"/surveys/feedback/{mine.id}", data={}).status_code in (400, 403)
    _logout(client)
    login_as("admin")
    url = f"/surveys/feedback/{mine.id}"
    assert post_form(client, url, {"state": "in_progress", "answer": ""}).status_code == 302
    empty = post_form(client, url, {"state": "answered", "answer": ""})
    assert "Vui lòng ghi nội dung trả lời." in empty.get_data(as_text=True)
    assert (
        post_form(client, url, {"state": "answered", "answer": "Đã bố trí thêm quầy."}).status_code
        == 302
    )
    db.session.expire_all()
    item = db.session.get(Feedback, mine.id)
    assert item.state is FeedbackState.ANSWERED and item.answered_at >= item.received_at


def test_qr_codes_and_posters(login_as, surveys, client):
    login_as("hr")
    qr = channel_of("ST-LH", ChannelKind.QR)
    base = f"/surveys/channels/{qr.id}"
    png = client.get(f"{base}/qr-receipt.png")
    assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(f"{base}/qr-receipt.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    for size in ("a5", "a6"):
        pdf = client.get(f"{base}/qr-{size}.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    kiosk = channel_of("ST-LH", ChannelKind.KIOSK)
    assert client.get(f"/surveys/channels/{kiosk.id}/qr-a5.pdf").status_code == 404
    from app.surveys.posters import qr_svg

    assert svg.data == qr_svg(f"http://localhost/s/{qr.code}")  # it encodes the channel's page


def test_printable_paper_form(login_as, surveys, client):
    login_as("hr")
    paper = db.session.scalar(
        sa.select(SurveyChannel).where(SurveyChannel.kind == ChannelKind.PAPER)
    )
    html = client.get(f"/surveys/channels/{paper.id}/paper").get_data(as_text=True)
    assert paper.unit.name in html and html.count("☐ 1. Rất không hài lòng") > 10
    assert "bootstrap" not in html


def test_comments_are_masked_for_staff(client, surveys, login_as):
    body = {
        "channel_code": qr_of(surveys, "ST-LH"),
        "answers": {
            "officer_rating": 4,
            "overall": 4,
            "comment": "Liên hệ a.b@c.vn hoặc CCCD 094123456789",
        },
    }
    assert client.post(URL, json=body).status_code == 201
    page = login_as("admin").get("/surveys/comments", follow_redirects=True).get_data(as_text=True)
    assert "a.b@c.vn" not in page and "094123456789" not in page
    export = client.get("/api/v1/surveys/responses").json
    assert export["total"] == 1
    assert "a.b@c.vn" not in str(export) and "[email đã ẩn]" in str(export)
