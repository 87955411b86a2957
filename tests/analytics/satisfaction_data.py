"""Survey responses written straight into the tables, for the satisfaction tests.

``survey`` loads the demo province and its default questionnaire (SIPAS-MC); ``add``
stores one response with the answers given by question key, like ``_store`` does.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from flask_login import login_user

from app.auth.services import _principal
from app.extensions import db
from app.models import (
    Account,
    Person,
    QuestionType,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Unit,
)

DAY = date(2026, 3, 10)


@dataclass
class Survey:
    questionnaire_id: int
    version_id: int
    questions: dict[str, SurveyQuestion]
    units: dict[str, Unit]

    def unit(self, code: str) -> Unit:
        return self.units[code]

    def person(self, unit_code: str, index: int = 0) -> Person:
        unit = self.units[unit_code]
        stmt = sa.select(Person).where(Person.unit_id == unit.id).order_by(Person.id)
        return db.session.scalars(stmt).all()[index]


@pytest.fixture
def survey(demo, monkeypatch) -> Survey:
    """The demo province with its questionnaire; rollups checked on every report."""
    from app.surveys.demo import load_demo_surveys

    monkeypatch.setitem(demo.config, "SATISFACTION_ROLLUP_CHECK_SECONDS", 0)
    data = load_demo_surveys()
    db.session.commit()
    questions = {
        q.key: q
        for q in db.session.scalars(
            sa.select(SurveyQuestion).join(SurveyQuestion.version).order_by(SurveyQuestion.id)
        )
    }
    version = next(iter(questions.values())).version
    assert version.questionnaire.code == data.questionnaire
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    return Survey(version.questionnaire_id, version.id, questions, units)


def _answer_rows(survey: Survey, response_id: str, answers: dict) -> list[dict]:
    rows = []
    for key, value in answers.items():
        q = survey.questions[key]
        row = {"response_id": response_id, "question_id": q.id, "choice": "", "number": None,
               "text": None}  # fmt: skip
        if q.qtype is QuestionType.MULTI:
            rows += [{**row, "choice": v} for v in value]
            continue
        if q.qtype is QuestionType.SINGLE:
            row["choice"] = value
        elif q.qtype is QuestionType.TEXT:
            row["text"] = value
        else:
            row["number"] = int(value)
        rows.append(row)
    return rows


def add(
    survey: Survey,
    unit_code: str,
    answers: dict,
    *,
    day: date = DAY,
    officer: Person | None = None,
    kind: str = "qr",
    verified: bool = False,
    flagged: bool = False,
    procedure: str | None = None,
    channel_id: int | None = None,
    commit: bool = True,
) -> str:
    """Store one response (and commit unless told not to); returns its id."""
    response_id = uuid.uuid4().hex
    db.session.execute(
        SurveyResponse.__table__.insert(),
        {
            "id": response_id, "version_id": survey.version_id, "channel_kind": kind,
            "channel_id": channel_id, "unit_id": survey.unit(unit_code).id,
            "officer_id": officer.id if officer else None, "day": day, "verified": verified,
            "flagged": flagged, "procedure": procedure,
        },
    )  # fmt: skip
    rows = _answer_rows(survey, response_id, answers)
    if rows:
        db.session.execute(SurveyAnswer.__table__.insert(), rows)
    if commit:
        db.session.commit()
    return response_id


def ratings(survey: Survey, unit_code: str, key: str, values, **options) -> None:
    """One response per value, each answering only ``key``."""
    for value in values:
        add(survey, unit_code, {key: value}, commit=False, **options)
    db.session.commit()


@contextlib.contextmanager
def signed_in(app, username: str = "admin"):
    """A request context signed in as ``username`` (scope clauses need a user)."""
    with app.test_request_context("/"):
        account = db.session.scalar(sa.select(Account).where(Account.username == username))
        login_user(_principal(account))
        yield
