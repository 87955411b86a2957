"""Paper forms: keyboard codes, batch entry, blind second entry of a sample by someone else."""

from __future__ import annotations

import random

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Account, ChannelKind, PaperBatch, SurveyChannel
from app.surveys import paper
from app.surveys.answers import AnswerError
from tests.helpers import post_form
from tests.surveys.conftest import count_responses

CODES = {
    "officer_rating": "4",
    "attitude": "1",
    "supplement_times": "2",
    "supplement_reason": "23",
    "extra_papers": "0",
    "overall": "5",
    "comment": "Tốt",
}


def _channel() -> SurveyChannel:
    return db.session.scalar(
        sa.select(SurveyChannel).where(SurveyChannel.kind == ChannelKind.PAPER)
    )


def _account(name: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.username == name))


def test_codes_become_answers(surveys):
    version = _channel().questionnaire.versions[-1]
    answers = paper.answers_from_codes(version, CODES)
    assert answers["attitude"] == "than_thien"
    assert answers["supplement_reason"] == ["huong_dan", "yeu_cau_moi"]
    assert answers["extra_papers"] is False
    with pytest.raises(AnswerError) as info:
        paper.answers_from_codes(version, {"attitude": "7"})
    assert "attitude" in info.value.details


def test_batch_entry_and_second_entry(surveys):
    from datetime import date

    batch = paper.start_batch(_channel(), date(2026, 11, 20), _account("admin"))
    for number in range(1, 13):
        paper.enter_form(batch, number, {**CODES, "officer_rating": str(1 + number % 5)})
    with pytest.raises(paper.PaperError):
        paper.enter_form(batch, 3, CODES)  # the same form twice
    db.session.commit()
    assert count_responses(channel_kind="paper") == 12
    sample = paper.close_batch(batch, random.Random(7))
    assert len(sample) == 2 and set(sample) <= set(range(1, 13))
    with pytest.raises(paper.PaperError):
        paper.check_form(batch, sample[0], CODES, _account("admin"))  # same person
    first = sample[0]
    same = {**CODES, "officer_rating": str(1 + first % 5)}
    assert paper.check_form(batch, first, same, _account("hr")).matched is True
    typo = {**CODES, "officer_rating": str(1 + sample[1] % 5), "attitude": "2"}
    check = paper.check_form(batch, sample[1], typo, _account("hr"))
    assert (check.matched, check.differences) == (False, ["attitude"])
    with pytest.raises(paper.PaperError):
        paper.enter_form(batch, 13, CODES)  # closed


def test_entry_screen_keyboard_flow(login_as, surveys, client):
    login_as("admin")
    page = post_form(
        client, "/surveys/paper", {"channel_id": _channel().id, "collected_on": "20/11/2026"}
    )
    assert page.status_code == 302
    batch = db.session.scalar(sa.select(PaperBatch))
    url = f"/surveys/paper/{batch.id}"
    form = {f"c_{k}": v for k, v in CODES.items()}
    assert post_form(client, url, {**form, "form_no": "1"}).status_code == 302
    bad = post_form(client, url, {**form, "form_no": "2", "c_officer_rating": "8"})
    assert bad.status_code == 422 and "Mức đánh giá phải từ 1 đến 5." in bad.get_data(as_text=True)
    again = post_form(client, url, {**form, "form_no": "1"})
    assert "đã được nhập" in again.get_data(as_text=True)
    assert count_responses(channel_kind="paper") == 1
