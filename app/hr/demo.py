"""Demo HR history, so HR sees commendation candidates and reassignment reviews at once.

Two half-years before the current one, each with a published exam whose results came in
as paper totals (finished attempts, no items), following a fixed pattern per officer
(``PATTERNS``: pass both, fail the older, fail the latest, absent from the latest); 46
kiosk ratings of two officers in the latest ended half-year (one with many ratings and low
satisfaction, one with a handful, which must not put anyone on a list); and one decided
commendation case about the demo ``staff`` officer, visible at "Quyết định về tôi".
Rows go in with bulk INSERTs. Idempotent: nothing is added once the latest history exam
exists. ``flask demo load`` runs it; the tests' demo fixtures do not (other features'
tests count exams and attempts), tests call ``load_demo_hr`` themselves.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.audit import record_audit
from app.exams import setup
from app.exams.demo import DEMO_TITLE
from app.extensions import db
from app.hr import cases, lists
from app.models import (
    Account,
    Attempt,
    AttemptState,
    CaseKind,
    ChannelKind,
    DecisionKind,
    Exam,
    ExamState,
    Period,
    Person,
    PersonStatus,
    ReviewWhen,
    SurveyAnswer,
    SurveyChannel,
    SurveyQuestion,
    SurveyResponse,
    Unit,
)
from app.surveys.questionnaires import latest_version

MAX_SCORE = 20.0
# per officer (index modulo 6): (older half-year, latest ended half-year); None = absent
PATTERNS = [(True, True), (True, True), (False, True), (True, False), (True, None), (True, True)]
LOW = (40, 22)  # ratings, satisfied: 55 %, Wilson 95 % upper bound 0.69 < 0.80
FEW = (6, 1)  # a handful: 17 %, but n < POLICY_MIN_RATINGS, so never on a list


def _title(period: Period) -> str:
    return f"Kiểm tra kiến thức định kỳ {period.name} (dữ liệu mẫu, thi giấy)"


def _earlier_periods(current: Period) -> list[Period]:
    """The two half-years before ``current``, newest first (created when missing)."""
    latest = setup.period_for(current.starts_on - timedelta(days=1))
    return [latest, setup.period_for(latest.starts_on - timedelta(days=1))]


def _exam(period: Period, template: Exam) -> Exam:
    opens = datetime.combine(period.starts_on + timedelta(days=75), datetime.min.time(), UTC)
    exam = setup.create_exam(
        db.session.get(Unit, template.unit_id),
        period, created_by_id=None, title=_title(period), opens_at=opens + timedelta(hours=1),
        closes_at=opens + timedelta(days=14), time_limit_minutes=30,
        blueprint=template.blueprint, target_unit_ids=[template.unit_id],
        review_when=ReviewWhen.AFTER_CLOSE,
    )  # fmt: skip
    setup.build_candidates(exam)
    setup.move_exam(exam, ExamState.PUBLISHED, reason="Dữ liệu mẫu")
    return exam


def _attempts(exam: Exam, outcomes: dict[int, bool | None], rng: random.Random) -> None:
    at = exam.closes_at - timedelta(days=1)
    rows = []
    for person_id, passed in outcomes.items():
        if passed is None:
            continue
        score = float(rng.randint(11, 19) if passed else rng.randint(4, 9))
        rows.append(
            {
                "exam_id": exam.id, "person_id": person_id, "state": AttemptState.FINISHED,
                "seed": 0, "draw_inputs": {}, "seq": 0, "started_at": at, "deadline": at,
                "finished_at": at, "finished_by": "paper", "paper": True, "score": score,
                "max_score": MAX_SCORE, "percent": score / MAX_SCORE,
                "passed": score / MAX_SCORE >= exam.pass_mark, "topic_scores": [],
            }
        )  # fmt: skip
    db.session.execute(Attempt.__table__.insert(), rows)
    record_audit("exam.paper_import", exam, after={"people": len(rows), "source": "dữ liệu mẫu"})


def _ratings(period: Period, officer: Person, counts: tuple[int, int], rng: random.Random):
    channel = db.session.scalar(
        sa.select(SurveyChannel).where(
            SurveyChannel.unit_id == officer.unit_id, SurveyChannel.kind == ChannelKind.KIOSK
        )
    )
    version = latest_version(channel.questionnaire)
    question = db.session.scalar(
        sa.select(SurveyQuestion).where(
            SurveyQuestion.version_id == version.id, SurveyQuestion.rates_officer.is_(True)
        )
    )
    n, satisfied = counts
    span = (period.ends_on - period.starts_on).days
    responses, answers = [], []
    for index in range(n):
        rid = uuid.uuid4().hex
        day = period.starts_on + timedelta(days=rng.randint(0, span))
        responses.append(
            {"id": rid, "version_id": version.id, "channel_kind": ChannelKind.KIOSK,
             "channel_id": channel.id, "unit_id": officer.unit_id, "officer_id": officer.id,
             "day": day, "verified": False, "flagged": False}
        )  # fmt: skip
        level = rng.choice((4, 5)) if index < satisfied else rng.choice((1, 2, 3))
        answers.append({"response_id": rid, "question_id": question.id, "choice": "",
                        "number": level, "text": None})  # fmt: skip
    db.session.execute(SurveyResponse.__table__.insert(), responses)
    db.session.execute(SurveyAnswer.__table__.insert(), answers)


def _decided_case(period: Period, person: Person) -> None:
    hr = db.session.scalar(sa.select(Account).where(Account.username == "hr"))
    entry = lists.entry_for(CaseKind.COMMENDATION, period, person)
    if hr is None or entry is None:
        return
    evidence = entry.evidence(lists.Policy.from_config())
    case = cases.open_case(person, period, CaseKind.COMMENDATION, evidence, actor=hr)
    reason = "Đạt yêu cầu năng lực hai kỳ liên tiếp; đề nghị tặng Giấy khen (dữ liệu mẫu)."
    data = cases.DecisionInput(DecisionKind.COMMEND, reason, decision_ref="12/QĐ-SNV (mẫu)")
    cases.record_decision(case, data, decider=hr)


def load_demo_hr() -> int:
    """Add the HR history described above; returns the number of attempts it added."""
    template = db.session.scalar(sa.select(Exam).where(Exam.title == DEMO_TITLE))
    if template is None:
        return 0
    latest, older = _earlier_periods(template.period)
    if db.session.scalar(sa.select(Exam.id).where(Exam.title == _title(latest))):
        return 0
    people = list(
        db.session.scalars(
            sa.select(Person).where(Person.status == PersonStatus.ACTIVE).order_by(Person.id)
        )
    )
    staff = db.session.scalar(sa.select(Account.person_id).where(Account.username == "staff"))
    pattern = {
        p.id: PATTERNS[0 if p.id == staff else i % len(PATTERNS)] for i, p in enumerate(people)
    }
    rng = random.Random(2017)  # noqa: S311 - demo scores, not security
    for position, period in ((0, older), (1, latest)):
        _attempts(
            _exam(period, template), {pid: pat[position] for pid, pat in pattern.items()}, rng
        )
    db.session.flush()
    unit = next((p.unit_id for p in people if p.id == staff), None)
    pool = sorted(
        (p for p in people if pattern[p.id] == PATTERNS[2]), key=lambda p: p.unit_id != unit
    )
    for officer, counts in zip(pool, (LOW, FEW), strict=False):
        _ratings(latest, officer, counts, rng)
    staff_person = db.session.get(Person, staff) if staff else None
    if staff_person is not None:
        _decided_case(latest, staff_person)
    db.session.flush()
    return sum(1 for pat in pattern.values() for p in pat if p is not None)
