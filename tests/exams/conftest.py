"""Fixtures for exam tests: the demo exam (open now) and the demo staff's attempt helpers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Account, Exam, Person
from tests.helpers import api_token


@pytest.fixture
def exam(demo_bank) -> Exam:
    """The demo exam: published, open for two months, every demo officer a candidate."""
    return db.session.scalar(sa.select(Exam))


@pytest.fixture
def staff_person(demo_bank) -> Person:
    account = db.session.scalar(sa.select(Account).where(Account.username == "staff"))
    return db.session.get(Person, account.person_id)


@pytest.fixture
def staff_api(client, demo_bank):
    """Bearer-token headers of the demo ``staff`` account."""
    return api_token(client, "staff")


def start(client, headers, exam_id: int, **body):
    return client.post(f"/api/v1/exams/{exam_id}/attempts", json=body, headers=headers)


def put_answer(client, headers, attempt_id: int, item_id: int, response, seq: int, **extra):
    return client.put(
        f"/api/v1/attempts/{attempt_id}/answers/{item_id}",
        json={"response": response, "seq": seq, **extra},
        headers=headers,
    )


def some_response(question: dict):
    """A well-formed (not necessarily correct) response for a public question."""
    if question.get("prompts"):
        return {p["id"]: question["choices"][0]["id"] for p in question["prompts"]}
    if question.get("multiple"):
        return [question["options"][0]["id"]]
    if question.get("options"):
        return question["options"][-1]["id"]
    if question["type"] == "numerical":
        return 1
    return "trả lời"


def best_response(item):
    """The full-credit response to an AttemptItem, built from its stored content and layout
    (tests only: this is exactly what must never reach a browser)."""
    from app.exams.items_layout import matching_layout, option_layout

    content, layout = item.version.content, item.layout
    kind = content["type"]
    if kind in ("single_choice", "situational", "true_false"):
        ids = option_layout(content, layout)
        return max(ids, key=lambda pair: content["options"][pair[1]]["credit"])[0]
    if kind == "multiple_response":
        return [
            oid for oid, i in option_layout(content, layout) if content["options"][i]["credit"] > 0
        ]
    if kind == "matching":
        prompts, choices = matching_layout(content, layout)
        pairs = content["pairs"]
        by_text = {pairs[i]["answer"].strip(): cid for cid, i in choices}
        return {pid: by_text[pairs[i]["answer"].strip()] for pid, i in prompts}
    if kind == "numerical":
        best = max(content["numeric_answers"], key=lambda a: a["credit"])
        return best["value"] if best["value"] is not None else best["low"]
    best = max(content["options"], key=lambda o: o["credit"])
    return best["text"].replace("*", "")
