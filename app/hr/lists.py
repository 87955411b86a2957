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

Set-based: the verdicts of the whole roster in every period of the window come from a few
GROUP BY queries (``app.hr.facts``, ``app.hr.verdicts.verdict_table``); Python then walks
plain tuples, and only the people who end up on a list are loaded as objects. Ratings are
counted in SQL (one GROUP BY officer over the officer-rating question of the period's
dates); responses flagged as part of a suspicious burst are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.analytics.intervals import Interval, credibly_below, wilson_interval
from app.extensions import db
from app.hr import membership
from app.hr.facts import (
    ID_LIST_MAX,
    PersonRow,
    Roster,
    as_roster,
    ids_select,
    knowledge_percents,
    officer_ratings,
    person_rows,
)
from app.hr.membership import Slice
from app.hr.verdict_sql import code_rows, components_of
from app.hr.verdicts import Outcome, Verdict, meets, verdict_rule
from app.models import (
    CaseKind,
    HrCase,
    Period,
    Person,
)

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

    person: PersonRow  # or a Person: the same attributes
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


def ratings_of(counts: tuple[int, int] | None, policy: Policy) -> Ratings | None:
    if not counts or counts[0] == 0:
        return None
    n, ok = counts
    below = credibly_below(ok, n, policy.threshold, min_n=policy.min_ratings)
    return Ratings(n, ok, wilson_interval(ok, n), below)


PER_PAGE = 50


@dataclass
class Page:
    """One page of a list: its entries, the list's total, this page's number (from 1)."""

    entries: list[Entry]
    total: int
    page: int = 1
    pages: int = 1
    per_page: int | None = None

    @property
    def first(self) -> int:
        """The position in the list of the page's first entry (from 1)."""
        return (self.page - 1) * (self.per_page or 0) + 1


@dataclass
class ReviewPage:
    """A page of each part of the reassignment list."""

    reviews: Page
    insufficient: Page

    @property
    def total(self) -> int:
        return self.reviews.total

    @property
    def missing_total(self) -> int:
        return self.insufficient.total


def _page(found: Slice, entries: list[Entry]) -> Page:
    return Page(entries, found.total, found.page, found.pages, found.per_page)


def _entries(
    period: Period,
    ids: list[int],
    policy: Policy,
    roster: Roster,
    window: list[Period] | None = None,
    ratings: dict[int, tuple[int, int]] | None = None,
) -> list[Entry]:
    """Entries of ``ids`` (one page, or a whole list for an export) with their evidence:
    components (and, given the ``window``, the periods met, newest first), the best
    knowledge percentage and the officer's ratings (read for ``ids`` when not given)."""
    rule = verdict_rule()
    rows = code_rows([p.id for p in (window or [period])], ids_select(ids))
    persons = person_rows(ids)
    percents = knowledge_percents(period, ids, roster)
    if ratings is None:
        ratings = officer_ratings(period, ids if len(ids) <= ID_LIST_MAX else None)
    entries = []
    for pid in ids:
        parts = components_of(rule, *rows.get((pid, period.id), (None, None)))
        person = persons[pid]
        entry = Entry(person, period, Verdict(person, parts, rule), percents.get(pid))
        entry.ratings = ratings_of(ratings.get(pid), policy)
        if window:
            entry.periods_met = [
                p
                for p in window
                if meets(rule, components_of(rule, *rows.get((pid, p.id), (None, None))))
            ]
        entries.append(entry)
    return entries


def commendation_page(
    period: Period,
    people: Roster | Sequence[Person],
    policy: Policy | None = None,
    page: int = 1,
    per_page: int | None = PER_PAGE,
) -> Page:
    """Page ``page`` of the people who met the requirement in ``period`` and, counting it,
    in at least ``policy.min_periods`` periods of the window, in the order of ``people``
    (all of them without ``per_page``). Who is listed is decided in SQL."""
    policy = policy or Policy.from_config()
    roster = as_roster(people)
    older = window_periods(period, policy.window)[1:] if policy.min_periods > 1 else []
    window = [period, *older]
    on_list = membership.commendation_ids(
        period.id, [p.id for p in window], roster, policy.min_periods, verdict_rule()
    )
    found = membership.page_of(roster, on_list, page, per_page)
    return _page(found, _entries(period, found.ids, policy, roster, window))


def commendation_candidates(
    period: Period, people: Roster | Sequence[Person], policy: Policy | None = None
) -> list[Entry]:
    """Every commendation candidate (``commendation_page`` without pages)."""
    return commendation_page(period, people, policy, per_page=None).entries


def _review_reasons(parts: dict[str, Outcome], meets: bool, rated: Ratings | None) -> list[str]:
    """Why a person is reviewed: failed components (only when the rule says they do not meet
    the requirement), credibly low satisfaction."""
    reasons = [] if meets else [f"{k}_failed" for k, o in parts.items() if o is Outcome.FAILED]
    if rated is not None and rated.below:
        reasons.append("satisfaction_below")
    return reasons


def review_page(
    period: Period,
    people: Roster | Sequence[Person],
    policy: Policy | None = None,
    page: int = 1,
    missing_page: int = 1,
    per_page: int | None = PER_PAGE,
) -> ReviewPage:
    """A page of the people to review for ``period`` (failed a component, or credibly low
    satisfaction) and a page of those whose result is only missing, in the order of
    ``people`` (everyone without ``per_page``). Who is listed is decided in SQL; the
    ratings of every officer are counted once (a few thousand officers are rated)."""
    policy = policy or Policy.from_config()
    roster = as_roster(people)
    ratings = officer_ratings(period, None)
    below = [pid for pid, c in ratings.items() if (r := ratings_of(c, policy)) and r.below]
    rows = membership.in_order(
        roster, membership.review_rows(period.id, roster, below, verdict_rule())
    )
    parts = []
    for part, number in ((0, page), (1, missing_page)):
        found = membership.cut([pid for pid, apart in rows if apart == part], number, per_page)
        entries = _entries(period, found.ids, policy, roster, ratings=ratings)
        for entry in entries:
            entry.reasons = _review_reasons(
                entry.verdict.components, entry.verdict.meets, entry.ratings
            )
        parts.append(_page(found, entries))
    return ReviewPage(*parts)


def reassignment_reviews(
    period: Period, people: Roster | Sequence[Person], policy: Policy | None = None
) -> Reviews:
    """Everyone to review and everyone whose result is only missing (``review_page``
    without pages)."""
    found = review_page(period, people, policy, per_page=None)
    return Reviews(found.reviews.entries, found.insufficient.entries)


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
