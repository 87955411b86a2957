"""The period verdict: required components only, missing never counts as passed."""

from __future__ import annotations

import sqlalchemy as sa

from app.assessments import rounds, services
from app.exams import attempts
from app.extensions import db
from app.hr.verdicts import Outcome, period_verdicts
from app.models import Account, ExamCandidate, Person, RubricVersion, Unit
from tests.exams.conftest import best_response
from tests.helpers import login


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


def _candidates(exam, code: str) -> list[Person]:
    return list(
        db.session.scalars(
            sa.select(Person)
            .join(ExamCandidate, ExamCandidate.person_id == Person.id)
            .join(Unit, Unit.id == Person.unit_id)
            .where(ExamCandidate.exam_id == exam.id, Unit.code == code)
            .order_by(Person.id)
        )
    )


def test_knowledge_only_passed_failed_and_missing(exam):
    passed, failed, absent = _candidates(exam, "ST-LH")[:3]
    _take(exam, passed, correct=True)
    _take(exam, failed, correct=False)
    stranger = Person(full_name="Người Ngoài", name_fold="nguoi ngoai", sort_key="x",
                      unit_id=_unit("ST-LH").id)  # fmt: skip
    db.session.add(stranger)
    db.session.commit()
    verdicts = {
        v.person.id: v for v in period_verdicts(exam.period, [passed, failed, absent, stranger])
    }
    assert verdicts[passed.id].components == {"knowledge": Outcome.PASSED}
    assert verdicts[passed.id].meets
    assert verdicts[failed.id].components == {"knowledge": Outcome.FAILED}
    assert not verdicts[failed.id].meets
    assert verdicts[absent.id].missing == ["knowledge"] and not verdicts[absent.id].meets
    assert verdicts[stranger.id].components == {} and not verdicts[stranger.id].meets


def test_communication_joins_the_verdict_and_missing_is_not_a_pass(exam):
    version = db.session.scalar(sa.select(RubricVersion))
    lh = _unit("ST-LH")
    rnd = rounds.open_round(exam.period, version, _unit("ST"), "Đợt thử", [lh], ["live"])
    assessor = db.session.scalar(sa.select(Account).where(Account.username == "assessor"))
    rounds.assign_assessor(rnd, assessor, lh)
    first, second = _candidates(exam, "ST-LH")[:2]
    _take(exam, first, correct=True)
    _take(exam, second, correct=True)
    scores = {c["key"]: 3 for c in version.criteria}
    sheet = services.save_draft(rnd, assessor, first, "live", "", client_key=None, scores=scores)
    services.submit_sheet(sheet)
    db.session.commit()
    verdicts = {v.person.id: v for v in period_verdicts(exam.period, [first, second])}
    assert verdicts[first.id].components == {
        "knowledge": Outcome.PASSED,
        "communication": Outcome.PASSED,
    }
    assert verdicts[first.id].meets
    assert verdicts[second.id].components["communication"] is Outcome.MISSING
    assert not verdicts[second.id].meets  # knowledge passed, communication missing


def test_verdict_page_per_person_and_unit_within_scope(app, exam, login_as):
    passed = _candidates(exam, "ST-LH")[0]
    _take(exam, passed, correct=True)
    elsewhere = _candidates(exam, "ST-AN")[0]
    client = login_as("hr.xa")
    page = client.get("/hr/verdicts").get_data(as_text=True)
    assert passed.full_name in page and "Đạt yêu cầu" in page
    assert "Xã Long Hưng" in page
    assert elsewhere.full_name not in page  # outside hr.xa's commune
    other = app.test_client()
    assert login(other, "staff").status_code == 302
    assert other.get("/hr/verdicts").status_code == 403


def test_verdicts_api(client, exam):
    from tests.helpers import api_token

    passed = _candidates(exam, "ST-LH")[0]
    _take(exam, passed, correct=True)
    rows = client.get("/api/v1/verdicts", headers=api_token(client, "hr.xa")).json
    mine = next(r for r in rows if r["person_id"] == passed.id)
    assert mine["components"] == {"knowledge": "passed"} and mine["meets"] is True
    assert {r["unit_id"] for r in rows} == {passed.unit_id}  # hr.xa: one commune
    staff = client.get("/api/v1/verdicts", headers=api_token(client, "staff"))
    assert staff.status_code == 403
