"""Results of a round: per-officer verdicts and disagreement flags.

Only *live submitted* sheets count (a corrected sheet is replaced by its newest revision;
drafts never count). An officer's percentage is the mean of their sheets' percentages;
a criterion is flagged for a moderation note when the highest and lowest levels given to
that officer differ by at least the rubric version's ``disagreement_levels``.
Inter-rater reliability lives in :mod:`app.assessments.reliability`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.models import Person, Round, Sheet, SheetState


@dataclass(frozen=True)
class CriterionSpread:
    key: str
    title: str
    low: int
    high: int
    flagged: bool


@dataclass
class OfficerResult:
    person_id: int
    n_sheets: int
    percent: float | None  # None: no submitted sheet yet ("missing", never "passed")
    passed: bool | None
    spreads: list[CriterionSpread] = field(default_factory=list)

    @property
    def flagged(self) -> list[str]:
        return [s.key for s in self.spreads if s.flagged]


def live_submitted(round_id: int, person_id: int | None = None) -> list[Sheet]:
    """The sheets that count: submitted and not superseded, by person then assessor."""
    stmt = sa.select(Sheet).where(
        Sheet.round_id == round_id,
        Sheet.state == SheetState.SUBMITTED,
        Sheet.live_key.is_not(None),
    )
    if person_id is not None:
        stmt = stmt.where(Sheet.person_id == person_id)
    return list(db.session.scalars(stmt.order_by(Sheet.person_id, Sheet.assessor_id, Sheet.id)))


def _result(rnd: Round, person_id: int, sheets: list[Sheet]) -> OfficerResult:
    version = rnd.rubric_version
    if not sheets:
        return OfficerResult(person_id, 0, None, None)
    percent = sum(s.percent or 0.0 for s in sheets) / len(sheets)
    spreads = []
    for crit in version.criteria:
        levels = [s.scores[crit["key"]] for s in sheets if crit["key"] in s.scores]
        low, high = min(levels), max(levels)
        flagged = high - low >= version.disagreement_levels
        spreads.append(CriterionSpread(crit["key"], crit["title"], low, high, flagged))
    passed = percent >= version.pass_threshold - 1e-9
    return OfficerResult(person_id, len(sheets), percent, passed, spreads)


def officer_result(rnd: Round, person_id: int) -> OfficerResult:
    """Mean percentage, pass/fail against the rubric threshold and disagreement flags."""
    return _result(rnd, person_id, live_submitted(rnd.id, person_id))


def round_results(rnd: Round) -> list[tuple[Person, OfficerResult]]:
    """Every officer with at least one submitted sheet, sorted by given name."""
    by_person: dict[int, list[Sheet]] = {}
    for sheet in live_submitted(rnd.id):
        by_person.setdefault(sheet.person_id, []).append(sheet)
    people = db.session.scalars(
        sa.select(Person).where(Person.id.in_(by_person)).order_by(Person.sort_key)
    )
    return [(p, _result(rnd, p.id, by_person[p.id])) for p in people]
