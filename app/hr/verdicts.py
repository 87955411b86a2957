"""The period verdict: per person, each required component's result, and whether the
person meets the competence requirement.

Derived on demand from exams and assessment rounds, never stored or hand-edited.
- Knowledge is required when the person is a required candidate of a live exam of the
  period; it passed if any finished attempt of the period's live exams passed (a passed
  retest counts; an attempt of a cancelled exam counts for nothing), failed if attempts
  finished and none passed, and is *missing* otherwise. The rule is the pass-rate
  dashboard's own SQL (``app.analytics.rates.period_outcomes``).
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

from flask import current_app

from app.hr import facts
from app.hr.facts import Roster
from app.models import Period, Person

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


def meets(rule: str, components: dict[str, Outcome]) -> bool:
    """Whether ``components`` meet the requirement under ``rule``."""
    deciding = [v for k, v in components.items() if rule != "knowledge_only" or k == "knowledge"]
    return bool(deciding) and all(v is Outcome.PASSED for v in deciding)


@dataclass
class Verdict:
    person: Person
    components: dict[str, Outcome] = field(default_factory=dict)  # the required ones
    rule: str = DEFAULT_RULE

    @property
    def meets(self) -> bool:
        return meets(self.rule, self.components)

    @property
    def missing(self) -> list[str]:
        return [k for k, v in self.components.items() if v is Outcome.MISSING]


KNOWLEDGE = (Outcome.MISSING, Outcome.FAILED, Outcome.PASSED)  # by sat + passed (0, 1, 2)


def knowledge_outcomes(period: Period, person_ids: list[int]) -> dict[int, Outcome]:
    """Knowledge outcome of each person who had to sit a live exam of ``period`` (attempts
    of a cancelled exam count for nothing)."""
    roster = Roster(facts.ids_select(person_ids), [])
    rows = facts.knowledge_rows([period.id], roster)
    return {pid: KNOWLEDGE[code] for (pid, _p), code in rows.items()}


def communication_table(period_ids: list[int], roster: Roster) -> dict[tuple[int, int], Outcome]:
    """``{(person id, period id): Outcome}`` for each roster member whose unit lies in a live
    round of the period: three queries for the whole roster, whatever its size."""
    rounds = facts.rounds_of(period_ids)
    means = facts.sheet_means(rounds, roster)
    ancestors: dict[str, frozenset[int]] = {}
    out: dict[tuple[int, int], Outcome] = {}
    for pid, path in roster.members:
        units = ancestors.get(path) or ancestors.setdefault(path, facts.path_ids(path))
        for rnd in rounds:
            if not rnd.unit_ids & units:
                continue
            mean = means.get((rnd.id, pid))
            outcome = (
                Outcome.MISSING
                if mean is None
                else Outcome.PASSED
                if mean >= rnd.threshold - 1e-9
                else Outcome.FAILED
            )
            out[(pid, rnd.period_id)] = _better(out.get((pid, rnd.period_id)), outcome)
    return out


def communication_outcomes(period: Period, people: list[Person]) -> dict[int, Outcome]:
    """Communication outcome of each person whose unit lies in a round of ``period``."""
    table = communication_table([period.id], Roster.of_people(people))
    return {pid: outcome for (pid, _p), outcome in table.items()}


_RANK = {None: 0, Outcome.MISSING: 1, Outcome.FAILED: 2, Outcome.PASSED: 3}


def _better(old: Outcome | None, new: Outcome) -> Outcome:
    """Across several rounds: a pass wins, then a fail; missing only when nothing else."""
    return new if _RANK[new] > _RANK[old] else old  # type: ignore[return-value]


def components(
    rule: str, knowledge: Outcome | None, communication: Outcome | None
) -> dict[str, Outcome]:
    """The required components of one person in one period under ``rule``."""
    found: dict[str, Outcome] = {}
    if rule == "knowledge_and_communication":
        found = {"knowledge": Outcome.MISSING, "communication": Outcome.MISSING}
    if knowledge is not None:
        found["knowledge"] = knowledge
    if communication is not None:
        found["communication"] = communication
    return found


@dataclass
class VerdictTable:
    """Components per (person id, period id) of a roster over some periods."""

    rule: str
    knowledge: dict[tuple[int, int], Outcome]
    communication: dict[tuple[int, int], Outcome]
    # a person's verdict depends only on the pair of outcomes: 16 pairs, computed once each
    _pairs: dict[tuple, tuple[dict[str, Outcome], bool]] = field(default_factory=dict)

    def judged(self, person_id: int, period_id: int) -> tuple[dict[str, Outcome], bool]:
        """(components, meets) of the person in the period. The dictionary is shared by
        everyone with the same outcomes: copy it before changing it."""
        key = (person_id, period_id)
        pair = (self.knowledge.get(key), self.communication.get(key))
        found = self._pairs.get(pair)
        if found is None:
            parts = components(self.rule, *pair)
            found = self._pairs[pair] = (parts, meets(self.rule, parts))
        return found

    def of(self, person_id: int, period_id: int) -> dict[str, Outcome]:
        return dict(self.judged(person_id, period_id)[0])

    def meeting(self, period_id: int) -> set[int]:
        """The people who meet the requirement in the period: only people with a knowledge
        or communication component can, so only those are judged."""
        keys = {pid for pid, per in (*self.knowledge, *self.communication) if per == period_id}
        return {pid for pid in keys if self.judged(pid, period_id)[1]}

    def meets(self, person_id: int, period_id: int) -> bool:
        return self.judged(person_id, period_id)[1]


def verdict_table(period_ids: list[int], roster: Roster) -> VerdictTable:
    """The components of every roster member in each of ``period_ids`` (four queries)."""
    rule = verdict_rule()
    know = facts.knowledge_rows(period_ids, roster)
    return VerdictTable(
        rule,
        {key: KNOWLEDGE[code] for key, code in know.items()},
        communication_table(period_ids, roster),
    )


def period_verdicts(period: Period, people: list[Person]) -> list[Verdict]:
    """The verdict of each of ``people`` for ``period``, in the order given."""
    table = verdict_table([period.id], Roster.of_people(people))
    return [Verdict(p, table.of(p.id, period.id), table.rule) for p in people]
