"""Scoring and response validation of the exam item layer (pure functions, no database)."""

from __future__ import annotations

import json
import math
import random
import unicodedata

import pytest

from app.bank.formats.model import NumericAnswer
from app.exams.items import (
    ResponseError,
    build_order,
    max_credit_reachable,
    needs_manual_grading,
    public_view,
    score_response,
    validate_response,
)
from tests.exams.item_samples import (
    GRADED_NUMERIC,
    SAMPLES,
    bank_questions,
    choice,
    make,
    matching,
    numerical,
    plain_order,
    short_answer,
    true_false,
)


def score(content, response):
    return score_response(content, plain_order(content), response)


def matching_ids(content, order, wanted: dict[str, str]) -> dict[str, str]:
    """{prompt text: choice text} → {prompt id: choice id} through the public view."""
    view = public_view(content, order)
    prompts = {p["text"]: p["id"] for p in view["prompts"]}
    choices = {c["text"]: c["id"] for c in view["choices"]}
    return {prompts[p]: choices[c] for p, c in wanted.items()}


# --- choice types ---------------------------------------------------------------------------

MOODLE_MULTI = choice("multiple_response", 0.5, 0.5, -1.0, 0.0)  # %50 / %50 / -%100 / %0
BANK_MULTI = choice("multiple_response", 0.25, 0.25, 0.25, 0.25, -0.5, -0.5)
THIRDS = choice("multiple_response", 0.3333333, 0.3333333, 0.3333333, -1.0)  # as parsers store


@pytest.mark.parametrize(
    ("content", "response", "expected"),
    [
        (choice("single_choice", 1.0, 0.0, 0.0), "a", 1.0),
        (choice("single_choice", 1.0, 0.0, 0.0), "c", 0.0),
        (choice("single_choice", 1.0, 0.5, 0.0), "b", 0.5),
        (choice("single_choice", 1.0, -0.5, 0.0), "b", 0.0),  # a penalty never goes below 0
        (choice("single_choice", 1.0, 0.0), None, 0.0),
        (choice("situational", 1.0, 0.5, 0.0), "a", 1.0),
        (choice("situational", 1.0, 0.5, 0.0), "b", 0.5),
        (choice("situational", 1.0, 0.5, 0.0), "c", 0.0),
        (true_false(True), "a", 1.0),  # "a" is "Đúng"
        (true_false(True), "b", 0.0),
        (true_false(False), "b", 1.0),
        (true_false(False), "a", 0.0),
        (true_false(False), "", 0.0),
        (MOODLE_MULTI, ["a", "b"], 1.0),
        (MOODLE_MULTI, ["a"], 0.5),
        (MOODLE_MULTI, ["a", "b", "d"], 1.0),
        (MOODLE_MULTI, ["a", "c"], 0.0),  # 0.5 - 1.0 clamps to 0
        (MOODLE_MULTI, ["a", "b", "c"], 0.0),
        (MOODLE_MULTI, ["c"], 0.0),
        (MOODLE_MULTI, [], 0.0),
        (BANK_MULTI, ["a", "b", "c", "d"], 1.0),
        (BANK_MULTI, ["a", "b", "c", "d", "e"], 0.5),
        (BANK_MULTI, ["a", "b", "c", "f"], 0.25),
        (BANK_MULTI, ["a", "b", "e", "f"], 0.0),
        (THIRDS, ["a", "b", "c"], 1.0),  # 3 × 0.3333333 is exactly 1.0
        (THIRDS, ["a"], 0.333333),
        (THIRDS, ["a", "b", "c", "d"], 0.0),
    ],
)
def test_choice_scores(content, response, expected):
    assert score(content, response) == expected


def test_thirds_sum_to_exactly_one():
    assert sum([0.3333333] * 3) != 1.0  # 0.9999999 before rounding to 6 decimals
    assert score(THIRDS, ["a", "b", "c"]) == 1.0
    exact = choice("multiple_response", 1 / 3, 1 / 3, 1 / 3)
    assert score(exact, ["a", "b", "c"]) == 1.0


# --- short answer ---------------------------------------------------------------------------

CENTRE = ("Trung tâm Phục vụ hành chính công", 1.0)
PARTIAL = ("Trung tâm", 0.5)
NFD = unicodedata.normalize("NFD", "Trung tâm Phục vụ hành chính công")


@pytest.mark.parametrize(
    ("flags", "typed", "expected"),
    [
        ({}, "Trung tâm Phục vụ hành chính công", 1.0),
        ({}, "  trung   TÂM phục vụ\thành chính CÔNG ", 1.0),
        ({}, NFD, 1.0),
        ({}, "trung tam phuc vu hanh chinh cong", 0.0),
        ({"ignore_diacritics": True}, "trung tam phuc vu hanh chinh cong", 1.0),
        ({"ignore_diacritics": True}, "TRUNG TÂM phục vu hanh chinh cong", 1.0),
        ({}, "Trung tâm", 0.5),
        ({}, "Bộ phận Một cửa", 0.0),
        ({"case_sensitive": True}, "trung tâm phục vụ hành chính công", 0.0),
        ({"case_sensitive": True}, " Trung tâm  Phục vụ hành chính công", 1.0),
        (
            {"case_sensitive": True, "ignore_diacritics": True},
            "Trung tam Phuc vu hanh chinh cong",
            1.0,
        ),
        (
            {"case_sensitive": True, "ignore_diacritics": True},
            "trung tam phuc vu hanh chinh cong",
            0.0,
        ),
    ],
)
def test_short_answer_normalisation(flags, typed, expected):
    assert score(short_answer(CENTRE, PARTIAL, **flags), typed) == expected


@pytest.mark.parametrize(
    ("answers", "flags", "typed", "expected"),
    [
        ((("Đà Nẵng", 1.0),), {"ignore_diacritics": True}, "da nang", 1.0),
        ((("Đà Nẵng", 1.0),), {}, "da nang", 0.0),
        ((("Nghị định*118*", 1.0),), {}, "Nghị định số 118/2025/NĐ-CP", 1.0),
        ((("Nghị định*118*", 1.0),), {}, "nghị định 118", 1.0),  # * matches an empty run
        ((("Nghị định*118*", 1.0),), {}, "Nghị định 61/2018/NĐ-CP", 0.0),
        ((("*", 0.0), ("Windows+L", 1.0)), {}, "windows+l", 1.0),  # best credit, not first
        ((("*", 0.0), ("Windows+L", 1.0)), {}, "Ctrl+L", 0.0),
        ((("A\\*B", 1.0),), {}, "a*b", 1.0),  # \* is a literal star
        ((("A\\*B", 1.0),), {}, "axb", 0.0),
        ((("A & B < C", 1.0),), {}, "a & b < c", 1.0),  # stored HTML-escaped, compared as text
        ((("*a*a*a*a*a*a*a*a*a*b", 1.0),), {}, "a" * 500, 0.0),  # no regex backtracking blow-up
    ],
)
def test_short_answer_diacritics_and_wildcards(answers, flags, typed, expected):
    assert score(short_answer(*answers, **flags), typed) == expected


# --- numerical ------------------------------------------------------------------------------

GRADED = GRADED_NUMERIC
TOLERANT = numerical(NumericAnswer(value=1.1, tolerance=0.2))


@pytest.mark.parametrize(
    ("content", "response", "expected"),
    [
        (GRADED, 22.5, 1.0),
        (GRADED, "22,5", 1.0),
        (GRADED, "22.5", 1.0),
        (GRADED, " 22,5 ", 1.0),
        (GRADED, 21, 0.5),
        (GRADED, "20", 0.5),  # closed interval
        (GRADED, "25,0", 0.5),
        (GRADED, 25.0001, 0.0),
        (GRADED, 19.99, 0.0),
        (GRADED, 27, 0.0),
        (GRADED, None, 0.0),
        (TOLERANT, "0,9", 1.0),  # 1.1 - 0.2 is 0.9000000000000001 in binary
        (TOLERANT, 1.3, 1.0),
        (TOLERANT, "0.89", 0.0),
        (TOLERANT, 1.31, 0.0),
        (numerical(NumericAnswer(value=3.5)), "3,5", 1.0),
        (numerical(NumericAnswer(value=3.5)), "3.5", 1.0),
        (numerical(NumericAnswer(value=3.5)), "35", 0.0),
        (numerical(NumericAnswer(value=-2.25)), "-2,25", 1.0),
    ],
)
def test_numerical_scores(content, response, expected):
    assert score(content, response) == expected


# --- matching and essay ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ({"A": "X", "B": "Y", "C": "X"}, 1.0),  # 3 × 1/3 is exactly 1.0
        ({"A": "X", "B": "Y", "C": "Z"}, 0.666667),  # Z is the distractor
        ({"A": "X"}, 0.333333),  # partial answers allowed
        ({"A": "Y", "B": "X", "C": "Y"}, 0.0),
        ({"A": "Z", "B": "Z", "C": "Z"}, 0.0),
        ({}, 0.0),
    ],
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matching_scores(wanted, expected, seed):
    content = matching()
    order = build_order(content, random.Random(seed), shuffle=True)
    assert score_response(content, order, matching_ids(content, order, wanted)) == expected


def test_matching_shows_duplicate_answer_texts_once():
    content = matching()
    view = public_view(content, plain_order(content))
    assert sorted(c["text"] for c in view["choices"]) == ["X", "Y", "Z"]
    assert sorted(p["text"] for p in view["prompts"]) == ["A", "B", "C"]


def test_essay_is_graded_by_hand():
    essay = make("essay")
    assert score(essay, "Một bài viết dài về văn hóa công vụ.") == 0.0
    assert needs_manual_grading(essay)
    assert not any(needs_manual_grading(c) for k, c in SAMPLES.items() if k != "essay")


@pytest.mark.parametrize("kind", sorted(SAMPLES))
@pytest.mark.parametrize("blank", [None, "", [], {}])
def test_unanswered_scores_zero_for_every_type(kind, blank):
    content = SAMPLES[kind]
    assert validate_response(content, plain_order(content), blank) is None
    assert score(content, blank) == 0.0


# --- max credit reachable -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (choice("single_choice", 0.5, 0.0), 0.5),
        (choice("single_choice", 1.0, 0.0), 1.0),
        (MOODLE_MULTI, 1.0),
        (THIRDS, 1.0),
        (choice("multiple_response", 0.3, 0.3, -1.0), 0.6),
        (short_answer(("a", 0.8), ("b", 0.5)), 0.8),
        (GRADED, 1.0),
        (numerical(NumericAnswer(value=1.0, credit=0.9)), 0.9),
        (matching(), 1.0),
        (make("essay"), 1.0),
    ],
)
def test_max_credit_reachable(content, expected):
    assert max_credit_reachable(content) == expected


def test_matching_prompt_without_answer_caps_the_reachable_credit():
    content = {"type": "matching", "stem": "?", "pairs": [
        {"prompt": "A", "answer": "X"}, {"prompt": "B", "answer": ""}]}  # fmt: skip
    assert max_credit_reachable(content) == 0.5


def test_every_shipped_question_can_earn_full_credit():
    assert all(max_credit_reachable(content) == 1.0 for _, content, _ in bank_questions())


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("single_choice", "z"),  # unknown option id
        ("single_choice", "0"),  # stored indices are not ids
        ("single_choice", ["a"]),
        ("single_choice", 1),
        ("single_choice", True),
        ("single_choice", {"a": 1}),
        ("true_false", "true"),
        ("multiple_response", ["a", "a"]),  # duplicate ids
        ("multiple_response", ["a", "z"]),
        ("multiple_response", "a"),
        ("multiple_response", [1]),
        ("multiple_response", [["a"]]),
        ("short_answer", {"text": "Đà Nẵng"}),
        ("short_answer", ["Đà Nẵng"]),
        ("short_answer", 5),
        ("short_answer", "x" * 501),
        ("short_answer", "x" * 10_000_000),  # 10 MB
        ("short_answer", "a\x00b"),  # PostgreSQL JSON cannot store NUL
        ("short_answer", "a\ud800b"),  # lone surrogate: not UTF-8
        ("essay", "x" * 10_001),
        ("essay", ["x"]),
        ("numerical", math.nan),
        ("numerical", math.inf),
        ("numerical", -math.inf),
        ("numerical", "nan"),
        ("numerical", "-inf"),
        ("numerical", "1e999"),
        ("numerical", 10**400),
        ("numerical", True),
        ("numerical", False),
        ("numerical", "ba phẩy năm"),
        ("numerical", "3,5,1"),
        ("numerical", "1" * 100),
        ("numerical", [3.5]),
        ("numerical", {"value": 3.5}),
        ("matching", {"9": "a"}),  # unknown prompt id
        ("matching", {"A": "a"}),  # prompt text is not its id
        ("matching", {"1": "z"}),  # unknown choice id
        ("matching", {"1": ["a"]}),
        ("matching", {1: "a"}),
        ("matching", ["a"]),
        ("matching", "a"),
    ],
)
def test_validate_rejects(kind, raw):
    content = SAMPLES[kind]
    with pytest.raises(ResponseError) as caught:
        validate_response(content, plain_order(content), raw)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value)  # a message the examinee can read


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("single_choice", "b", "b"),
        ("multiple_response", ["c", "a"], ["a", "c"]),  # stored in display order
        ("multiple_response", ("b",), ["b"]),
        ("short_answer", "  Đà Nẵng  ", "Đà Nẵng"),
        ("short_answer", unicodedata.normalize("NFD", "Đà Nẵng"), "Đà Nẵng"),
        ("short_answer", "   ", None),
        ("short_answer", "x" * 500, "x" * 500),
        ("essay", "Dòng 1\nDòng 2", "Dòng 1\nDòng 2"),
        ("essay", "ế" * 10_000, "ế" * 10_000),
        ("numerical", "3,5", 3.5),
        ("numerical", " 3.5 ", 3.5),
        ("numerical", 3, 3.0),
        ("numerical", "-2,25", -2.25),
        ("numerical", "+1e3", 1000.0),
        ("numerical", "  ", None),
        ("matching", {"1": "a", "2": "", "3": None}, {"1": "a"}),
        ("matching", {"3": "b", "1": "a"}, {"1": "a", "3": "b"}),
        ("matching", {"2": None}, None),
    ],
)
def test_validate_normalises(kind, raw, expected):
    content = SAMPLES[kind]
    order = plain_order(content)
    normalised = validate_response(content, order, raw)
    assert normalised == expected
    assert type(normalised) is type(expected)
    assert validate_response(content, order, normalised) == normalised  # idempotent
    assert json.loads(json.dumps(normalised)) == normalised


def test_nfd_essay_within_limit_after_nfc():
    nfd = unicodedata.normalize("NFD", "ế" * 10_000)  # 30,000 code points, 10,000 after NFC
    assert validate_response(SAMPLES["essay"], {}, nfd) == "ế" * 10_000


def test_order_that_does_not_fit_is_a_server_error_not_a_response_error():
    content = SAMPLES["single_choice"]
    with pytest.raises(ValueError) as caught:
        validate_response(content, {"options": [0, 1]}, "a")
    assert not isinstance(caught.value, ResponseError)
    with pytest.raises(ValueError):
        public_view(content, {})
    with pytest.raises(ValueError):
        build_order({"type": "poll"}, random.Random(0), shuffle=True)
