"""The period verdict: per person, each required component's result, and whether the
person meets the competence requirement.

Derived on demand from exams and assessment rounds, never stored or hand-edited.
- Knowledge is required when the person is a required candidate of a live exam of the
  period; it passed if any finished attempt of those exams passed (a passed retest
  counts), failed if attempts finished and none passed, and is *missing* otherwise.
- Communication is required when the person's unit lies in a round of the period; it
  passed or failed by the rounds' officer results, and is *missing* with no sheet.
- Calibration rounds (assessors scoring the same scenarios to measure agreement) never
  count.

Whether the person meets the requirement follows the ``VERDICT_RULE`` setting:
- ``all_required`` (default, PRODUCT.md): at least one component is required and every
  required component passed;
- ``knowledge_only``: the knowledge test alone decides (it must be required and passed);
  the communication result is shown but does not decide, for deployments where
  communication assessments are still formative;
- ``knowledge_and_communication``: both components are required of everyone; a person
  without one of them in the period has it *missing* and does not meet the requirement.
A missing component is never a pass, under every rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app

from app.assessments.results import officer_result
from app.extensions import db
from app.models import (
    Attempt,
    AttemptState,
    CandidateStatus,
    Exam,
    ExamCandidate,
    ExamState,
    Period,
    Person,
    Unit,
)
from app.models.assessments import Round

VERDICT_RULES = ("all_required", "knowledge_only", "knowledge_and_communication")
DEFAULT_RULE = "all_required"


def verdict_rule() -> str:
    """The configured ``VERDICT_RULE``; raises ValueError for an unknown one."""
    rule = current_app.config.get("VERDICT_RULE") or DEFAULT_RULE
    if rule not in VERDICT_RULES:
        raise ValueError(f"VERDICT_RULE must be one of {', '.join(VERDICT_RULES)}, got {rule!r}")
    return rule


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    MISSING = "missing"


@dataclass
class Verdict:
    person: Person
    components: dict[str, Outcome] = field(default_factory=dict)  # the required ones
    rule: str = DEFAULT_RULE

    @property
    def meets(self) -> bool:
        deciding = [
            v
            for k, v in self.components.items()
            if self.rule != "knowledge_only" or k == "knowledge"
        ]
        return bool(deciding) and all(v is Outcome.PASSED for v in deciding)

    @property
    def missing(self) -> list[str]:
        return [k for k, v in self.components.items() if v is Outcome.MISSING]


def knowledge_outcomes(period: Period, person_ids: list[int]) -> dict[int, Outcome]:
    """Knowledge outcome of each person who had to sit a live exam of ``period``."""
    required = db.session.scalars(
        sa.select(ExamCandidate.person_id)
        .join(Exam, Exam.id == ExamCandidate.exam_id)
        .where(
            Exam.period_id == period.id,
            Exam.state != ExamState.CANCELLED,
            ExamCandidate.status == CandidateStatus.REQUIRED,
            ExamCandidate.person_id.in_(person_ids),
        )
    ).all()
    finished = db.session.execute(
        sa.select(Attempt.person_id, Attempt.passed)
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(
            Exam.period_id == period.id,
            Attempt.state == AttemptState.FINISHED,
            Attempt.person_id.in_(person_ids),
        )
    ).all()
    outcomes = {pid: Outcome.MISSING for pid in required}
    for pid, passed in finished:
        if pid in outcomes and outcomes[pid] is not Outcome.PASSED:
            outcomes[pid] = Outcome.PASSED if passed else Outcome.FAILED
    return outcomes


def communication_outcomes(period: Period, people: list[Person]) -> dict[int, Outcome]:
    """Communication outcome of each person whose unit lies in a round of ``period``."""
    outcomes: dict[int, Outcome] = {}
    rounds = sa.select(Round).where(Round.period_id == period.id, Round.calibration.is_(False))
    for rnd in db.session.scalars(rounds):
        paths = [
            u.path for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(rnd.unit_ids)))
        ]
        for person in people:
            if not any(person.unit.path.startswith(p) for p in paths):
                continue
            result = officer_result(rnd, person.id)
            outcome = (
                Outcome.MISSING
                if result.passed is None
                else Outcome.PASSED
                if result.passed
                else Outcome.FAILED
            )
            outcomes[person.id] = _better(outcomes.get(person.id), outcome)
    return outcomes


_RANK = {None: 0, Outcome.MISSING: 1, Outcome.FAILED: 2, Outcome.PASSED: 3}


def _better(old: Outcome | None, new: Outcome) -> Outcome:
    """Across several rounds: a pass wins, then a fail; missing only when nothing else."""
    return new if _RANK[new] > _RANK[old] else old  # type: ignore[return-value]


def period_verdicts(period: Period, people: list[Person]) -> list[Verdict]:
    """The verdict of each of ``people`` for ``period``, in the order given."""
    rule = verdict_rule()
    ids = [p.id for p in people]
    knowledge = knowledge_outcomes(period, ids)
    communication = communication_outcomes(period, people)
    verdicts = []
    for person in people:
        verdict = Verdict(person, rule=rule)
        if rule == "knowledge_and_communication":
            verdict.components = {"knowledge": Outcome.MISSING, "communication": Outcome.MISSING}
        if person.id in knowledge:
            verdict.components["knowledge"] = knowledge[person.id]
        if person.id in communication:
            verdict.components["communication"] = communication[person.id]
        verdicts.append(verdict)
    return verdicts
