"""Superseding a reassignment: the person moves back, and the history records both moves."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.hr import cases
from app.models import Assignment, DecisionKind, Unit
from app.org.services import reassign_person
from tests.hr.test_cases import _account, _audit, _review_case


def _history(person_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment).where(Assignment.person_id == person_id).order_by(Assignment.id)
        )
    )


def _reassign(h, on: date):
    case = _review_case(h)
    target = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-TTHCC"))
    first = cases.record_decision(
        case,
        cases.DecisionInput(
            DecisionKind.REASSIGN,
            "Không đạt; chuyển bộ phận hỗ trợ.",
            new_unit=target,
            new_position="Nhân viên hỗ trợ",
            effective_on=on,
        ),
        decider=_account("hr"),
    )
    db.session.commit()
    return case, first, target


def test_superseding_a_reassignment_moves_the_person_back(history):
    h = history
    home_unit, home_position = h.b.unit_id, h.b.position
    case, first, target = _reassign(h, date(2025, 8, 1))
    assert h.b.unit_id == target.id
    keep = cases.supersede_decision(
        first,
        cases.DecisionInput(DecisionKind.RETRAIN_RETEST, "Khiếu nại được chấp nhận: giữ vị trí."),
        decider=_account("hr"),
    )
    db.session.commit()
    db.session.refresh(h.b)
    assert (h.b.unit_id, h.b.position) == (home_unit, home_position)
    rows = _history(h.b.id)
    moved, back = rows[-2], rows[-1]
    assert moved.unit_id == target.id and moved.end_date == date.today()
    assert back.unit_id == home_unit and back.end_date is None and back.start_date == date.today()
    assert f"#{first.id}" in back.reason and "giữ vị trí" in back.reason
    assert keep.assignment_id == back.id and case.current_decision.id == keep.id
    assert _audit("person.reassign")[-1].after["unit_id"] == home_unit


def test_a_move_not_yet_in_effect_never_takes_effect(history):
    h = history
    home_unit = h.b.unit_id
    later = date(date.today().year + 1, 1, 1)
    _case, first, _target = _reassign(h, later)
    cases.supersede_decision(
        first, cases.DecisionInput(DecisionKind.KEEP, "Huỷ điều động."), decider=_account("hr")
    )
    db.session.commit()
    moved, back = _history(h.b.id)[-2:]
    assert moved.start_date == moved.end_date == later  # an empty interval: never held
    assert back.unit_id == home_unit and back.start_date == later


def test_no_automatic_move_back_after_a_later_move(history):
    h = history
    _case, first, _target = _reassign(h, date(2025, 8, 1))
    elsewhere = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-AN"))
    reassign_person(h.b, elsewhere, "Công chức", on=date(2025, 10, 1), reason="Điều động khác")
    db.session.commit()
    before = len(_history(h.b.id))
    with pytest.raises(cases.HrError) as refused:
        cases.supersede_decision(
            first, cases.DecisionInput(DecisionKind.KEEP, "Giữ."), decider=_account("hr")
        )
    assert refused.value.status == 409
    db.session.rollback()
    assert len(_history(h.b.id)) == before and h.b.unit_id == elsewhere.id


def test_reassigning_again_is_one_more_move_not_a_return(history):
    h = history
    _case, first, target = _reassign(h, date(2025, 8, 1))
    other = db.session.scalar(sa.select(Unit).where(Unit.code == "ST-AN"))
    cases.supersede_decision(
        first,
        cases.DecisionInput(
            DecisionKind.REASSIGN,
            "Đơn vị khác phù hợp hơn.",
            new_unit=other,
            new_position="Công chức",
            effective_on=date(2025, 9, 1),
        ),
        decider=_account("hr"),
    )
    db.session.commit()
    moved, again = _history(h.b.id)[-2:]
    assert (moved.unit_id, moved.end_date) == (target.id, date(2025, 9, 1))
    assert again.unit_id == other.id and h.b.unit_id == other.id
