"""Taking a test with plain pages (no JavaScript), and the key-leak check over every page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt, AttemptItem, AttemptState, QuestionVersion
from tests.exams.conftest import best_response
from tests.helpers import csrf_from

SEQ_RE = re.compile(r'name="seq" value="(\d+)"')


def _start(client, exam) -> Attempt:
    token = csrf_from(client, "/exams/my")
    r = client.post(f"/exams/{exam.id}/start", data={"csrf_token": token})
    assert r.status_code == 302 and "/exams/attempts/" in r.location
    return db.session.scalar(sa.select(Attempt))


def _page(client, attempt_id: int, number: int) -> tuple[str, str, int]:
    html = client.get(f"/exams/attempts/{attempt_id}?q={number}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return html, token, int(SEQ_RE.search(html).group(1))


def _form_fields(item: AttemptItem, response) -> dict:
    name = f"r-{item.id}"
    if isinstance(response, dict):
        return {f"{name}-{k}": v for k, v in response.items()}
    if isinstance(response, float | int):
        return {name: str(response).replace(".", ",")}
    return {name: response}


def test_whole_test_with_form_posts(login_as, exam):
    client = login_as("staff")
    assert exam.title in client.get("/exams/my").get_data(as_text=True)
    attempt = _start(client, exam)
    total = len(attempt.items)
    for item in attempt.items:
        html, token, seq = _page(client, attempt.id, item.position)
        assert f"Câu {item.position}" in html
        data = {"csrf_token": token, "seq": seq, "items": item.id, "number": item.position}
        data.update(_form_fields(item, best_response(item)))
        data["go"] = str(item.position + 1) if item.position < total else "summary"
        r = client.post(f"/exams/attempts/{attempt.id}/save", data=data)
        assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    summary = client.get(f"/exams/attempts/{attempt.id}/summary").get_data(as_text=True)
    assert f"{total}/{total}" in summary
    seq = int(SEQ_RE.search(summary).group(1))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', summary).group(1)
    r = client.post(f"/exams/attempts/{attempt.id}/finish", data={"csrf_token": token, "seq": seq})
    assert r.status_code == 302 and r.location.endswith("/result")
    db.session.expire_all()
    done = db.session.get(Attempt, attempt.id)
    assert done.state is AttemptState.FINISHED and done.percent == 1.0 and done.passed
    result = client.get(f"/exams/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Đạt" in result and "100.0%" in result


def test_stale_page_keeps_what_was_typed(login_as, exam):
    client = login_as("staff")
    attempt = _start(client, exam)
    first = next(
        i
        for i in attempt.items
        if i.version.content["type"] == "short_answer"
        or i.version.content["type"] == "single_choice"
    )
    _html, token, seq = _page(client, attempt.id, first.position)
    response = best_response(first)
    # Another tab saves meanwhile: this page's seq is now stale.
    other = {"csrf_token": token, "seq": seq, "items": first.id, "go": "1"}
    other.update(_form_fields(first, response))
    client.post(f"/exams/attempts/{attempt.id}/save", data=other)
    changed = {
        "csrf_token": token,
        "seq": seq,
        "items": first.id,
        "go": "2",
        "number": first.position,
    }
    changed.update(
        {f"r-{first.id}": "b" if first.version.content["type"] == "single_choice" else "gõ lại"}
    )
    changed["f-" + str(first.id)] = "1"
    r = client.post(f"/exams/attempts/{attempt.id}/save", data=changed)
    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Trang đã cũ" in page
    if first.version.content["type"] == "single_choice":
        assert re.search(rf'id="r-{first.id}-b" value="b" checked', page)
    else:
        assert 'value="gõ lại"' in page
    assert db.session.scalar(sa.select(Attempt.seq)) == seq + 1  # only the other tab's save


def test_session_api_saves_need_the_csrf_header(login_as, exam):
    client = login_as("staff")
    attempt = _start(client, exam)
    item = attempt.items[0]
    url = f"/api/v1/attempts/{attempt.id}/answers/{item.id}"
    bare = client.put(url, json={"response": None, "seq": 0})
    assert bare.status_code == 400 and bare.json["error"]["code"] == "csrf_failed"
    _html, token, _seq = _page(client, attempt.id, 1)
    ok = client.put(url, json={"response": None, "seq": 0}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200


def _secrets(attempt: Attempt) -> set[str]:
    """Texts that only a reviewer may see: feedback, accepted answers, credits' words."""
    found: set[str] = set()
    for item in attempt.items:
        c = item.version.content
        found.add(c.get("general_feedback", ""))
        for o in c.get("options", []):
            found.add(o.get("feedback", ""))
            if c["type"] == "short_answer":
                found.add(o["text"])
        for a in c.get("numeric_answers", []):
            found.add(a.get("feedback", ""))
    from app.exams import items

    shown = " ".join(str(items.public_view(i.version.content, i.layout)) for i in attempt.items)
    return {s for s in found if len(s) >= 6 and s not in shown}


def test_no_page_or_response_leaks_a_key_before_review(login_as, exam):
    from app.models import ReviewWhen

    exam.review_when = ReviewWhen.AFTER_CLOSE
    db.session.commit()
    client = login_as("staff")
    attempt = _start(client, exam)
    secrets = _secrets(attempt)
    assert secrets, "the demo bank should carry feedback to hide"
    pages = [client.get("/exams/my"), client.get(f"/exams/attempts/{attempt.id}/summary")]
    pages += [client.get(f"/exams/attempts/{attempt.id}?q={i.position}") for i in attempt.items]
    _html, token, _seq = _page(client, attempt.id, 1)
    headers = {"X-CSRFToken": token}
    pages.append(client.get(f"/api/v1/attempts/{attempt.id}"))
    pages.append(client.post(f"/api/v1/exams/{exam.id}/attempts", json={}, headers=headers))
    pages.append(client.get("/static/js/exam-take.js"))
    finished = client.post(
        f"/api/v1/attempts/{attempt.id}/finish", json={"seq": 0}, headers=headers
    )
    pages += [finished, client.get(f"/exams/attempts/{attempt.id}/result")]
    pages.append(client.get(f"/api/v1/attempts/{attempt.id}/result"))
    for response in pages:
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (response.request.path, body[:300])
        for secret in secrets:
            assert secret not in body, (response.request.path, secret)
        for word in ('"credit"', '"correct"', '"feedback"', "general_feedback"):
            assert word not in body, (response.request.path, word)
    versions = db.session.scalars(sa.select(QuestionVersion).where(QuestionVersion.used)).all()
    assert len(versions) == len(attempt.items)  # drawn versions are frozen
