"""Per-person exam forms: the blueprint, whether the bank can fill it, and the seeded draw.

Pure Python: the exam service loads the candidates (approved versions, one per question, each
tagged with its blueprint row's topic) and calls :func:`draw_form` with the attempt's stored
seed, so any attempt can be drawn again and audited. The blueprint is stored on the exam as
``{"rows": [{"topic": id, "count": n, "mix": {"easy": 3, ...} | null}], "fixed": [ids]}``.

Rules of the draw, in priority order:

1. The blueprint exactly: per row ``count`` questions of its topic, per difficulty cell of a
   mix exactly that many of that difficulty, every fixed question once (in addition to the
   rows, never drawn randomly), no question twice (of two versions of one question the highest
   ``version_id`` is used).
2. Questions in ``avoid`` (seen by the person in the previous period) only where a cell cannot
   be filled without them, and then as few as possible.
3. Questions drawn fewer times in this exam (``exposure``) first; random among equals.
4. Alike difficulty. A row without a mix is split across author difficulties in proportion to
   its pool (largest remainder, random tie-break); if ``avoid`` leaves a difficulty short, its
   share moves to difficulties with unseen questions to spare. Measured facility replaces
   author difficulty once statistics exist: when ``target_facility`` is given, a row without a
   mix whose candidates all carry a facility is not split by author difficulty; ``FILLINGS``
   random fillings are drawn and the one whose mean facility (over the form's questions that
   have one, fixed ones included) is closest to the target is kept (the earliest on ties), then
   improved by greedy swaps (at most ``MAX_SWAPS``) between questions that rules 1-3 rank
   equal: same cell, both seen or both unseen, same exposure. A target the bank cannot reach
   is approached, not met. Pass a facility only when it was measured on enough attempts.

Candidates whose difficulty is not easy/medium/hard count as unclassified: they fill rows
without a mix, never a mixed cell. Messages are Vietnamese (no Flask here, so not translated).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

DIFFICULTIES = ("easy", "medium", "hard")
DIFFICULTY_VI = {"easy": "dễ", "medium": "trung bình", "hard": "khó", None: "chưa phân loại"}
LEVEL_LABELS = {"easy": _l("dễ"), "medium": _l("trung bình"), "hard": _l("khó")}  # in messages
MAX_QUESTIONS = 500
FILLINGS = 12  # random fillings compared when steering the mean facility
MAX_SWAPS = 20  # greedy swaps that then bring the mean facility closer to the target


class BlueprintError(ValueError):
    """A blueprint the author has to correct; ``message`` says what, in the user's language."""

    def __init__(self, message: object) -> None:
        super().__init__(message)

    @property
    def message(self) -> str:
        """The message in the current language (it may be created as a lazy string)."""
        return str(self.args[0])


@dataclass(frozen=True)
class Candidate:
    """An approved question version the person may be given."""

    question_id: int
    version_id: int
    topic_key: int
    difficulty: str | None
    facility: float | None = None


@dataclass(frozen=True)
class BlueprintRow:
    """``count`` questions of one topic; ``mix`` (summing to ``count``) or None = any."""

    topic_key: int
    count: int
    mix: dict[str, int] | None = None

    def __post_init__(self) -> None:
        where = f"Chủ đề #{self.topic_key}"  # the exam pages put the topic's name here
        if self.count < 0:
            raise BlueprintError(_l("%(where)s: số câu không được âm.", where=where))
        if self.mix is None:
            return
        unknown = sorted(set(self.mix) - set(DIFFICULTIES))
        if unknown:
            raise BlueprintError(
                _l(
                    "%(where)s: mức độ khó không hợp lệ: %(levels)s (chỉ dùng easy, medium, hard).",
                    where=where,
                    levels=", ".join(map(str, unknown)),
                )
            )
        if any(n < 0 for n in self.mix.values()):
            raise BlueprintError(
                _l("%(where)s: số câu theo mức độ khó không được âm.", where=where)
            )
        if sum(self.mix.values()) != self.count:
            raise BlueprintError(
                _l(
                    "%(where)s: tổng số câu theo mức độ khó (%(mixed)s) khác số câu của chủ đề"
                    " (%(count)s).",
                    where=where,
                    mixed=sum(self.mix.values()),
                    count=self.count,
                )
            )
        object.__setattr__(self, "mix", {d: self.mix[d] for d in DIFFICULTIES if d in self.mix})

    def cells(self) -> list[tuple[str, int]]:
        """The non-empty difficulty cells of the mix, easy first; [] without a mix."""
        return [(d, n) for d, n in (self.mix or {}).items() if n > 0]


@dataclass(frozen=True)
class Blueprint:
    """Rows (one per topic) plus fixed question ids always included."""

    rows: list[BlueprintRow]
    fixed: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        topic = _first_repeat(r.topic_key for r in self.rows)
        if topic is not None:
            raise BlueprintError(
                _l("Chủ đề #%(topic)s có nhiều hơn một dòng trong cấu trúc đề.", topic=topic)
            )
        question = _first_repeat(self.fixed)
        if question is not None:
            raise BlueprintError(
                _l("Câu hỏi cố định #%(question)s bị lặp trong cấu trúc đề.", question=question)
            )

    @property
    def total(self) -> int:
        """Questions on every form: the rows' counts plus the fixed questions."""
        return sum(r.count for r in self.rows) + len(self.fixed)

    def as_json(self) -> dict:
        """The stored form, read back by :func:`parse_blueprint`."""
        return {
            "rows": [
                {
                    "topic": r.topic_key,
                    "count": r.count,
                    "mix": None if r.mix is None else dict(r.mix),
                }
                for r in self.rows
            ],
            "fixed": list(self.fixed),
        }


@dataclass(frozen=True)
class Shortfall:
    """A cell (or a fixed question) the candidates cannot fill."""

    topic_key: int | None
    difficulty: str | None
    needed: int
    available: int
    question_id: int | None = None

    @property
    def message(self) -> str:
        return self.message_for({})

    def message_for(self, topic_names: Mapping[int, str]) -> str:
        """The Vietnamese message, naming the topic from ``topic_names`` when it is there."""
        if self.question_id is not None:
            return _(
                "Câu hỏi cố định #%(id)s không có trong các câu hỏi đã duyệt.", id=self.question_id
            )
        topic = topic_names.get(self.topic_key) or f"Chủ đề #{self.topic_key}"  # see where=
        if self.difficulty:
            level = _("mức %(level)s", level=LEVEL_LABELS[self.difficulty])
            topic = f"{topic}, {level}"
        return _(
            "%(topic)s: cần %(needed)s câu nhưng chỉ có %(available)s câu đã duyệt.",
            topic=topic,
            needed=self.needed,
            available=self.available,
        )


class DrawError(Exception):
    """The blueprint cannot be filled from the candidates; ``shortfalls`` say where."""

    def __init__(self, shortfalls: Sequence[Shortfall]) -> None:
        self.shortfalls = list(shortfalls)
        details = "; ".join(s.message for s in self.shortfalls)
        super().__init__(_l("Không đủ câu hỏi đã duyệt để lập đề: %(details)s", details=details))


def parse_blueprint(data: object) -> Blueprint:
    """The blueprint stored as JSON; raises BlueprintError when it is malformed or impossible."""
    if not isinstance(data, Mapping) or set(data) - {"rows", "fixed"}:
        raise BlueprintError(_l("Cấu trúc đề phải có dạng {rows: [...], fixed: [...]}."))
    rows, fixed = data.get("rows", []), data.get("fixed", [])
    if not isinstance(rows, list) or not isinstance(fixed, list):
        raise BlueprintError(_l("Danh sách chủ đề và câu hỏi cố định phải là danh sách."))
    blueprint = Blueprint([_parse_row(r) for r in rows], [_int(q, _l("Mã câu hỏi")) for q in fixed])
    if blueprint.total == 0:
        raise BlueprintError(_l("Cấu trúc đề trống: cần ít nhất một câu hỏi."))
    if blueprint.total > MAX_QUESTIONS:
        raise BlueprintError(
            _l(
                "Đề có tối đa %(limit)s câu hỏi (cấu trúc này có %(total)s câu).",
                limit=MAX_QUESTIONS,
                total=blueprint.total,
            )
        )
    return blueprint


def _parse_row(raw: object) -> BlueprintRow:
    if not isinstance(raw, Mapping) or set(raw) - {"topic", "count", "mix"} or "topic" not in raw:
        raise BlueprintError(_l("Mỗi dòng của cấu trúc đề gồm topic, count và (tuỳ chọn) mix."))
    mix = raw.get("mix")
    if mix is not None:
        if not isinstance(mix, Mapping):
            raise BlueprintError(_l("Tỉ lệ mức độ khó (mix) phải là một bảng mức độ → số câu."))
        mix = {str(k): _int(v, _l("Số câu theo mức độ khó")) for k, v in mix.items()}
    return BlueprintRow(
        _int(raw["topic"], _l("Mã chủ đề")), _int(raw.get("count"), _l("Số câu")), mix
    )


def _first_repeat(keys: Iterable[int]) -> int | None:
    seen: set[int] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None


def _int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BlueprintError(
            _l("%(what)s phải là số nguyên (nhận được %(value)r).", what=what, value=value)
        )
    return value


def check_blueprint(bp: Blueprint, candidates: Iterable[Candidate]) -> list[Shortfall]:
    """What keeps ``bp`` from being filled from ``candidates``; empty when every form can be."""
    index = _index(candidates)
    pools = _pools(bp, index)
    found = [
        Shortfall(row.topic_key, difficulty, needed, len(pool))
        for row in bp.rows
        for difficulty, needed, pool in _cells(row, pools[row.topic_key])
        if len(pool) < needed
    ]
    return found + [Shortfall(None, None, 1, 0, question_id=q) for q in bp.fixed if q not in index]


def draw_form(
    bp: Blueprint,
    candidates: Iterable[Candidate],
    *,
    seed: int,
    avoid: AbstractSet[int] = frozenset(),
    exposure: Mapping[int, int] | None = None,
    target_facility: float | None = None,
) -> list[Candidate]:
    """One person's form in canonical order: rows in blueprint order (by question id within a
    row), then the fixed questions. Same inputs and seed, same form. Raises DrawError."""
    candidates = list(candidates)
    shortfalls = check_blueprint(bp, candidates)
    if shortfalls:
        raise DrawError(shortfalls)
    rng = random.Random(seed)  # noqa: S311 - must replay from the stored seed
    index = _index(candidates)
    pools = _pools(bp, index)
    fixed = [index[q] for q in bp.fixed]
    plan = [_plan_row(row, pools[row.topic_key], avoid, rng, target_facility) for row in bp.rows]
    steer = target_facility is not None and any(c.facility is not None for c in index.values())
    fillings = [
        _fill(plan, avoid, exposure or {}, rng) for _fill_no in range(FILLINGS if steer else 1)
    ]
    rows, tiers = min(fillings, key=lambda f: _distance(_flat(f[0]) + fixed, target_facility))
    if steer:
        _steer(rows, tiers, fixed, target_facility)
    return [c for row in rows for c in sorted(row, key=lambda c: c.question_id)] + fixed


def describe(bp: Blueprint, topic_names: Mapping[int, str] | None = None) -> str:
    """E.g. "20 câu: Cơ chế một cửa 10 (dễ 3, trung bình 5, khó 2); Giao tiếp 8; 2 câu cố định"."""
    names = topic_names or {}
    parts = []
    for row in bp.rows:
        if row.count == 0:
            continue
        cells = ", ".join(f"{DIFFICULTY_VI[d]} {n}" for d, n in row.cells())
        name = names.get(row.topic_key) or f"Chủ đề #{row.topic_key}"
        parts.append(f"{name} {row.count}" + (f" ({cells})" if cells else ""))
    if bp.fixed:
        parts.append(f"{len(bp.fixed)} câu cố định")
    return f"{bp.total} câu: " + "; ".join(parts)


# --- internals ---------------------------------------------------------------------------

Cell = tuple[int, list[Candidate]]  # how many to take, from which candidates
Tier = tuple[int, list[Candidate]]  # row index, questions a swap may exchange in one cell


def _index(candidates: Iterable[Candidate]) -> dict[int, Candidate]:
    """Question id -> its candidate (highest version), in question id order."""
    best: dict[int, Candidate] = {}
    for c in sorted(candidates, key=lambda c: (c.question_id, c.version_id)):
        best[c.question_id] = c
    return best


def _pools(bp: Blueprint, index: Mapping[int, Candidate]) -> dict[int, list[Candidate]]:
    """Row topic -> the candidates that may be drawn for it (fixed questions excluded)."""
    pools: dict[int, list[Candidate]] = {row.topic_key: [] for row in bp.rows}
    fixed = set(bp.fixed)
    for c in index.values():
        if c.topic_key in pools and c.question_id not in fixed:
            pools[c.topic_key].append(c)
    return pools


def _level(c: Candidate) -> str | None:
    return c.difficulty if c.difficulty in DIFFICULTIES else None


def _cells(row: BlueprintRow, pool: list[Candidate]) -> list[tuple[str | None, int, list]]:
    """(difficulty or None = any, needed, candidates) for each cell the row must fill."""
    if row.mix is None:
        return [(None, row.count, pool)] if row.count else []
    return [(d, n, [c for c in pool if _level(c) == d]) for d, n in row.cells()]


def _plan_row(
    row: BlueprintRow,
    pool: list[Candidate],
    avoid: AbstractSet[int],
    rng: random.Random,
    target: float | None,
) -> list[Cell]:
    """The cells the draw fills for ``row``: its mix, or a split of ``count`` (rule 4)."""
    if row.mix is not None or row.count == 0:
        return [(n, cands) for _key, n, cands in _cells(row, pool)]
    if target is not None and all(c.facility is not None for c in pool):
        return [(row.count, pool)]
    groups: dict[str | None, list[Candidate]] = {}
    for level in (*DIFFICULTIES, None):
        members = [c for c in pool if _level(c) == level]
        if members:
            groups[level] = members
    quotas = _allocate(row.count, {k: len(v) for k, v in groups.items()}, rng)
    fresh = {k: sum(c.question_id not in avoid for c in v) for k, v in groups.items()}
    _shift_to_fresh(quotas, fresh)
    return [(quotas[k], groups[k]) for k in groups if quotas[k]]


def _allocate(count: int, sizes: dict[str | None, int], rng: random.Random) -> dict:
    """Largest-remainder split of ``count`` in proportion to ``sizes``; random tie-break."""
    total = sum(sizes.values())
    quotas = {k: count * n // total for k, n in sizes.items()}
    tie = {k: rng.random() for k in sizes}
    order = sorted(sizes, key=lambda k: (-(count * sizes[k] % total), tie[k]))
    for k in order[: count - sum(quotas.values())]:
        quotas[k] += 1
    return quotas


def _shift_to_fresh(quotas: dict, fresh: Mapping) -> None:
    """Move quota from groups short of unseen questions to groups with unseen ones to spare."""
    spare = [k for k in quotas if quotas[k] < fresh[k]]
    for short in (k for k in quotas if quotas[k] > fresh[k]):
        for k in spare:
            moved = min(quotas[short] - fresh[short], fresh[k] - quotas[k])
            quotas[short] -= moved
            quotas[k] += moved


def _fill(
    plan: list[list[Cell]],
    avoid: AbstractSet[int],
    exposure: Mapping[int, int],
    rng: random.Random,
) -> tuple[list[list[Candidate]], list[Tier]]:
    """One random filling of ``plan`` (unseen first, then least drawn, random among equals) as
    questions per row, and each cell's boundary tier: the questions ranked equal to its last."""

    def rank(c: Candidate) -> tuple[bool, int]:
        return c.question_id in avoid, exposure.get(c.question_id, 0)

    rows: list[list[Candidate]] = []
    tiers: list[Tier] = []
    for i, cells in enumerate(plan):
        chosen: list[Candidate] = []
        for n, pool in cells:
            order = list(pool)
            rng.shuffle(order)
            order.sort(key=rank)
            chosen.extend(order[:n])
            tiers.append((i, [c for c in order if rank(c) == rank(order[n - 1])]))
        rows.append(chosen)
    return rows, tiers


def _flat(rows: list[list[Candidate]]) -> list[Candidate]:
    return [c for row in rows for c in row]


def _distance(form: list[Candidate], target: float | None) -> float:
    """|mean facility - target| over the questions that have a facility; 0 when none do."""
    values = [c.facility for c in form if c.facility is not None]
    if target is None or not values:
        return 0.0
    return abs(sum(values) / len(values) - target)


def _steer(
    rows: list[list[Candidate]], tiers: list[Tier], fixed: list[Candidate], target: float
) -> None:
    """Swap questions within boundary tiers (rules 1-3 still hold) toward the target mean."""
    rated = [c.facility for c in _flat(rows) + fixed if c.facility is not None]
    total, count = sum(rated), len(rated)
    for _step in range(MAX_SWAPS if count else 0):
        swap = _best_swap(rows, tiers, total, count, target)
        if swap is None:
            return
        i, out, into = swap
        rows[i][rows[i].index(out)] = into
        total += into.facility - out.facility


def _best_swap(
    rows: list[list[Candidate]], tiers: list[Tier], total: float, count: int, target: float
) -> tuple[int, Candidate, Candidate] | None:
    """The swap (row, out, in) that brings the mean closest to the target, if it improves."""
    best, found = abs(total / count - target) - 1e-12, None
    wanted = target * count - total  # the facility change that would hit the target
    for i, tier in tiers:
        inside = set(rows[i])
        rated = [c for c in tier if c.facility is not None]
        outside = sorted((c for c in rated if c not in inside), key=lambda c: c.facility)
        keys = [c.facility for c in outside]
        for out in (c for c in rated if c in inside):
            k = bisect_left(keys, out.facility + wanted)
            for into in outside[max(k - 1, 0) : k + 1]:
                gap = abs((total - out.facility + into.facility) / count - target)
                if gap < best:
                    best, found = gap, (i, out, into)
    return found
