"""Unit heads and HR answer the feedback of the units they oversee (surveys.view in scope),
along received → in progress → answered, audited; never outside their scope."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Account, AuditEvent, Feedback, FeedbackState, Unit
from app.surveys.feedback import create_feedback
from tests.helpers import csrf_from, post_form, unit_id


def _items() -> tuple[Feedback, Feedback]:
    mine = create_feedback(db.session.get(Unit, unit_id("ST-LH")), "Chờ quá lâu", kind="complaint")
    other = create_feedback(db.session.get(Unit, unit_id("ST-AN")), "Ở xã khác")
    db.session.commit()
    return mine, other


def test_unit_hr_moves_and_answers_feedback_in_scope(login_as, surveys, client):
    mine, _other = _items()
    login_as("hr.xa")
    url = f"/surveys/feedback/{mine.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="in_progress"' in page and 'value="answered"' in page
    assert post_form(client, url, {"state": "in_progress", "answer": ""}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="in_progress"' not in page  # only the allowed next state is offered
    empty = post_form(client, url, {"state": "answered", "answer": "  "})
    assert "Vui lòng ghi nội dung trả lời." in empty.get_data(as_text=True)
    done = post_form(client, url, {"state": "answered", "answer": "Đã bố trí thêm quầy."})
    assert done.status_code == 302
    db.session.expire_all()
    item = db.session.get(Feedback, mine.id)
    hr_xa = db.session.scalar(sa.select(Account.id).where(Account.username == "hr.xa"))
    assert (item.state, item.answer, item.handled_by_id) == (
        FeedbackState.ANSWERED,
        "Đã bố trí thêm quầy.",
        hr_xa,
    )
    moves = db.session.execute(
        sa.select(AuditEvent.actor_name, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.action == "survey.feedback_move", AuditEvent.target_id == str(mine.id))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(m) for m in moves] == [
        ("hr.xa", {"state": "received"}, {"state": "in_progress"}),
        ("hr.xa", {"state": "in_progress"}, {"state": "answered"}),
    ]
    again = post_form(
        client, url, {"state": "answered", "answer": "Sửa lại"}, token_from="/surveys/feedback"
    )
    assert again.status_code == 200  # answered is final: no state is offered any more
    db.session.expire_all()
    assert db.session.get(Feedback, mine.id).answer == "Đã bố trí thêm quầy."


def test_feedback_outside_scope_is_invisible(login_as, surveys, client):
    _mine, other = _items()
    login_as("hr.xa")
    url = f"/surveys/feedback/{other.id}"
    assert client.get(url).status_code == 404
    token = csrf_from(client, "/surveys/feedback")
    response = client.post(url, data={"csrf_token": token, "state": "answered", "answer": "x"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Feedback, other.id).state is FeedbackState.RECEIVED


def test_province_hr_answers_any_unit_but_needs_csrf(login_as, surveys, client):
    _mine, other = _items()
    login_as("hr")
    url = f"/surveys/feedback/{other.id}"
    assert client.post(url, data={"state": "answered", "answer": "x"}).status_code == 400
    assert post_form(client, url, {"state": "answered", "answer": "Đã xử lý."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Feedback, other.id).state is FeedbackState.ANSWERED


def test_staff_cannot_answer(login_as, surveys, client):
    mine, _other = _items()
    login_as("staff")
    assert client.get(f"/surveys/feedback/{mine.id}").status_code == 403
