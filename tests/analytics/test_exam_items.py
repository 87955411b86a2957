"""Item analysis of real exams: the app's numbers are the pure functions' on the same marks.

Attempts are inserted with Core (``item_factories``) so the marks matrix is known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.analytics import item_cache
from app.analytics.items import analyse_items
from app.exams import scoring
from app.extensions import db
from app.models import AttemptState
from tests.analytics.item_factories import choice_versions, insert_attempts
from tests.exams.admin_helpers import make_exam

# 5 examinees x 3 items, everyone the same form (0/1 marks).
HAND = [
    [1, 1, 1],  # total 3
    [1, 1, 0],  # 2
    [1, 0, 0],  # 1
    [0, 1, 0],  # 1
    [0, 0, 0],  # 0
]


@pytest.fixture
def fixed_exam(demo_bank):
    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(3)
    insert_attempts(exam, [versions] * len(HAND), HAND)
    return exam, versions


def test_fixed_form_matches_pure_functions_and_hand_values(fixed_exam):
    exam, versions = fixed_exam
    payload = item_cache.compute_exam(exam.id)
    pure = analyse_items(np.array(HAND, dtype=float))
    test = payload["test"]
    assert payload["n_attempts"] == 5 and test["n"] == 5 and payload["positions_left_out"] == 0
    for key in ("mean", "median", "sd", "skewness", "kurtosis", "alpha", "standard_error"):
        assert test[key] == pytest.approx(getattr(pure.test, key)), key
    # Hand: item variances .3, .3, .2 (sum .8); totals 3,2,1,1,0 have variance 5.2/4 = 1.3;
    # alpha = 3/2 * (1 - .8/1.3) = 0.576923.
    assert test["alpha"] == pytest.approx(0.576923, abs=1e-6)
    for slot, item in zip(payload["slots"], pure.items, strict=True):
        for key in ("facility", "sd", "discrimination_index", "discriminative_efficiency",
                    "effective_weight", "alpha_if_deleted"):  # fmt: skip
            assert slot[key] == pytest.approx(getattr(item, key)), key
    first = next(q for q in payload["questions"] if q["version_id"] == versions[0].id)
    # Hand: item 1 = 1,1,1,0,0 (mean .6), rest = 2,1,0,1,0 (mean .8); products of deviations
    # .48+.08-.32-.12+.48 = .6, cov = .15; var item .3, var rest 2.8/4 = .7;
    # r = .15 / sqrt(.3 x .7) = 0.327327.
    assert first["facility"] == pytest.approx(0.6)
    assert first["discrimination_index"] == pytest.approx(0.327327, abs=1e-6)
    assert first["discrimination_index"] == pytest.approx(pure.items[0].discrimination_index)
    assert first["discriminative_efficiency"] == pytest.approx(
        pure.items[0].discriminative_efficiency
    )


def test_random_forms_test_level_by_position_and_questions_by_attempts_that_saw_them(demo_bank):
    exam = make_exam()
    pool = choice_versions(6)
    rng = np.random.default_rng(7)
    n, k = 40, 4
    forms = [[pool[j] for j in rng.choice(6, size=k, replace=False)] for _ in range(n)]
    ability = rng.normal(size=n)
    credits = (rng.normal(size=(n, k)) + ability[:, None] > 0).astype(float)
    insert_attempts(exam, forms, credits.tolist())
    payload = item_cache.compute_exam(exam.id)

    pure = analyse_items(credits)  # columns = positions, whatever question each held
    assert payload["test"]["alpha"] == pytest.approx(pure.test.alpha)
    assert [s["discrimination_index"] for s in payload["slots"]] == pytest.approx(
        [i.discrimination_index for i in pure.items]
    )
    totals = credits.sum(axis=1)
    for version in pool:
        seen = np.array([[v.id == version.id for v in form] for form in forms])
        rows, cols = np.nonzero(seen)
        x = credits[rows, cols]
        expected = analyse_items(np.column_stack([x, totals[rows] - x])).items[0]
        entry = next(q for q in payload["questions"] if q["version_id"] == version.id)
        assert entry["n"] == len(x)
        assert entry["facility"] == pytest.approx(expected.facility)
        assert entry["sd"] == pytest.approx(expected.sd)
        assert entry["discrimination_index"] == pytest.approx(expected.discrimination_index)


def test_unfinished_and_annulled_attempts_are_left_out(fixed_exam):
    exam, versions = fixed_exam
    insert_attempts(exam, [versions], [[1, 1, 1]], state=AttemptState.IN_PROGRESS, first_person=5)
    insert_attempts(exam, [versions], [[0, 0, 0]], state=AttemptState.ABANDONED, first_person=6)
    assert item_cache.compute_exam(exam.id)["n_attempts"] == 5


def test_void_fix_leaves_the_item_out_and_changes_the_fingerprint(fixed_exam):
    exam, versions = fixed_exam
    before = item_cache.exam_fingerprint(exam.id)
    scoring.fix_item(exam, versions[2], kind="void", reason="Sai đáp án")
    db.session.commit()
    assert item_cache.exam_fingerprint(exam.id) != before
    payload = item_cache.compute_exam(exam.id)
    voided = next(q for q in payload["questions"] if q["version_id"] == versions[2].id)
    assert voided["voided"] and voided["facility"] is None and voided["flags"] == []
    # position 3 held the voided question in every attempt: dropped from the test level
    assert [s["position"] for s in payload["slots"]] == [1, 2]
    pure = analyse_items(np.array(HAND, dtype=float)[:, :2])
    assert payload["test"]["alpha"] == pytest.approx(pure.test.alpha)


def test_negative_alpha_is_reported_as_it_is(demo_bank):
    # Two items that mostly disagree: whoever gets one right gets the other wrong.
    marks = [[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]]
    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(2)
    insert_attempts(exam, [versions] * len(marks), marks)
    payload = item_cache.compute_exam(exam.id)
    # Hand: each item has mean .5 and variance (6 x .25)/5 = .3; totals 1,1,1,1,2,0 have
    # mean 1 and variance (0+0+0+0+1+1)/5 = .4; alpha = 2/1 x (1 - .6/.4) = -1.0.
    assert payload["test"]["alpha"] == pytest.approx(-1.0)
    assert payload["test"]["alpha"] == pytest.approx(analyse_items(marks).test.alpha)


def test_attempts_of_another_length_count_for_questions_not_for_the_test(fixed_exam):
    exam, versions = fixed_exam
    insert_attempts(exam, [versions[:2]], [[1, 1]], first_person=5)
    payload = item_cache.compute_exam(exam.id)
    assert payload["n_attempts"] == 6 and payload["positions_left_out"] == 1
    assert payload["test"]["n"] == 5
    assert payload["test"]["alpha"] == pytest.approx(0.576923, abs=1e-6)
    first = next(q for q in payload["questions"] if q["version_id"] == versions[0].id)
    assert first["n"] == 6 and first["facility"] == pytest.approx(4 / 6)


def test_paper_attempts_count_for_marks_but_not_for_distractors(fixed_exam):
    exam, versions = fixed_exam
    insert_attempts(exam, [versions], [[1, 0, 0]], first_person=5, paper=True)
    payload = item_cache.compute_exam(exam.id)
    first = next(q for q in payload["questions"] if q["version_id"] == versions[0].id)
    assert first["n"] == 6
    table = first["distractors"]
    assert table["n"] == 5 and table["keys"] == ["A"]
    shares = {o["option"]: o["overall_share"] for o in table["options"]}
    assert shares["A"] == pytest.approx(3 / 5) and shares["B"] == pytest.approx(2 / 5)


def test_refresh_command(app, fixed_exam):
    exam, _versions = fixed_exam
    runner = app.test_cli_runner()
    result = runner.invoke(args=["analytics", "refresh"])
    assert result.exit_code == 0, result.output
    assert "1/1 bài kiểm tra" in result.output and "3/3" in result.output
    again = runner.invoke(args=["analytics", "refresh"])
    assert "0/1 bài kiểm tra" in again.output and "0/3" in again.output
    forced = runner.invoke(args=["analytics", "refresh", "--exam", str(exam.id), "--force"])
    assert "1/1 bài kiểm tra" in forced.output
    missing = runner.invoke(args=["analytics", "refresh", "--exam", "999999"])
    assert missing.exit_code != 0 and "999999" in missing.output
