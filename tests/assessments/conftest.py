"""Assessment fixtures: the demo province, the shipped rubric and an open round.

The round covers Xã Long Hưng (ST-LH) and Xã An Ninh (ST-AN); the demo ``assessor``
covers only ST-LH, a second assessor ``assessor2`` (created here) also covers ST-LH.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from app.admin import services as accounts
from app.assessments import services
from app.assessments.rubrics import load_demo_rubric
from app.extensions import db
from app.models import Account, Period, Person, Role, Round, Unit


@dataclass
class RoundData:
    rnd: Round
    assessor: Account
    assessor2: Account
    lh: list[Person]  # people of ST-LH
    an: list[Person]  # people of ST-AN


def account(username: str) -> Account:
    return db.session.scalar(sa.select(Account).where(Account.username == username))


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def people_of(code: str) -> list[Person]:
    stmt = sa.select(Person).join(Unit, Person.unit_id == Unit.id).where(Unit.code == code)
    return list(db.session.scalars(stmt.order_by(Person.id)))


def full_scores(version, level: int) -> dict[str, int]:
    return {c["key"]: level for c in version.criteria}


@pytest.fixture
def round_data(demo) -> RoundData:
    return make_round()


def make_round() -> RoundData:
    """Load the shipped rubric, open the round, assign the two assessors; commit."""
    version = load_demo_rubric()
    period = Period(
        name="6 tháng đầu năm 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30)
    )
    db.session.add(period)
    db.session.flush()
    lh, an = unit("ST-LH"), unit("ST-AN")
    rnd = services.open_round(
        period, version, unit("ST"), "Đánh giá giao tiếp 6 tháng đầu năm 2027", [lh, an],
        ["live", "role_play", "camera"],
    )  # fmt: skip
    second = accounts.create_account(
        "assessor2", display_name="Đánh giá viên 2", password="demo1234", must_change=False
    )
    accounts.grant_role(second, Role.ASSESSOR, unit("ST"))
    services.assign_assessor(rnd, account("assessor"), lh)
    services.assign_assessor(rnd, second, lh)
    db.session.commit()
    return RoundData(rnd, account("assessor"), second, people_of("ST-LH"), people_of("ST-AN"))


def new_assessor(username: str, rnd: Round, unit_code: str = "ST-LH") -> Account:
    """A fresh assessor account assigned to ``unit_code`` in ``rnd``."""
    acc = accounts.create_account(
        username, display_name=username, password="demo1234", must_change=False
    )
    accounts.grant_role(acc, Role.ASSESSOR, unit("ST"))
    services.assign_assessor(rnd, acc, unit(unit_code))
    return acc


def rubric_data(code: str = "thu-nghiem", levels: int = 4, n_criteria: int = 2) -> dict:
    """A valid rubric dict: ``n_criteria`` criteria of weight 1 with levels 0..levels-1."""
    return {
        "code": code,
        "name": "Phiếu thử nghiệm",
        "pass_threshold": 0.5,
        "disagreement_levels": 2,
        "sources": [{"document": "Nghị định 118/2025/NĐ-CP", "article": "Điều 11"}],
        "criteria": [
            {
                "key": f"tc-{i + 1}",
                "title": f"Tiêu chí thử {i + 1}",
                "weight": 1,
                "levels": [{"score": s, "descriptor": f"Mô tả mức {s}"} for s in range(levels)],
            }
            for i in range(n_criteria)
        ],
    }


def approved_rubric(data: dict):
    """``data`` written by ``author`` and approved by ``reviewer``; returns the version."""
    from app.assessments import rubric_editing

    version = rubric_editing.create_rubric(data, account("author"))
    rubric_editing.submit_rubric(version)
    rubric_editing.approve_rubric(version, account("reviewer").id)
    return version
