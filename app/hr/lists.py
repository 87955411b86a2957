"""The HR lists of a period: commendation candidates and reassignment reviews, with evidence.

Rules (settings in ``app/config.py``, defaults from the product brief):
- **Commendation candidate**: met the requirement (period verdict) in at least
  ``POLICY_COMMEND_MIN_PERIODS`` periods among the latest ``POLICY_WINDOW_PERIODS``
  periods up to the selected one, the selected ("latest") period included.
- **Reassignment review**: a required component *failed* in the selected period, or the
  share of citizens satisfied with the officer is credibly below
  ``POLICY_SATISFACTION_THRESHOLD`` (upper bound of the Wilson 95 % interval below it,
  with at least ``POLICY_MIN_RATINGS`` ratings in the period).
- A component that is only *missing* (no attempt, no sheet) is not a failure: such people
  are listed apart as "chưa đủ dữ liệu", for HR to chase the result rather than judge.

Ratings are counted in SQL (one GROUP BY officer over the officer-rating question of the
period's dates); responses flagged as part of a suspicious burst are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.analytics.intervals import Interval, credibly_below, wilson_interval
from app.extensions import db
from app.hr.verdicts import Outcome, Verdict, period_verdicts
from app.models import (
    Attempt,
    AttemptState,
    CaseKind,
    Exam,
    HrCase,
    Period,
    Person,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

SATISFIED_MIN = 4  # scale5: 4 "Hài lòng" and 5 "Rất hài lòng" are the top two levels
REASON_LABELS = {
    "knowledge_failed": _l("Không đạt phần kiểm tra kiến thức trong kỳ"),
    "communication_failed": _l("Không đạt phần đánh giá giao tiếp, ứng xử trong kỳ"),
    "satisfaction_below": _l("Mức hài lòng của người dân thấp hơn ngưỡng (có ý nghĩa thống kê)"),
}


@dataclass(frozen=True)
class Policy:
    min_periods: int
    window: int
    threshold: float
    min_ratings: int

    @classmethod
    def from_config(cls) -> Policy:
        cfg = current_app.config
        return cls(
            min_periods=cfg["POLICY_COMMEND_MIN_PERIODS"],
            window=cfg["POLICY_WINDOW_PERIODS"],
            threshold=cfg["POLICY_SATISFACTION_THRESHOLD"],
            min_ratings=cfg["POLICY_MIN_RATINGS"],
        )


@dataclass
class Ratings:
    """Citizen ratings of one officer in a period (officer-rating question only)."""

    n: int
    satisfied: int
    interval: Interval
    below: bool  # credibly below the threshold (enough ratings, upper bound below)


@dataclass
class Entry:
    """One person on a list, with everything that put them there."""

    person: Person
    period: Period
    verdict: Verdict
    knowledge_percent: float | None = None
    periods_met: list[Period] = field(default_factory=list)  # newest first
    ratings: Ratings | None = None
    reasons: list[str] = field(default_factory=list)
    case: HrCase | None = None

    def evidence(self, policy: Policy) -> dict[str, Any]:
        """A JSON-ready snapshot: what a case keeps when it is opened."""
        r = self.ratings
        return {
            "period": {"id": self.period.id, "name": self.period.name},
            "unit": self.person.unit.name,
            "position": self.person.position,
            "components": {k: o.value for k, o in self.verdict.components.items()},
            "missing": self.verdict.missing,
            "meets": self.verdict.meets,
            "knowledge_percent": self.knowledge_percent,
            "periods_met": [{"id": p.id, "name": p.name} for p in self.periods_met],
            "reasons": self.reasons,
            "ratings": None
            if r is None
            else {
                "n": r.n,
                "satisfied": r.satisfied,
                "share": r.interval.estimate,
                "lower": r.interval.lower,
                "upper": r.interval.upper,
                "credibly_below": r.below,
            },
            "policy": {
                "min_periods": policy.min_periods,
                "window": policy.window,
                "threshold": policy.threshold,
                "min_ratings": policy.min_ratings,
            },
        }


@dataclass
class Reviews:
    entries: list[Entry]
    insufficient: list[Entry]  # only missing components: "chưa đủ dữ liệu"


def window_periods(period: Period, size: int) -> list[Period]:
    """``period`` and the periods before it, newest first, ``size`` in all at most."""
    stmt = (
        sa.select(Period)
        .where(Period.starts_on <= period.starts_on)
        .order_by(Period.starts_on.desc(), Period.id.desc())
        .limit(max(size, 1))
    )
    return list(db.session.scalars(stmt))


def knowledge_percents(period: Period, person_ids: list[int]) -> dict[int, float]:
    """The best finished attempt's percentage per person in ``period`` (one GROUP BY)."""
    rows = db.session.execute(
        sa.select(Attempt.person_id, sa.func.max(Attempt.percent))
        .join(Exam, Exam.id == Attempt.exam_id)
        .where(
            Exam.period_id == period.id,
            Attempt.state == AttemptState.FINISHED,
            Attempt.person_id.in_(person_ids),
        )
        .group_by(Attempt.person_id)
    ).all()
    return {pid: pct for pid, pct in rows if pct is not None}


def officer_ratings(period: Period, person_ids: list[int]) -> dict[int, tuple[int, int]]:
    """``{officer_id: (n, satisfied)}`` over the period's dates: one SQL GROUP BY."""
    satisfied = sa.func.sum(sa.case((SurveyAnswer.number >= SATISFIED_MIN, 1), else_=0))
    stmt = (
        sa.select(SurveyResponse.officer_id, sa.func.count(), satisfied)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(
            SurveyQuestion.rates_officer.is_(True),
            SurveyAnswer.number.is_not(None),
            SurveyResponse.officer_id.in_(person_ids),
            SurveyResponse.flagged.is_(False),
            SurveyResponse.day >= period.starts_on,
            SurveyResponse.day <= period.ends_on,
        )
        .group_by(SurveyResponse.officer_id)
    )
    return {oid: (int(n), int(s or 0)) for oid, n, s in db.session.execute(stmt)}


def ratings_of(counts: tuple[int, int] | None, policy: Policy) -> Ratings | None:
    if not counts or counts[0] == 0:
        return None
    n, ok = counts
    below = credibly_below(ok, n, policy.threshold, min_n=policy.min_ratings)
    return Ratings(n, ok, wilson_interval(ok, n), below)


def commendation_candidates(
    period: Period, people: list[Person], policy: Policy | None = None
) -> list[Entry]:
    """People who met the requirement in ``period`` and, counting it, in at least
    ``policy.min_periods`` periods of the window; in the order of ``people``."""
    policy = policy or Policy.from_config()
    met_now = [v for v in period_verdicts(period, people) if v.meets]
    met: dict[int, list[Period]] = {v.person.id: [period] for v in met_now}
    subset = [v.person for v in met_now]
    if subset and policy.min_periods > 1:
        for older in window_periods(period, policy.window)[1:]:
            for v in period_verdicts(older, subset):
                if v.meets:
                    met[v.person.id].append(older)
    chosen = [v for v in met_now if len(met[v.person.id]) >= policy.min_periods]
    percents = knowledge_percents(period, [v.person.id for v in chosen])
    ratings = officer_ratings(period, [v.person.id for v in chosen])
    return [
        Entry(
            v.person,
            period,
            v,
            percents.get(v.person.id),
            met[v.person.id],
            ratings_of(ratings.get(v.person.id), policy),
        )
        for v in chosen
    ]


def reassignment_reviews(
    period: Period, people: list[Person], policy: Policy | None = None
) -> Reviews:
    """People to review for ``period`` (failed a component, or credibly low satisfaction),
    and apart from them the people whose result is only missing."""
    policy = policy or Policy.from_config()
    ids = [p.id for p in people]
    ratings = officer_ratings(period, ids)
    percents = knowledge_percents(period, ids)
    result = Reviews([], [])
    for v in period_verdicts(period, people):
        entry = Entry(v.person, period, v, percents.get(v.person.id))
        entry.ratings = ratings_of(ratings.get(v.person.id), policy)
        if not v.meets:  # a failure the verdict rule ignores does not put anyone on the list
            entry.reasons = [f"{k}_failed" for k, o in v.components.items() if o is Outcome.FAILED]
        if entry.ratings is not None and entry.ratings.below:
            entry.reasons.append("satisfaction_below")
        if entry.reasons:
            result.entries.append(entry)
        elif v.missing and not v.meets:
            result.insufficient.append(entry)
    return result


def entry_for(kind: CaseKind, period: Period, person: Person) -> Entry | None:
    """The list entry of ``person`` for ``kind`` in ``period``, None when not on the list."""
    if kind is CaseKind.COMMENDATION:
        found = commendation_candidates(period, [person])
    else:
        found = reassignment_reviews(period, [person]).entries
    return found[0] if found else None


def attach_cases(entries: list[Entry], period: Period, kind: CaseKind) -> None:
    """Set ``entry.case`` to the existing case of each entry (one query)."""
    ids = [e.person.id for e in entries]
    cases = db.session.scalars(
        sa.select(HrCase).where(
            HrCase.period_id == period.id, HrCase.kind == kind, HrCase.person_id.in_(ids)
        )
    )
    by_person = {c.person_id: c for c in cases}
    for entry in entries:
        entry.case = by_person.get(entry.person.id)
