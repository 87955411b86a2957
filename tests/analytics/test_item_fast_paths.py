"""The fast paths of item analysis give what the definitions give.

Item analysis at province scale avoids per-row Python and per-item copies: a counting sort
for whole-number marks, grouping by radix sort, alpha-if-deleted from known variances,
distractor tables by ``bincount`` over integer choice codes, choices decoded once per
(layout, response) pair and matched to their rows by key, PostgreSQL's items packed per
group of attempts. Each is checked here against the plain computation it replaces, on data
that reaches both its fast and its fallback branch.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import sqlalchemy as sa

from app.analytics import exam_data, item_cache
from app.analytics.distractors import coded_distractor_analysis, distractor_analysis
from app.analytics.exam_data import CHOICE_BLANK, CHOICE_NONE, option_code, option_index
from app.analytics.exam_items import distractors_of
from app.analytics.exam_versions import VersionInfo
from app.analytics.intervals import cronbach_alpha
from app.analytics.items import analyse_items
from app.analytics.ordering import group_indices, sorted_values
from app.analytics.sql_arrays import numeric_columns
from app.extensions import db
from app.models import Attempt, AttemptItem
from tests.analytics.item_factories import choice_versions, insert_attempts
from tests.exams.admin_helpers import make_exam

RNG = np.random.default_rng(20261205)


@pytest.mark.parametrize(
    "values",
    [
        RNG.integers(0, 2, 1000).astype(float),  # 0/1 marks: counting sort
        RNG.integers(-5, 60, 1000).astype(float),  # whole totals, some negative
        RNG.choice([0.0, 0.5, 1.0, 1 / 3], 1000),  # fractions: np.sort
        RNG.integers(0, 10**9, 50).astype(float),  # whole but a wide range: np.sort
        np.array([3.0]),
        np.zeros(0),
    ],
)
def test_sorted_values_is_np_sort(values: np.ndarray) -> None:
    assert np.array_equal(sorted_values(values), np.sort(values))


@pytest.mark.parametrize(
    "keys",
    [
        RNG.integers(1, 70, 5000),  # ids in a small range: table + radix sort
        RNG.choice([7, 10**12, 3, 10**12 + 5], 300),  # sparse ids: np.unique
        np.array([5]),
    ],
)
def test_group_indices_groups_like_a_plain_loop(keys: np.ndarray) -> None:
    groups = group_indices(keys)
    assert [k for k, _ in groups] == sorted(set(keys.tolist()))
    for key, indices in groups:
        assert np.array_equal(indices, np.flatnonzero(keys == key))
    assert group_indices(np.zeros(0, dtype=np.int64)) == []


@pytest.mark.parametrize("marks", [[0, 1], [0, 0.5, 1, 2], [0, 1 / 3, 2 / 3, 1]])
def test_item_statistics_match_their_definitions(marks: list[float]) -> None:
    data = RNG.choice(marks, size=(200, 6))
    data[:, 0] += (data[:, 1:].sum(axis=1) > data[:, 1:].sum(axis=1).mean()) * marks[-1]
    result = analyse_items(data, max(marks) * 2)
    for j, item in enumerate(result.items):
        alone = cronbach_alpha(np.delete(data, j, axis=1))
        assert item.alpha_if_deleted == pytest.approx(alone.alpha, rel=1e-12)
        x, rest = data[:, j], data.sum(axis=1) - data[:, j]
        cov = np.cov(x, rest)[0, 1]
        covmax = np.cov(np.sort(x), np.sort(rest))[0, 1]
        assert item.discriminative_efficiency == pytest.approx(cov / covmax, rel=1e-12)
    assert result.test.alpha == pytest.approx(cronbach_alpha(data).alpha, rel=1e-12)


def test_alpha_if_deleted_keeps_the_reasons_of_cronbach_alpha() -> None:
    # Without item 3 the other two always sum to 1: no variance, so no alpha, with a reason.
    data = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 1]], dtype=float)
    item = analyse_items(data).items[2]
    assert item.alpha_if_deleted is None
    assert item.reasons["alpha_if_deleted"] == cronbach_alpha(data[:, :2]).reason


def test_coded_distractor_table_is_the_lettered_one() -> None:
    letters = ["A", "B", "C", "D", "E", ""]  # listed, then others seen, then the blank
    codes = RNG.integers(0, len(letters), 300)
    totals = RNG.integers(0, 10, 300).astype(float)  # many ties at the cut-offs
    coded = coded_distractor_analysis(codes, letters, totals, key="A")
    plain = distractor_analysis([letters[c] for c in codes], totals, key="A", options="ABCD")
    assert coded == plain


def test_exam_distractors_name_options_like_the_lettered_analysis() -> None:
    info = VersionInfo(1, 1, 1, "single_choice", "Q", "", ("A", "B", "C"), ("", "", ""), ("B",))
    # option codes: -1 paper (left out), 0 blank, 1-3 the bank's options, 5 an option "E"
    # the bank no longer has (an edited question).
    codes = np.array([-1, 0, 1, 2, 2, 3, 5, 2, 1, 0, -1, 2])
    totals = np.arange(codes.size, dtype=float)
    names = {CHOICE_BLANK: None, 1: "A", 2: "B", 3: "C", 5: "E"}
    answered = codes != CHOICE_NONE
    expected = distractor_analysis(
        [names[c] for c in codes[answered]], totals[answered], key="B", options=["A", "B", "C"]
    )
    assert distractors_of(info, codes, totals) == expected
    assert distractors_of(info, np.full(3, CHOICE_NONE), np.arange(3.0)) is None


@pytest.mark.parametrize(
    ("layout", "response", "index"),
    [
        ({"options": [2, 0, 3, 1]}, "b", 0),  # display "b" shows stored option 0 ("A")
        ({"options": [2, 0, 3, 1]}, ["d"], 1),  # a one-element list answers too
        ({"options": [2, 0, 3, 1]}, ["a", "b"], None),  # two answers: not a single choice
        ({"options": [2, 0, 3, 1]}, "e", None),  # no such display option
        ({"options": [2, 0, 3, 1]}, None, None),  # blank
        ({"options": [-1, 0]}, "a", None),  # a broken layout is blank, not option "Z"
    ],
)
def test_option_index_decodes_shuffled_layouts(layout, response, index) -> None:
    layout_text, response_text = json.dumps(layout), json.dumps(response)
    assert option_index(layout_text, response_text) == index
    assert option_code(layout_text, response_text) == ("" if index is None else "ABCD"[index])
    assert option_index("not json", response_text) is None


def test_loaded_choices_sit_on_their_own_rows(demo_bank):
    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(3)
    credits = [[1, 0, 0], [0, 1, 1], [1, 1, 0], [0, 0, 1]]
    choices = [["A", "C", None], ["B", "A", "A"], ["A", "A", "D"], [None, "B", "A"]]
    online = insert_attempts(exam, [versions] * 4, credits, choices)
    paper = insert_attempts(exam, [versions], [[1, 1, 1]], first_person=4, paper=True)
    expected = {
        (a, j + 1): c for a, row in zip(online, choices, strict=True) for j, c in enumerate(row)
    }
    code = {None: CHOICE_BLANK, "A": 1, "B": 2, "C": 3, "D": 4}
    for rows in (
        exam_data.load_exam_rows(exam.id),
        exam_data.load_question_rows([v.id for v in versions[::-1]]),
    ):
        keys = zip(rows.attempt.tolist(), rows.position.tolist(), strict=True)
        got = dict(zip(keys, rows.choice.tolist(), strict=True))
        assert len(got) == 15
        for (attempt, position), choice in got.items():
            wanted = CHOICE_NONE if attempt in paper else code[expected[attempt, position]]
            assert choice == wanted, (attempt, position)
    db.session.rollback()


# Stored responses as the database holds them, loaded as ``option_index`` reads them.
STORED = [
    ({"options": [2, 0, 3, 1]}, "b"),
    ({"options": [2, 0, 3, 1]}, "e"),  # no such display option
    ({"options": [-1, 0]}, "a"),  # a broken layout
    ({"options": [2, 0, 3, 1]}, None),
    ({"options": [2, 0, 3, 1]}, ["d"]),
    ({"options": [2, 0, 3, 1]}, ["a", "b"]),
    ({"options": list(range(30))}, "ab"),  # display position 26
]


def test_stored_choices_load_as_option_index_reads_them(demo_bank):
    from app.models import Answer

    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(len(STORED))
    (attempt,) = insert_attempts(exam, [versions], [[1] * len(STORED)], [["A"] * len(STORED)])
    items = db.session.scalars(
        sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt).order_by("position")
    ).all()
    for item, (layout, response) in zip(items, STORED, strict=True):
        item.layout = layout
        db.session.execute(
            sa.update(Answer).where(Answer.item_id == item.id).values(response=response)
        )
    db.session.flush()
    rows = exam_data.load_exam_rows(exam.id)
    got = dict(zip(rows.position.tolist(), rows.choice.tolist(), strict=True))
    for item, (layout, response) in zip(items, STORED, strict=True):
        index = option_index(json.dumps(layout), json.dumps(response))
        wanted = CHOICE_BLANK if index is None else index + 1
        assert got[item.position] == wanted, (layout, response)
    db.session.rollback()


def test_unscored_item_is_left_out_of_its_question_and_scores_nothing(demo_bank):
    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(3)
    marks = [[1, 1, 1], [1, 0, None], [0, 1, 0], [0, 0, 0], [1, 1, 0]]
    insert_attempts(exam, [versions] * len(marks), marks)
    payload = item_cache.compute_exam(exam.id)
    third = next(q for q in payload["questions"] if q["version_id"] == versions[2].id)
    assert third["n"] == 4 and third["facility"] == pytest.approx(1 / 4)
    filled = np.array([[0.0 if m is None else m for m in row] for row in marks])
    assert payload["test"]["mean"] == pytest.approx(filled.sum(axis=1).mean())
    assert payload["test"]["alpha"] == pytest.approx(analyse_items(filled).test.alpha)


def test_numeric_columns_packed_per_group_are_the_plain_rows(demo_bank):
    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(3)
    marks = [[1, 0.5, 0], [0, 1, 1], [0.25, 0, 1], [1, 1, 1], [0, 0, 0]]
    insert_attempts(exam, [versions] * len(marks), marks)
    stmt = (
        sa.select(
            AttemptItem.attempt_id * 1000 + AttemptItem.position,
            AttemptItem.version_id,
            AttemptItem.credit,
            AttemptItem.mark,
        )
        .join(Attempt, Attempt.id == AttemptItem.attempt_id)
        .where(Attempt.exam_id == exam.id)
    )
    expected = sorted(tuple(map(float, row)) for row in db.session.execute(stmt))
    # groups of two attempts: on PostgreSQL the rows come packed, a few per group
    columns = numeric_columns(stmt, group_by=AttemptItem.attempt_id // 2)
    assert sorted(zip(*(c.tolist() for c in columns), strict=True)) == expected
    db.session.rollback()


def test_numeric_columns_never_drop_a_row_with_a_null(demo_bank):
    """A NULL would drop its whole packed record on PostgreSQL: refused there; the tuples
    of SQLite read it as NaN. Either way no row goes missing without a word."""
    exam = make_exam(shuffle_questions=False)
    versions = choice_versions(2)
    insert_attempts(exam, [versions], [[1, None]])
    stmt = sa.select(AttemptItem.position, AttemptItem.credit).where(
        AttemptItem.version_id.in_([v.id for v in versions])
    )
    try:
        position, credit = numeric_columns(stmt, group_by=AttemptItem.attempt_id)
    except ValueError as exc:
        assert "NULL" in str(exc)
    else:
        assert sorted(position.tolist()) == [1.0, 2.0] and np.isnan(credit).sum() == 1
    db.session.rollback()
