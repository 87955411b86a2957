"""Paper double entry: a mismatched form is left out and listed until a supervisor picks the
right values (side by side, audited); then it counts again."""

from __future__ import annotations

import random
from datetime import date

import pytest
import sqlalchemy as sa

from app.admin.services import create_account, grant_role
from app.extensions import db
from app.models import (
    Account,
    AuditEvent,
    ChannelKind,
    PaperCheck,
    Role,
    SurveyChannel,
    SurveyResponse,
    Unit,
)
from app.surveys import paper, paper_review
from app.surveys.answers import AnswerError
from tests.helpers import csrf_from, login, post_form, unit_id

CODES = {"officer_rating": "4", "attitude": "1", "supplement_times": "0", "overall": "5"}


def _account(name: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.username == name))


@pytest.fixture
def mismatch(surveys):
    """(batch, form number, check): 10 forms, one sampled form entered differently."""
    channel = db.session.scalar(
        sa.select(SurveyChannel).where(SurveyChannel.kind == ChannelKind.PAPER)
    )
    batch = paper.start_batch(channel, date(2026, 11, 20), _account("admin"))
    for number in range(1, 11):
        paper.enter_form(batch, number, CODES)  # identical forms: never a "burst"
    form_no = paper.close_batch(batch, random.Random(3))[0]
    second = {**CODES, "attitude": "2", "supplement_times": "3", "supplement_reason": "13"}
    check = paper.check_form(batch, form_no, second, _account("hr"))
    db.session.commit()
    return batch, form_no, check


def _answers(batch, form_no) -> dict:
    db.session.expire_all()
    response = paper.form_response(batch, form_no)
    return paper_review.answers_of(response, list(batch.version.questions))


def _flagged(batch, form_no) -> bool:
    db.session.expire_all()
    return paper.form_response(batch, form_no).flagged


def test_a_mismatch_is_excluded_and_listed(login_as, mismatch, client):
    batch, form_no, check = mismatch
    assert check.differences == ["attitude", "supplement_reason", "supplement_times"]
    assert check.second_answers == {
        "attitude": "binh_thuong",
        "supplement_times": "3",
        "supplement_reason": ["tu_chuan_bi", "yeu_cau_moi"],
    }
    assert _flagged(batch, form_no)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)) == 10
    login_as("admin")
    rows = client.get("/surveys/export/responses.csv").data.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 9  # the unsettled form is left out of statistics and downloads
    page = client.get("/surveys/paper").get_data(as_text=True)
    assert f"/surveys/paper/{batch.id}/resolve/{form_no}" in page
    side = client.get(f"/surveys/paper/{batch.id}/resolve/{form_no}").get_data(as_text=True)
    assert "Thân thiện, nhiệt tình" in side and "Bình thường" in side  # first | second
    assert "(để trống)" in side  # no reason in the first entry (0 supplements)


def test_supervisor_picks_values_and_the_form_counts_again(login_as, mismatch, client):
    batch, form_no, check = mismatch
    login_as("admin")
    url = f"/surveys/paper/{batch.id}/resolve/{form_no}"
    missing = post_form(client, url, {"pick_attitude": "second"})
    assert missing.status_code == 422 and "Hãy chọn giá trị đúng." in missing.get_data(as_text=True)
    bad_code = post_form(
        client,
        url,
        {
            "pick_attitude": "code",
            "code_attitude": "9",
            "pick_supplement_times": "second",
            "pick_supplement_reason": "second",
        },
    )
    assert bad_code.status_code == 422
    assert "Số thứ tự lựa chọn không có trên phiếu." in bad_code.get_data(as_text=True)
    assert _flagged(batch, form_no) and _answers(batch, form_no)["attitude"] == "than_thien"
    done = post_form(
        client,
        url,
        {
            "pick_attitude": "code",
            "code_attitude": "3",
            "pick_supplement_times": "second",
            "pick_supplement_reason": "second",
        },
    )
    assert done.status_code == 302
    assert _answers(batch, form_no) == {
        "officer_rating": 4,
        "attitude": "tho_o",
        "supplement_times": 3,
        "supplement_reason": ["tu_chuan_bi", "yeu_cau_moi"],
        "overall": 5,
    }
    assert not _flagged(batch, form_no)
    resolved = db.session.get(PaperCheck, check.id)
    assert resolved.resolved_by_id == _account("admin").id and not resolved.is_pending
    audit = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "survey.paper_resolve")
    )
    assert audit.actor_name == "admin"
    assert audit.after["picks"] == {
        "attitude": "code",
        "supplement_reason": "second",
        "supplement_times": "second",
    }
    assert client.get(url).status_code == 404  # settled: nothing left to pick
    assert "/resolve/" not in client.get("/surveys/paper").get_data(as_text=True)


def test_keeping_the_first_entry_drops_hidden_follow_ups(mismatch):
    batch, form_no, check = mismatch
    picks = {"attitude": "first", "supplement_times": "first", "supplement_reason": "second"}
    paper_review.resolve_check(check, picks, {}, _account("admin"))
    db.session.commit()
    # 0 supplements: the reason is a hidden follow-up, so it is not stored
    assert "supplement_reason" not in _answers(batch, form_no)
    with pytest.raises(paper.PaperError):
        paper_review.resolve_check(check, picks, {}, _account("admin"))


def test_a_typed_value_is_checked_against_the_questionnaire(mismatch):
    batch, form_no, check = mismatch
    picks = {"attitude": "first", "supplement_times": "code", "supplement_reason": "second"}
    with pytest.raises(AnswerError) as info:
        paper_review.resolve_check(check, picks, {"supplement_times": "99"}, _account("admin"))
    assert "supplement_times" in info.value.details
    db.session.rollback()
    assert _flagged(batch, form_no)


def test_resolving_needs_csrf_manage_and_scope(mismatch, client, login_as):
    batch, form_no, _check = mismatch
    url = f"/surveys/paper/{batch.id}/resolve/{form_no}"
    login_as("hr")  # surveys.view only
    assert client.get(url).status_code == 403
    assert post_form(client, "/auth/logout", {}, token_from="/").status_code == 302
    local = create_account("qt.xa", password="QuanTri#2026", must_change=False)
    grant_role(local, Role.ADMIN, db.session.get(Unit, unit_id("ST-LH")))
    db.session.commit()
    assert login(client, "qt.xa", "QuanTri#2026").status_code == 302
    assert client.get(url).status_code == 404  # the batch belongs to the province
    assert "resolve" not in client.get("/surveys/paper").get_data(as_text=True)
    assert post_form(client, "/auth/logout", {}, token_from="/").status_code == 302
    login_as("admin")
    token = csrf_from(client, url)
    assert token
    no_token = client.post(url, data={"pick_attitude": "first"})
    assert no_token.status_code == 400
    assert _flagged(batch, form_no)
