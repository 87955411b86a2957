"""The VERDICT_RULE setting changes who meets the competence requirement; a missing
component never counts as passed under any rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.assessments import services
from app.exams import attempts
from app.extensions import db
from app.hr.verdicts import Outcome, period_verdicts
from app.models import Account, Exam, ExamCandidate, Person, RubricVersion, Unit
from tests.exams.conftest import best_response


def _unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def _take(exam, person, *, correct: bool) -> None:
    attempt, _ = attempts.start_attempt(exam, person)
    seq = attempt.seq
    if correct:
        for item in attempt.items:
            attempts.save_answer(attempt, item.id, best_response(item), seq)
            seq = attempt.seq
    attempts.finish_attempt(attempt, seq)
    db.session.commit()


def _people(exam, code: str) -> list[Person]:
    return list(db.session.scalars(
        sa.select(Person).join(ExamCandidate, ExamCandidate.person_id == Person.id)
        .join(Unit, Unit.id == Person.unit_id)
        .where(ExamCandidate.exam_id == exam.id, Unit.code == code).order_by(Person.id)
    ))  # fmt: skip


@pytest.fixture
def exam(demo_bank) -> Exam:
    """The demo exam (open now, every demo officer a candidate) and its period."""
    return db.session.scalar(sa.select(Exam))


@pytest.fixture
def setting(app, monkeypatch):
    def use(rule: str) -> None:
        monkeypatch.setitem(app.config, "VERDICT_RULE", rule)

    return use


@pytest.fixture
def people(exam):
    """In ST-LH: knowledge passed + communication failed; knowledge passed, no sheet.
    In ST-AN (no round): knowledge passed only; knowledge failed only."""
    version = db.session.scalar(sa.select(RubricVersion))
    lh = _unit("ST-LH")
    rnd = services.open_round(exam.period, version, _unit("ST"), "Đợt", [lh], ["live"])
    assessor = db.session.scalar(sa.select(Account).where(Account.username == "assessor"))
    services.assign_assessor(rnd, assessor, lh)
    comm_failed, comm_missing = _people(exam, "ST-LH")[1:3]
    knowledge_only, failed = _people(exam, "ST-AN")[:2]
    for person in (comm_failed, comm_missing, knowledge_only):
        _take(exam, person, correct=True)
    _take(exam, failed, correct=False)
    zero = {c["key"]: 0 for c in version.criteria}
    sheet = services.save_draft(rnd, assessor, comm_failed, "live", "", client_key=None,
                                scores=zero)  # fmt: skip
    services.submit_sheet(sheet)
    db.session.commit()
    return {"comm_failed": comm_failed, "comm_missing": comm_missing,
            "knowledge_only": knowledge_only, "failed": failed}  # fmt: skip


def _meets(exam, people) -> dict[str, bool]:
    verdicts = period_verdicts(exam.period, list(people.values()))
    return {name: v.meets for name, v in zip(people, verdicts, strict=True)}


EXPECTED = {
    # every required component passed (the default)
    "all_required": {"comm_failed": False, "comm_missing": False, "knowledge_only": True,
                     "failed": False},
    # the knowledge test alone decides
    "knowledge_only": {"comm_failed": True, "comm_missing": True, "knowledge_only": True,
                       "failed": False},
    # both components required of everyone: no round for ST-AN means "missing"
    "knowledge_and_communication": {"comm_failed": False, "comm_missing": False,
                                    "knowledge_only": False, "failed": False},
}  # fmt: skip


@pytest.mark.parametrize("rule", list(EXPECTED))
def test_rule_setting_changes_outcomes(exam, people, setting, rule):
    setting(rule)
    assert _meets(exam, people) == EXPECTED[rule]


def test_default_rule_and_missing_shown_as_missing(exam, people, app, setting):
    assert app.config["VERDICT_RULE"] == "all_required"
    setting("knowledge_and_communication")
    verdict = period_verdicts(exam.period, [people["knowledge_only"]])[0]
    assert verdict.components == {"knowledge": Outcome.PASSED, "communication": Outcome.MISSING}
    assert verdict.missing == ["communication"]
    setting("knowledge_only")
    verdict = period_verdicts(exam.period, [people["comm_missing"]])[0]
    assert verdict.components["communication"] is Outcome.MISSING  # still shown
    assert verdict.meets


def test_unknown_rule_is_refused(exam, setting):
    setting("majority")
    with pytest.raises(ValueError, match="VERDICT_RULE"):
        period_verdicts(exam.period, [])


def test_rule_from_environment(monkeypatch, tmp_path):
    from app.config import Config

    monkeypatch.setenv("VERDICT_RULE", "knowledge_only")
    assert Config.load(str(tmp_path))["VERDICT_RULE"] == "knowledge_only"
