"""Assessment services: scoring arithmetic, refusals, idempotent drafts, corrections, results."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.admin import services as accounts
from app.assessments import services
from app.extensions import db
from app.models import AuditEvent, Role, Sheet, SheetState
from tests.assessments.conftest import account, full_scores, unit


def _submit(data, assessor, person, scores, scenario=""):
    sheet = services.save_draft(
        data.rnd, assessor, person, "live", scenario, client_key=None, scores=scores
    )
    return services.submit_sheet(sheet)


def test_weighted_percent_uses_weights_and_each_criterion_maximum():
    criteria = [
        {"key": "a", "weight": 1, "levels": [{"score": s} for s in range(4)]},
        {"key": "b", "weight": 2, "levels": [{"score": s} for s in range(4)]},
        {"key": "c", "weight": 1, "levels": [{"score": s} for s in range(3)]},  # max 2
    ]
    # (1*3/3 + 2*0/3 + 1*1/2) / 4 = 1.5 / 4
    assert services.weighted_percent(criteria, {"a": 3, "b": 0, "c": 1}) == pytest.approx(0.375)
    assert services.weighted_percent(criteria, {"a": 3, "b": 3, "c": 2}) == pytest.approx(1.0)


def test_submit_computes_percent_on_the_shipped_rubric(round_data):
    version = round_data.rnd.rubric_version
    scores = full_scores(version, 2)
    scores["bao-mat-liem-chinh"] = 0  # weight 2 of a total 12
    sheet = _submit(round_data, round_data.assessor, round_data.lh[1], scores)
    assert sheet.state is SheetState.SUBMITTED and sheet.submitted_at is not None
    total = sum(c["weight"] for c in version.criteria)
    assert sheet.percent == pytest.approx((total - 2) * 2 / 3 / total)
    with pytest.raises(services.AssessError) as exc:
        services.submit_sheet(sheet)
    assert exc.value.code == "already_submitted" and exc.value.status == 409


def test_incomplete_sheet_and_unknown_level_are_refused(round_data):
    person = round_data.lh[1]
    with pytest.raises(services.AssessError) as bad:
        services.save_draft(
            round_data.rnd, round_data.assessor, person, "live", "",
            client_key=None, scores={"chao-hoi": 7},
        )  # fmt: skip
    assert bad.value.code == "bad_level"
    sheet = services.save_draft(
        round_data.rnd, round_data.assessor, person, "live", "", client_key=None,
        scores={"chao-hoi": 3},
    )  # fmt: skip
    with pytest.raises(services.AssessError) as incomplete:
        services.submit_sheet(sheet)
    assert incomplete.value.code == "incomplete"
    assert "lang-nghe" in incomplete.value.details["missing"]


def test_disagreement_flag_and_mean_result(round_data):
    version = round_data.rnd.rubric_version
    person = round_data.lh[1]
    low = full_scores(version, 1)
    high = full_scores(version, 2)
    high["chao-hoi"] = 3  # 3 - 1 = 2 levels apart: flagged (default 2)
    _submit(round_data, round_data.assessor, person, low)
    _submit(round_data, round_data.assessor2, person, high)
    result = services.officer_result(round_data.rnd, person.id)
    assert result.n_sheets == 2
    assert result.flagged == ["chao-hoi"]
    total = sum(c["weight"] for c in version.criteria)
    p_low = 1 / 3
    p_high = (total * 2 / 3 + 1 / 3) / total  # chao-hoi weight 1 goes from 2/3 to 3/3
    assert result.percent == pytest.approx((p_low + p_high) / 2)
    assert result.passed is ((p_low + p_high) / 2 >= 0.5)
    empty = services.officer_result(round_data.rnd, round_data.lh[2].id)
    assert empty.percent is None and empty.passed is None  # missing, never passed


def test_self_assessment_is_refused(round_data):
    me = round_data.assessor
    me.person_id = round_data.lh[1].id
    db.session.flush()
    with pytest.raises(services.AssessError) as exc:
        services.start_sheet(round_data.rnd, me, round_data.lh[1], "live")
    assert exc.value.code == "self"
    services.start_sheet(round_data.rnd, me, round_data.lh[2], "live")  # others are fine


def test_declared_conflict_is_enforced(round_data):
    person = round_data.lh[2]
    services.declare_conflict(round_data.rnd, round_data.assessor, person, "Anh em ruột")
    with pytest.raises(services.AssessError) as exc:
        services.start_sheet(round_data.rnd, round_data.assessor, person, "live")
    assert exc.value.code == "conflict"
    services.start_sheet(round_data.rnd, round_data.assessor2, person, "live")


def test_managers_may_not_assess_their_staff(round_data):
    head = round_data.assessor2
    head.person_id = round_data.lh[-1].id  # works in ST-LH (lh[0] is the staff login) ...
    accounts.grant_role(head, Role.HR, unit("ST-LH"))  # ... and holds HR there
    db.session.flush()
    db.session.refresh(head)
    with pytest.raises(services.AssessError) as exc:
        services.start_sheet(round_data.rnd, head, round_data.lh[3], "live")
    assert exc.value.code == "manages"


def test_people_outside_the_covered_units_and_methods_not_allowed(round_data):
    with pytest.raises(services.AssessError) as outside:
        services.start_sheet(round_data.rnd, round_data.assessor, round_data.an[0], "live")
    assert outside.value.code == "not_covered"
    with pytest.raises(services.AssessError) as method:
        rnd, me = round_data.rnd, round_data.assessor
        services.start_sheet(rnd, me, round_data.lh[1], "mystery_shopper")  # not in this round
    assert method.value.code == "bad_method"


def test_draft_is_idempotent_by_client_key(round_data):
    person = round_data.lh[1]
    args = (round_data.rnd, round_data.assessor, person, "role_play", "Hồ sơ thiếu giấy tờ")
    first = services.save_draft(*args, client_key="k-0001-abcd", scores={"chao-hoi": 1})
    db.session.commit()
    again = services.save_draft(*args, client_key="k-0001-abcd", scores={"chao-hoi": 2})
    db.session.commit()
    assert again.id == first.id and again.scores == {"chao-hoi": 2}
    count = sa.select(sa.func.count(Sheet.id)).where(Sheet.person_id == person.id)
    assert db.session.scalar(count) == 1
    services.fill_sheet(again, full_scores(again.round.rubric_version, 3), {})
    services.submit_sheet(again)
    db.session.commit()
    replay = services.save_draft(*args, client_key="k-0001-abcd", scores={"chao-hoi": 0})
    assert replay.id == first.id and replay.scores["chao-hoi"] == 3  # submitted: unchanged


def test_correction_keeps_the_old_revision_and_is_audited(round_data):
    version = round_data.rnd.rubric_version
    old = _submit(round_data, round_data.assessor, round_data.lh[1], full_scores(version, 1))
    db.session.commit()
    with pytest.raises(services.AssessError):
        services.correct_sheet(old, full_scores(version, 2), None, "   ")
    new = services.correct_sheet(old, full_scores(version, 2), None, "Chấm nhầm tiêu chí")
    db.session.commit()
    assert new.revision == 2 and new.supersedes_id == old.id and new.percent == pytest.approx(2 / 3)
    db.session.refresh(old)
    assert old.scores == full_scores(version, 1) and not old.is_live and new.is_live
    result = services.officer_result(round_data.rnd, round_data.lh[1].id)
    assert result.n_sheets == 1 and result.percent == pytest.approx(2 / 3)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "assess.correct"))
    assert event.reason == "Chấm nhầm tiêu chí" and event.before["sheet"] == old.id
    with pytest.raises(services.AssessError):
        services.correct_sheet(old, full_scores(version, 3), None, "lần nữa")  # superseded


def test_reliability_needs_two_assessors_then_computes(round_data):
    version = round_data.rnd.rubric_version
    empty = services.round_reliability(round_data.rnd)
    assert not empty.shared and empty.criteria[0].icc.estimates["icc2_1"].value is None
    assert empty.criteria[0].agreement == "not_computable"
    for i, person in enumerate(round_data.lh[1:5]):
        a = full_scores(version, i % 4)
        b = full_scores(version, min(3, i % 4 + (i % 2)))
        _submit(round_data, round_data.assessor, person, a)
        _submit(round_data, round_data.assessor2, person, b)
    rel = services.round_reliability(round_data.rnd)
    assert rel.shared and rel.n_people == 4 and rel.n_assessors == 2
    est = rel.criteria[0].icc.estimates["icc2_1"]
    assert est.value is not None and -1 <= est.value <= 1
    assert rel.criteria[0].alpha.alpha is not None
    assert rel.criteria[0].agreement in ("poor", "moderate", "good")


def test_open_round_freezes_the_rubric_version(round_data):
    assert round_data.rnd.rubric_version.used is True
    assert account("assessor") is round_data.assessor


def test_changing_method_of_a_draft_moves_it_and_never_duplicates(round_data):
    person = round_data.lh[1]
    base = (round_data.rnd, round_data.assessor, person)
    draft = services.save_draft(*base, "live", "", client_key="move-key-1", scores={})
    moved = services.save_draft(*base, "role_play", "Trễ hẹn", client_key="move-key-1", scores={})
    assert moved.id == draft.id and moved.method.value == "role_play"
    other = services.save_draft(*base, "live", "", client_key="move-key-2", scores={})
    assert other.id != draft.id
    with pytest.raises(services.AssessError) as exc:  # the live combination is taken
        services.save_draft(*base, "role_play", "trễ hẹn", client_key="move-key-2", scores={})
    assert exc.value.code == "duplicate"
    with pytest.raises(services.AssessError):  # a key never switches to another person
        services.save_draft(
            round_data.rnd, round_data.assessor, round_data.lh[2], "live", "",
            client_key="move-key-1", scores={},
        )  # fmt: skip
