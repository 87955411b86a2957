"""The per-person draw: exact blueprints, shortfalls, seeds, avoid, exposure and difficulty."""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.exams.draw import (
    MAX_QUESTIONS,
    Blueprint,
    BlueprintError,
    BlueprintRow,
    Candidate,
    DrawError,
    Shortfall,
    check_blueprint,
    describe,
    draw_form,
    parse_blueprint,
)

LEVELS = ("easy", "medium", "hard")
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def blueprint(*rows: tuple[int, int, dict | None], fixed: tuple[int, ...] = ()) -> Blueprint:
    """A parsed blueprint from (topic, count, mix) rows."""
    data = {"rows": [{"topic": t, "count": n, "mix": m} for t, n, m in rows], "fixed": list(fixed)}
    return parse_blueprint(data)


def pool(topic: int, start: int, **sizes: int) -> list[Candidate]:
    """Candidates of ``topic`` with ids from ``start``: ``easy=3, medium=5, none=1``..."""
    out: list[Candidate] = []
    for level, n in sizes.items():
        for _ in range(n):
            q = start + len(out)
            out.append(Candidate(q, 10 * q, topic, None if level == "none" else level, None))
    return out


def assert_exact(bp: Blueprint, candidates: list[Candidate], form: list[Candidate]) -> None:
    """Rule 1: rows in order with their counts and mixes, then the fixed ones, no repeats."""
    ids = [c.question_id for c in form]
    assert len(ids) == len(set(ids)) == bp.total
    newest = {}
    for c in sorted(candidates, key=lambda c: c.version_id):
        newest[c.question_id] = c
    assert all(newest[c.question_id] == c for c in form)
    assert ids[len(ids) - len(bp.fixed) :] == list(bp.fixed)
    at = 0
    for row in bp.rows:
        part = form[at : at + row.count]
        at += row.count
        assert {c.topic_key for c in part} <= {row.topic_key}
        assert not {c.question_id for c in part} & set(bp.fixed)
        if row.mix is not None:
            assert Counter(c.difficulty for c in part) == Counter(dict(row.cells()))


# --- property tests ----------------------------------------------------------------------


@st.composite
def feasible_cases(draw):
    """Blueprint rows, candidates that can fill them (plus noise) and fixed question ids; taking
    the fixed ones out of the rows' pools may still leave a cell short."""
    topics = draw(st.lists(st.integers(1, 6), min_size=1, max_size=4, unique=True))
    rows, cands = [], []

    def add(topic: int, level: str | None) -> int:
        q = len(cands) + 1
        facility = draw(st.none() | st.floats(0.05, 0.95))
        cands.append(Candidate(q, 100 + q, topic, level, facility))
        return q

    for topic in topics:
        count = draw(st.integers(0, 6))
        if draw(st.booleans()):
            easy = draw(st.integers(0, count))
            medium = draw(st.integers(0, count - easy))
            mix = {"easy": easy, "medium": medium, "hard": count - easy - medium}
            for level, n in mix.items():
                for _ in range(n + draw(st.integers(0, 3))):
                    add(topic, level)
        else:
            mix = None
            for _ in range(count + draw(st.integers(0, 4))):
                add(topic, draw(st.sampled_from([*LEVELS, None, "rất khó"])))
        rows.append((topic, count, mix))
    for _ in range(draw(st.integers(0, 3))):
        add(draw(st.integers(1, 8)), draw(st.sampled_from([*LEVELS, None])))
    if not cands:
        add(7, "easy")
    fixed = draw(st.lists(st.sampled_from([c.question_id for c in cands]), unique=True, max_size=3))
    if not fixed and not any(count for _, count, _ in rows):
        fixed = [cands[0].question_id]
    return rows, cands, fixed


def _fillable(rows, cands, fixed) -> bool:
    """Fixed questions taken out of the rows' pools may leave a cell short: check by hand."""
    fixed_set = set(fixed)
    for topic, count, mix in rows:
        mine = [c for c in cands if c.topic_key == topic and c.question_id not in fixed_set]
        cells = mix.items() if mix else [(None, count)]
        for level, n in cells:
            have = [c for c in mine if level is None or c.difficulty == level]
            if len(have) < n:
                return False
    return True


@PROPERTY
@given(case=feasible_cases(), seed=st.integers(0, 2**62), data=st.data())
def test_feasible_pools_always_give_the_exact_blueprint(case, seed, data):
    rows, cands, fixed = case
    bp = blueprint(*rows, fixed=tuple(fixed))
    ids = [c.question_id for c in cands]
    avoid = frozenset(data.draw(st.lists(st.sampled_from(ids))))
    exposure = {q: data.draw(st.integers(0, 3)) for q in ids}
    target = data.draw(st.none() | st.floats(0.1, 0.9))
    older = [Candidate(c.question_id, c.version_id - 50, c.topic_key, "hard", 0.5) for c in cands]
    everything = cands + data.draw(st.lists(st.sampled_from(older), unique=True))

    if not _fillable(rows, cands, fixed):
        assert check_blueprint(bp, everything)
        return
    assert check_blueprint(bp, everything) == []
    form = draw_form(
        bp, everything, seed=seed, avoid=avoid, exposure=exposure, target_facility=target
    )
    assert_exact(bp, everything, form)
    shuffled = data.draw(st.permutations(everything))
    again = draw_form(
        bp, shuffled, seed=seed, avoid=avoid, exposure=exposure, target_facility=target
    )
    assert again == form
    _assert_ranked(bp, cands, form, avoid, exposure)


def _assert_ranked(bp, cands, form, avoid, exposure) -> None:
    """Rules 2-3: seen questions only as far as a cell needs them; within every mixed cell no
    left-out question is unseen-and-less-drawn than a chosen one."""
    chosen = {c.question_id for c in form}
    fixed = set(bp.fixed)
    for row in bp.rows:
        mine = [c for c in cands if c.topic_key == row.topic_key and c.question_id not in fixed]
        cells = row.cells() if row.mix is not None else [(None, row.count)]
        for level, n in cells:
            cell = [c for c in mine if level is None or c.difficulty == level]
            fresh = sum(c.question_id not in avoid for c in cell)
            used = [c for c in cell if c.question_id in chosen]
            assert sum(c.question_id in avoid for c in used) == max(0, n - fresh)
            if level is None:
                continue  # a row without mix is ranked within its difficulty split
            rank = {c.question_id: (c.question_id in avoid, exposure[c.question_id]) for c in cell}
            worst_in = max((rank[c.question_id] for c in used), default=None)
            best_out = min((rank[c.question_id] for c in cell if c not in used), default=None)
            assert worst_in is None or best_out is None or worst_in <= best_out


@PROPERTY
@given(
    sizes=st.lists(st.tuples(st.integers(1, 3), st.sampled_from(LEVELS)), max_size=12),
    need=st.integers(1, 5),
    mixed=st.booleans(),
    fixed=st.lists(st.integers(1, 14), unique=True, max_size=2),
    seed=st.integers(0, 1000),
)
def test_check_and_draw_agree_on_any_pool(sizes, need, mixed, fixed, seed):
    cands = [Candidate(q, q, topic, level, None) for q, (topic, level) in enumerate(sizes, 1)]
    mix = {"easy": need} if mixed else None
    bp = blueprint((1, need, mix), (2, 1, None), fixed=tuple(fixed))
    shortfalls = check_blueprint(bp, cands)
    if shortfalls:
        with pytest.raises(DrawError) as err:
            draw_form(bp, cands, seed=seed)
        assert err.value.shortfalls == shortfalls
    else:
        assert_exact(bp, cands, draw_form(bp, cands, seed=seed))


# --- shortfalls --------------------------------------------------------------------------


def test_shortfalls_name_each_cell_that_cannot_be_filled():
    bp = blueprint(
        (1, 6, {"easy": 3, "medium": 2, "hard": 1}),
        (2, 5, None),
        (3, 2, None),
        fixed=(20, 99),
    )
    cands = [
        *pool(1, 1, easy=2, medium=4, hard=1, none=3),  # unclassified never fill a mixed cell
        *pool(2, 20, medium=5),  # 20 is fixed: it does not count for its row
        *pool(3, 40, none=2),
    ]
    expected = [
        Shortfall(1, "easy", 3, 2),
        Shortfall(2, None, 5, 4),
        Shortfall(None, None, 1, 0, question_id=99),
    ]
    assert check_blueprint(bp, cands) == expected
    with pytest.raises(DrawError) as err:
        draw_form(bp, cands, seed=1)
    assert err.value.shortfalls == expected
    assert "Chủ đề #1, mức dễ: cần 3 câu nhưng chỉ có 2 câu đã duyệt." in str(err.value)
    assert expected[1].message_for({2: "Giao tiếp"}) == (
        "Giao tiếp: cần 5 câu nhưng chỉ có 4 câu đã duyệt."
    )
    assert "#99" in expected[2].message


def test_a_feasible_blueprint_has_no_shortfalls_and_fixed_come_last_once():
    bp = blueprint((1, 3, {"easy": 1, "medium": 1, "hard": 1}), (2, 2, None), fixed=(3, 50))
    cands = [*pool(1, 1, easy=2, medium=2, hard=2), *pool(2, 10, none=4), *pool(9, 50, hard=1)]
    assert check_blueprint(bp, cands) == []
    form = draw_form(bp, cands, seed=5)
    assert_exact(bp, cands, form)
    assert [c.question_id for c in form][-2:] == [3, 50]


def test_two_versions_of_a_question_give_it_once_with_the_newest_version():
    cands = [Candidate(q, 10 * q + v, 1, "easy", None) for q in (1, 2, 3) for v in (1, 2)]
    form = draw_form(blueprint((1, 3, None)), cands, seed=0)
    assert [(c.question_id, c.version_id) for c in form] == [(1, 12), (2, 22), (3, 32)]
    assert check_blueprint(blueprint((1, 4, None)), cands) == [Shortfall(1, None, 4, 3)]


# --- seeds -------------------------------------------------------------------------------


def test_same_seed_same_form_whatever_the_input_order():
    bp = blueprint((1, 5, {"easy": 2, "medium": 3}), (2, 4, None), fixed=(70,))
    cands = [*pool(1, 1, easy=10, medium=10), *pool(2, 30, easy=5, hard=8, none=3)]
    cands.append(Candidate(70, 700, 2, "hard", None))
    exposure = {q: q % 3 for q in range(100)}
    first = draw_form(bp, cands, seed=42, avoid=frozenset({1, 2, 30}), exposure=exposure)
    for order in range(5):
        shuffled = random.Random(order).sample(cands, len(cands))
        again = draw_form(bp, shuffled, seed=42, avoid=frozenset({30, 2, 1}), exposure=exposure)
        assert again == first


def test_different_seeds_give_different_forms():
    bp = blueprint((1, 10, None), (2, 5, {"medium": 5}))
    cands = [*pool(1, 1, easy=40, medium=60, hard=30), *pool(2, 500, medium=60)]
    forms = {frozenset(c.question_id for c in draw_form(bp, cands, seed=s)) for s in range(20)}
    assert len(forms) >= 15


# --- avoid -------------------------------------------------------------------------------

MIXED = blueprint((1, 10, {"easy": 3, "medium": 5, "hard": 2}))


def test_seen_questions_are_not_drawn_while_unseen_ones_suffice():
    cands = pool(1, 1, easy=10, medium=10, hard=10)
    seen = frozenset(c.question_id for c in cands if c.question_id % 2)  # half of every level
    for seed in range(20):
        assert not {c.question_id for c in draw_form(MIXED, cands, seed=seed, avoid=seen)} & seen


def test_too_few_unseen_questions_use_exactly_the_shortfall_of_seen_ones():
    cands = pool(1, 1, easy=10, medium=10, hard=10)
    easy_seen = {c.question_id for c in cands if c.difficulty == "easy"}
    seen = frozenset(sorted(easy_seen)[:9])  # one unseen easy left; the mix wants 3
    for seed in range(20):
        form = draw_form(MIXED, cands, seed=seed, avoid=seen)
        assert len({c.question_id for c in form} & seen) == 2


def test_a_row_without_mix_moves_its_share_away_from_a_seen_difficulty():
    cands = pool(1, 1, easy=6, medium=10, hard=4)  # a form of 10: 3 / 5 / 2
    seen = frozenset(range(1, 6))  # five of the six easy questions
    for seed in range(20):
        form = draw_form(blueprint((1, 10, None)), cands, seed=seed, avoid=seen)
        assert not {c.question_id for c in form} & seen
        assert Counter(c.difficulty for c in form)["easy"] == 1


def test_a_row_without_mix_uses_the_fewest_seen_questions():
    cands = pool(1, 1, easy=4, medium=4, hard=4)
    seen = frozenset(range(1, 9))  # four unseen left, ten wanted
    for seed in range(20):
        form = draw_form(blueprint((1, 10, None)), cands, seed=seed, avoid=seen)
        assert len({c.question_id for c in form} & seen) == 6


# --- exposure ----------------------------------------------------------------------------


def _exposures(balanced: bool) -> list[Counter]:
    """100 forms of 10 from 50 questions (30 % / 50 % / 20 %), the counts after each form."""
    cands = pool(1, 1, easy=15, medium=25, hard=10)
    bp = blueprint((1, 10, None))
    drawn: Counter = Counter({c.question_id: 0 for c in cands})
    history = []
    for seed in range(100):
        form = draw_form(bp, cands, seed=seed, exposure=drawn if balanced else None)
        drawn.update(c.question_id for c in form)
        history.append(Counter(drawn))
    return history


def test_exposure_spreads_the_bank_evenly_across_people():
    history = _exposures(balanced=True)
    assert all(max(h.values()) - min(h.values()) <= 1 for h in history)
    assert set(history[-1].values()) == {20}


def test_the_exposure_bound_is_one_a_naive_draw_would_fail():
    final = _exposures(balanced=False)[-1]
    assert sum(final.values()) == 1000
    assert max(final.values()) - min(final.values()) > 2


# --- difficulty --------------------------------------------------------------------------


def test_a_row_without_mix_follows_the_pool_proportions():
    cands = pool(1, 1, easy=18, medium=30, hard=12)
    for seed in range(30):
        form = draw_form(blueprint((1, 10, None)), cands, seed=seed)
        assert Counter(c.difficulty for c in form) == {"easy": 3, "medium": 5, "hard": 2}


@pytest.mark.parametrize(
    ("sizes", "count"),
    [({"easy": 17, "medium": 29, "hard": 14}, 10), ({"easy": 7, "medium": 11, "none": 5}, 8)],
)
def test_rounding_stays_within_one_of_the_proportion(sizes, count):
    cands = pool(1, 1, **sizes)
    for seed in range(30):
        form = draw_form(blueprint((1, count, None)), cands, seed=seed)
        got = Counter(c.difficulty or "none" for c in form)
        for level, n in sizes.items():
            assert abs(got[level] - count * n / len(cands)) < 1


def test_rounding_ties_are_broken_at_random():
    cands = pool(1, 1, easy=10, medium=10)
    splits = {
        Counter(c.difficulty for c in draw_form(blueprint((1, 5, None)), cands, seed=s))["easy"]
        for s in range(20)
    }
    assert splits == {2, 3}


def _facility_pool(size: int, seed: int) -> list[Candidate]:
    rng = random.Random(seed)
    out = []
    for q in range(1, size + 1):
        facility = round(rng.uniform(0.2, 0.95), 3)
        level = "easy" if facility > 0.7 else "hard" if facility < 0.4 else "medium"
        out.append(Candidate(q, q, 1, level, facility))
    return out


@pytest.mark.parametrize("target", [0.5, 0.6, 0.7])
def test_measured_facility_keeps_every_form_close_to_the_target(target):
    cands = _facility_pool(120, seed=7)
    bp = blueprint((1, 30, None))
    steered = [draw_form(bp, cands, seed=s, target_facility=target) for s in range(30)]
    plain = [draw_form(bp, cands, seed=s) for s in range(30)]
    means = [statistics.mean(c.facility for c in form) for form in steered]
    assert max(abs(m - target) for m in means) <= 0.005
    assert max(abs(statistics.mean(c.facility for c in f) - target) for f in plain) > 0.03
    assert len({frozenset(c.question_id for c in form) for form in steered}) >= 25


def test_measured_facility_replaces_a_wrong_author_difficulty():
    # authors called these easy, the statistics say they are hard (and the other way round)
    cands = [Candidate(q, q, 1, "easy", 0.3) for q in range(1, 21)]
    cands += [Candidate(q, q, 1, "hard", 0.8) for q in range(21, 41)]
    bp = blueprint((1, 10, None))
    for seed in range(10):
        assert Counter(c.difficulty for c in draw_form(bp, cands, seed=seed)) == {
            "easy": 5,
            "hard": 5,
        }
        steered = draw_form(bp, cands, seed=seed, target_facility=0.8)
        assert {c.facility for c in steered} == {0.8}


def test_without_a_facility_for_every_candidate_the_author_split_stays():
    cands = [Candidate(q, q, 1, "easy", 0.3) for q in range(1, 21)]
    cands += [Candidate(q, q, 1, "hard", 0.8) for q in range(21, 41)]
    cands.append(Candidate(41, 41, 1, "hard", None))  # new question, no statistics yet
    for seed in range(10):
        form = draw_form(blueprint((1, 10, None)), cands, seed=seed, target_facility=0.8)
        assert Counter(c.difficulty for c in form) == {"easy": 5, "hard": 5}


def test_steering_never_breaks_a_mix_or_the_avoid_rule():
    cands = _facility_pool(90, seed=3)
    by_level = Counter(c.difficulty for c in cands)
    mix = {level: min(4, n) for level, n in by_level.items()}
    bp = blueprint((1, sum(mix.values()), mix))
    seen = frozenset(range(1, 90, 2))
    for seed in range(10):
        form = draw_form(bp, cands, seed=seed, avoid=seen, target_facility=0.9)
        assert Counter(c.difficulty for c in form) == mix
        assert not {c.question_id for c in form} & seen


# --- the stored blueprint ----------------------------------------------------------------


def test_blueprint_json_round_trip():
    data = {
        "rows": [
            {"topic": 4, "count": 10, "mix": {"hard": 2, "easy": 3, "medium": 5}},
            {"topic": 9, "count": 8, "mix": None},
        ],
        "fixed": [31, 7],
    }
    bp = parse_blueprint(data)
    assert bp.rows[0] == BlueprintRow(4, 10, {"easy": 3, "medium": 5, "hard": 2})
    assert bp.total == 20
    stored = json.loads(json.dumps(bp.as_json()))
    assert stored == {
        "rows": [
            {"topic": 4, "count": 10, "mix": {"easy": 3, "medium": 5, "hard": 2}},
            {"topic": 9, "count": 8, "mix": None},
        ],
        "fixed": [31, 7],
    }
    assert parse_blueprint(stored) == bp


def test_describe_in_vietnamese():
    bp = blueprint(
        (4, 10, {"easy": 3, "medium": 5, "hard": 2}), (9, 8, None), (5, 0, None), fixed=(1, 2)
    )
    assert describe(bp, {4: "Cơ chế một cửa"}) == (
        "20 câu: Cơ chế một cửa 10 (dễ 3, trung bình 5, khó 2); Chủ đề #9 8; 2 câu cố định"
    )


def _rows(*rows: dict) -> dict:
    return {"rows": list(rows), "fixed": []}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (_rows({"topic": 1, "count": -1, "mix": None}), "không được âm"),
        (_rows({"topic": 1, "count": 5, "mix": {"easy": 2, "hard": 2}}), "khác số câu"),
        (_rows({"topic": 1, "count": 2, "mix": {"easy": 3, "hard": -1}}), "không được âm"),
        (_rows({"topic": 1, "count": 2, "mix": {"easy": 1, "khó": 1}}), "khó"),
        (_rows({"topic": 1, "count": 2, "mix": {"easy": 1, "Hard": 1}}), "Hard"),
        (_rows({"topic": 1, "count": 2, "mix": None}, {"topic": 1, "count": 3, "mix": None}), "#1"),
        (_rows(), "trống"),
        (_rows({"topic": 1, "count": 0, "mix": None}), "trống"),
        (_rows({"topic": 1, "count": 400, "mix": None}, {"topic": 2, "count": 101}), "500"),
        ({"rows": [{"topic": 1, "count": 500}], "fixed": [3]}, "501"),
        ({"rows": [{"topic": 1, "count": 5}], "fixed": [3, 3]}, "#3"),
        (_rows({"topic": 1, "count": "5", "mix": None}), "số nguyên"),
        (_rows({"topic": 1, "count": True, "mix": None}), "số nguyên"),
        (_rows({"topic": 1, "count": 2.0, "mix": None}), "số nguyên"),
        (_rows({"topic": "1", "count": 2}), "Mã chủ đề"),
        (_rows({"topic": 1, "count": 2, "mix": [1, 1]}), "mix"),
        (_rows({"topic": 1, "count": 2, "mixx": None}), "topic, count"),
        (_rows({"count": 2}), "topic, count"),
        ({"rows": {"topic": 1}}, "danh sách"),
        ({"rows": [], "fixed": "3"}, "danh sách"),
        ({"rows": [{"topic": 1, "count": 1}], "extra": 1}, "rows"),
        ([{"topic": 1, "count": 1}], "rows"),
        ({"rows": [{"topic": 1, "count": 1}], "fixed": [None]}, "Mã câu hỏi"),
    ],
)
def test_parse_blueprint_rejects(data, fragment):
    with pytest.raises(BlueprintError) as err:
        parse_blueprint(data)
    assert fragment in err.value.message


def test_parse_blueprint_accepts_the_largest_form_and_a_fixed_only_one():
    assert parse_blueprint({"rows": [{"topic": 1, "count": 499}], "fixed": [3]}).total == 500
    assert parse_blueprint({"fixed": [3]}).total == MAX_QUESTIONS - 499


@pytest.mark.parametrize(
    "row",
    [
        {"topic": 7, "count": -2},
        {"topic": 7, "count": 3, "mix": {"easy": 1}},
        {"topic": 7, "count": 1, "mix": {"dễ": 1}},
    ],
)
def test_row_errors_name_the_topic_so_pages_can_show_its_name(row):
    with pytest.raises(BlueprintError) as err:
        parse_blueprint({"rows": [row]})
    assert err.value.message.startswith("Chủ đề #7: ")
