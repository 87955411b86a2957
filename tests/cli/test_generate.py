"""``flask demo generate``: counts, database constraints, scoring and answer logic hold."""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa

from app.analytics.intervals import cronbach_alpha
from app.cli.generate import generate_data
from app.extensions import db
from app.models import (
    Attempt,
    AttemptItem,
    Exam,
    ExamCandidate,
    ExamState,
    Person,
    QuestionVersion,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Topic,
    VersionState,
)


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _sql(query: str) -> list:
    return db.session.execute(sa.text(query)).all()


def test_generate_fills_exams_within_constraints(demo):
    result = generate_data(150, 0, periods=2)
    assert (result.attempts, result.items, result.exams) == (150, 9000, 2)
    assert result.people_added == 75 - 60  # 2 exams × 75 attempts need 75 distinct people
    assert _count(Person) == 75 and _count(Attempt) == 150 and _count(AttemptItem) == 9000
    exams = db.session.scalars(sa.select(Exam).order_by(Exam.id)).all()
    assert [e.state for e in exams] == [ExamState.PUBLISHED] * 2
    assert exams[0].period.starts_on < exams[1].period.starts_on
    # one attempt per person per exam, each with its candidate row and 60 distinct positions
    assert _sql("SELECT count(DISTINCT exam_id * 1000000 + person_id) FROM attempts") == [(150,)]
    assert _count(ExamCandidate) == 150
    assert _sql(
        "SELECT min(n), max(n), min(p), max(p) FROM (SELECT count(DISTINCT position) n, "
        "min(position) p, max(position) FROM attempt_items GROUP BY attempt_id) t"
    )[0][:3] == (60, 60, 1)
    # the synthetic bank: 60 approved questions, every attempt answers all of them
    assert _count(QuestionVersion, QuestionVersion.state == VersionState.APPROVED) == 60
    assert _sql("SELECT count(DISTINCT version_id) FROM attempt_items") == [(60,)]


def test_generated_scores_agree_with_item_credits(demo):
    generate_data(120, 0, periods=1)
    sums = dict(_sql("SELECT attempt_id, sum(credit) FROM attempt_items GROUP BY attempt_id"))
    for attempt in db.session.scalars(sa.select(Attempt)):
        assert attempt.score == sums[attempt.id] and attempt.max_score == 60
        assert abs(attempt.percent - attempt.score / 60) < 1e-6
        assert attempt.passed == (attempt.percent >= attempt.exam.pass_mark)
        assert sum(t["score"] for t in attempt.topic_scores) == attempt.score
        assert sum(t["max"] for t in attempt.topic_scores) == 60
        assert attempt.started_at < attempt.finished_at <= attempt.deadline


def test_generated_items_behave_like_a_real_test(demo):
    """Abilities × difficulties: a reliable test (KR-20 well above 0.7), facilities spread,
    and the deliberately mis-keyed items correlate negatively with the rest."""
    generate_data(400, 0, periods=1)
    rows = _sql("SELECT attempt_id, position, credit FROM attempt_items ORDER BY 1, 2")
    matrix = np.array([credit for _a, _p, credit in rows]).reshape(400, 60)
    assert cronbach_alpha(matrix).alpha > 0.75
    facility = matrix.mean(axis=0)
    assert facility.min() < 0.35 and facility.max() > 0.8
    rest = matrix.sum(axis=1)[:, None] - matrix
    r = [np.corrcoef(matrix[:, j], rest[:, j])[0, 1] for j in range(60)]
    assert sum(value < 0 for value in r) >= 1 and np.median(r) > 0.2
    assert 0.5 < _sql("SELECT avg(CASE WHEN passed THEN 1.0 ELSE 0 END) FROM attempts")[0][0] < 0.9


def test_generate_draws_random_forms_from_the_starter_bank(demo_bank):
    before = db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Attempt.id), 0)))
    generate_data(40, 0, periods=2)
    new = f"FROM attempt_items WHERE attempt_id > {before}"
    forms = _sql(f"SELECT count(DISTINCT version_id), count(*) {new} GROUP BY attempt_id")
    assert len(forms) == 40 and set(forms) == {(60, 60)}
    # forms differ: each is drawn from the 199 questions open to every position
    assert _sql(f"SELECT count(DISTINCT version_id) {new}")[0][0] > 60
    drawn_topics = {
        path.split("/")[0]
        for (path,) in _sql(
            "SELECT DISTINCT t.full_path FROM attempt_items i JOIN topics t ON t.id = i.topic_id"
            f" WHERE i.attempt_id > {before}"
        )
    }
    # the civil-status topic is restricted to civil-status officers by the demo exam
    assert "Nghiệp vụ chuyên ngành" not in drawn_topics and len(drawn_topics) == 6
    unused = _sql(
        f"SELECT count(*) FROM question_versions WHERE used = false AND id IN "
        f"(SELECT version_id {new})"
    )
    assert unused == [(0,)]
    assert _count(Topic, Topic.name.like("%(dữ liệu tổng hợp)")) == 0  # no synthetic bank


def test_generate_responses_follow_the_questionnaire(demo):
    result = generate_data(0, 1500, periods=2)
    assert result.responses == _count(SurveyResponse) == 1500
    assert result.answers == _count(SurveyAnswer)
    keys = dict(_sql("SELECT id, key FROM survey_questions"))
    answers: dict[str, dict[str, list]] = {}
    for rid, qid, choice, number, _text in _sql(
        "SELECT response_id, question_id, choice, number, text FROM survey_answers"
    ):
        answers.setdefault(rid, {}).setdefault(keys[qid], []).append(
            number if number is not None else choice
        )
    short_keys = set(
        db.session.scalars(sa.select(SurveyQuestion.key).where(SurveyQuestion.short.is_(True)))
    )
    kinds = dict(_sql("SELECT id, channel_kind FROM survey_responses"))
    for rid, given in answers.items():
        assert "officer_rating" in given and 1 <= given["officer_rating"][0] <= 5
        if "supplement_reason" in given:
            assert given["supplement_times"][0] >= 2
        if "late_apology" in given:
            assert given["late"] == ["co"]
        if kinds[rid] == "kiosk":
            assert set(given) <= short_keys  # the demo kiosks show the short form
        else:
            assert "overall" in given  # required on the full form
    assert len(answers) == 1500
    verified = _sql(
        "SELECT channel_kind, verified, count(officer_id) > 0 FROM survey_responses "
        "GROUP BY channel_kind, verified, officer_id IS NULL ORDER BY 1"
    )
    assert {(k, bool(v)) for k, v, _o in verified} == {
        ("dossier", True),
        ("kiosk", False),
        ("qr", False),
    }
    satisfied = _sql(
        "SELECT avg(CASE WHEN number >= 4 THEN 1.0 ELSE 0 END) FROM survey_answers a "
        "JOIN survey_questions q ON q.id = a.question_id WHERE q.key = 'officer_rating'"
    )[0][0]
    assert 0.7 < satisfied < 0.9


def test_generate_command_runs_twice(demo):
    runner = demo.test_cli_runner()
    for _ in range(2):
        out = runner.invoke(args=["demo", "generate", "--attempts", "70", "--responses", "50"])
        assert out.exit_code == 0, out.output
        assert "Lượt làm bài: 70" in out.output and "Phiếu khảo sát: 50" in out.output
    assert _count(Exam) == 4 and _count(Attempt) == 140 and _count(SurveyResponse) == 100
    titles = db.session.scalars(sa.select(Exam.title).order_by(Exam.id)).all()
    assert titles[0] == titles[2].removesuffix(" #2") and titles[2].endswith(" #2")
