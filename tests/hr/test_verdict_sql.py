"""The verdicts the HR lists decide in SQL (``app.hr.verdict_sql``) equal the pure
functions' (``app.hr.verdicts.verdict_table``) on generated data with every case: passed,
failed, missing, an attempt of a cancelled exam, a failed exam passed at a retest, sheets
passed / failed / without percentage / draft, a calibration round, two rounds over one
person, no communication at all — in two periods, under each ``VERDICT_RULE``."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.hr import membership, verdict_sql
from app.hr.facts import Roster
from app.hr.lists import Policy, commendation_candidates, reassignment_reviews
from app.hr.verdicts import VERDICT_RULES, Outcome, verdict_table
from app.models import (
    Account,
    Attempt,
    AttemptState,
    Exam,
    ExamCandidate,
    ExamState,
    Method,
    Period,
    Person,
    Round,
    RubricVersion,
    Sheet,
    SheetState,
    Unit,
)

KNOWLEDGE_CASES = ("none", "missing", "failed", "passed", "retest", "cancelled_only", "cancelled")
SHEET_CASES = ("none", "passed", "failed", "no_percent", "draft")


def _unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def _exam(period: Period, title: str, state: ExamState) -> Exam:
    opens = datetime.combine(period.starts_on + timedelta(days=20), datetime.min.time(), UTC)
    exam = Exam(
        period=period, unit_id=_unit("ST").id, title=title, state=state, opens_at=opens,
        closes_at=opens + timedelta(days=7), pass_mark=0.5,
    )  # fmt: skip
    db.session.add(exam)
    db.session.flush()
    return exam


def _sit(exam: Exam, person: Person, passed: bool | None) -> None:
    """``person`` a required candidate of ``exam``; a finished attempt unless None."""
    db.session.add(ExamCandidate(exam_id=exam.id, person_id=person.id))
    if passed is not None:
        db.session.add(Attempt(
            exam_id=exam.id, person_id=person.id, state=AttemptState.FINISHED, seed=0,
            deadline=exam.opens_at, finished_at=exam.opens_at, paper=True,
            score=16.0 if passed else 6.0, max_score=20.0, percent=0.8 if passed else 0.3,
            passed=passed,
        ))  # fmt: skip


def _knowledge(period: Period, people: list[Person], rng: random.Random) -> None:
    live = _exam(period, f"Kiểm tra {period.name}", ExamState.PUBLISHED)
    retest = _exam(period, f"Kiểm tra lại {period.name}", ExamState.PUBLISHED)
    cancelled = _exam(period, f"Bài đã huỷ {period.name}", ExamState.CANCELLED)
    for person in people:
        case = rng.choice(KNOWLEDGE_CASES)
        if case in ("missing", "failed", "passed", "retest", "cancelled"):
            _sit(live, person, {"missing": None, "passed": True}.get(case, False))
        if case == "retest":
            _sit(retest, person, True)
        if case in ("cancelled", "cancelled_only"):
            _sit(cancelled, person, True)  # a pass in a cancelled exam counts for nothing


def _round(period: Period, units: list[str], *, calibration: bool = False) -> Round:
    version = db.session.scalar(sa.select(RubricVersion))
    rnd = Round(
        period_id=period.id, rubric_version_id=version.id, unit_id=_unit("ST").id,
        title=f"Đợt {period.name}", unit_ids=[_unit(u).id for u in units], methods=["live"],
        calibration=calibration,
    )  # fmt: skip
    db.session.add(rnd)
    db.session.flush()
    return rnd


def _sheets(rnd: Round, people: list[Person], rng: random.Random) -> None:
    assessor = db.session.scalar(sa.select(Account).where(Account.username == "assessor"))
    threshold = rnd.rubric_version.pass_threshold
    for person in people:
        case = rng.choice(SHEET_CASES)
        if case == "none":
            continue
        percent = {"passed": threshold, "failed": threshold - 0.2, "no_percent": None}.get(
            case, 0.9
        )
        live = case != "draft"
        db.session.add(Sheet(
            round_id=rnd.id, person_id=person.id, assessor_id=assessor.id, method=Method.LIVE,
            state=SheetState.SUBMITTED if live else SheetState.DRAFT, percent=percent,
            live_key=f"{rnd.id}:{person.id}" if live else None,
            submitted_at=datetime.now(UTC) if live else None,
        ))  # fmt: skip


@pytest.fixture
def mixed(demo_bank) -> list[Period]:
    """Two past periods over every demo person with random (seeded) outcomes, then the
    demo's own periods (its open exam: everyone required, nobody sat yet)."""
    rng = random.Random(20261205)
    people = list(db.session.scalars(sa.select(Person).order_by(Person.id)))
    p1 = Period(name="Kỳ A", starts_on=date(2024, 1, 1), ends_on=date(2024, 6, 30))
    p2 = Period(name="Kỳ B", starts_on=date(2024, 7, 1), ends_on=date(2024, 12, 31))
    db.session.add_all([p1, p2])
    db.session.flush()
    _knowledge(p1, rng.sample(people, len(people) * 3 // 4), rng)
    _knowledge(p2, people, rng)
    in_mx = [p for p in people if p.unit.path.startswith(_unit("ST-MX").path)]
    in_lh = [p for p in people if p.unit_id == _unit("ST-LH").id]
    _sheets(_round(p1, ["ST-MX", "ST-LH"]), in_mx + in_lh, rng)  # a district: its communes
    _sheets(_round(p2, ["ST-MX-TT"]), in_mx, rng)  # two rounds over Thị trấn Mỹ Xuyên
    _sheets(_round(p2, ["ST-MX"]), in_mx, rng)
    _sheets(_round(p2, ["ST-LH"], calibration=True), in_lh, rng)  # never counts
    db.session.commit()
    others = db.session.scalars(sa.select(Period).where(Period.id.not_in([p1.id, p2.id])))
    return [p1, p2, *others]


def _sql_verdicts(rule: str, period_ids: list[int], roster: Roster) -> dict:
    c = verdict_sql.codes(period_ids, roster.ids)
    stmt = sa.select(
        c.c.person_id,
        c.c.period_id,
        c.c.k,
        c.c.c,
        verdict_sql.meets(rule, c),
        verdict_sql.has_missing(rule, c),
        verdict_sql.has_failed(c),
    )
    return {(pid, per): rest for pid, per, *rest in db.session.execute(stmt)}


@pytest.mark.parametrize("rule", VERDICT_RULES)
def test_sql_verdicts_equal_the_pure_functions(app, mixed, monkeypatch, rule):
    monkeypatch.setitem(app.config, "VERDICT_RULE", rule)
    people = list(db.session.scalars(sa.select(Person).order_by(Person.id)))
    roster = Roster.of_people(people)
    period_ids = [p.id for p in mixed]
    pure = verdict_table(period_ids, roster)
    found = _sql_verdicts(rule, period_ids, roster)
    seen = {o for table in (pure.knowledge, pure.communication) for o in table.values()}
    assert seen == set(Outcome)  # the data hold every outcome of both components
    assert {k for k, _c, *_ in found.values()} >= {0, 1, 2}
    assert {c for _k, c, *_ in found.values()} >= {1, 2, 3, None}
    for person in people:
        for period_id in period_ids:
            parts, meets = pure.judged(person.id, period_id)
            k, c, sql_meets, missing, failed = found.get((person.id, period_id), (None,) * 5)
            assert verdict_sql.components_of(rule, k, c) == parts, (person.id, period_id)
            if (person.id, period_id) in found:
                assert bool(sql_meets) is meets
                assert bool(missing) is (Outcome.MISSING in parts.values())
                assert bool(failed) is (Outcome.FAILED in parts.values())
            else:  # no row: nothing required, which never meets the requirement
                assert not meets


def _pure_lists(rule: str, periods: list[Period], roster: Roster, policy: Policy):
    """The lists as the previous (pure Python) code drew them, for comparison."""
    table = verdict_table([p.id for p in periods], roster)
    latest = periods[-1].id
    commend = [
        pid
        for pid in roster.person_ids
        if table.meets(pid, latest)
        and sum(table.meets(pid, p.id) for p in periods) >= policy.min_periods
    ]
    reviewed, missing = [], []
    for pid in roster.person_ids:
        parts, meets = table.judged(pid, latest)
        if not meets and Outcome.FAILED in parts.values():
            reviewed.append(pid)
        elif not meets and Outcome.MISSING in parts.values():
            missing.append(pid)
    return commend, reviewed, missing


@pytest.mark.parametrize("rule", VERDICT_RULES)
def test_the_lists_equal_the_pure_rules(app, mixed, monkeypatch, rule):
    monkeypatch.setitem(app.config, "VERDICT_RULE", rule)
    twice = rule != "knowledge_and_communication"  # both parts passed twice: nobody here
    policy = Policy(min_periods=2 if twice else 1, window=2, threshold=0.8, min_ratings=30)
    people = list(db.session.scalars(sa.select(Person).order_by(Person.id)))
    roster = Roster.of_people(people)
    latest = mixed[1]  # Kỳ B, after Kỳ A
    commend, reviewed, missing = _pure_lists(rule, mixed[:2], roster, policy)
    assert commend and reviewed and (missing or rule == "knowledge_only")
    assert [e.person.id for e in commendation_candidates(latest, people, policy)] == commend
    reviews = reassignment_reviews(latest, people, policy)
    assert [e.person.id for e in reviews.entries] == reviewed
    assert [e.person.id for e in reviews.insufficient] == missing
    for entry in reviews.entries:
        assert entry.reasons and all(r.endswith("_failed") for r in entry.reasons)
    # the SELECT the pages use, in SQL order and counted in SQL, gives the same people
    on_list = membership.commendation_ids(
        latest.id, [p.id for p in mixed[:2]], roster, policy.min_periods, rule
    )
    assert sorted(db.session.scalars(on_list)) == sorted(commend)
