"""Display order, the public view (no key may leak) and the review view of exam items."""

from __future__ import annotations

import json
import random

import pytest

from app.exams.items import ResponseError, build_order, public_view, review_view
from tests.exams.item_samples import (
    GRADED_NUMERIC,
    SAMPLES,
    bank_questions,
    choice,
    make,
    matching,
    plain_order,
    short_answer,
    true_false,
)

FOUR = choice("single_choice", 1.0, 0.0, 0.0, 0.0)
BANK = bank_questions()
FORBIDDEN_WORDS = ("credit", "correct", "feedback", "tolerance", "accepted")


def orders(content, seeds=range(20), shuffle=True):
    return [build_order(content, random.Random(seed), shuffle) for seed in seeds]


# --- shuffling ------------------------------------------------------------------------------


def test_shuffled_order_differs_across_seeds_and_repeats_for_a_seed():
    assert len({tuple(o["options"]) for o in orders(FOUR)}) > 5
    assert orders(FOUR, [7, 7, 7]) == [orders(FOUR, [7])[0]] * 3
    assert sorted(orders(FOUR, [3])[0]["options"]) == [0, 1, 2, 3]


def test_one_rng_lays_out_a_whole_form_deterministically():
    form = [FOUR, matching(), SAMPLES["multiple_response"], true_false(False)]

    def lay_out(seed):
        rng = random.Random(seed)
        return [build_order(content, rng, shuffle=True) for content in form]

    assert lay_out(42) == lay_out(42)
    assert json.loads(json.dumps(lay_out(42))) == lay_out(42)  # JSON-safe


@pytest.mark.parametrize(
    ("content", "shuffle"),
    [
        (FOUR, False),  # the exam does not shuffle
        (choice("single_choice", 1.0, 0.0, 0.0, 0.0, shuffle=False), True),  # the question says no
        (true_false(True), True),  # never shuffled
        (true_false(False), True),
    ],
)
def test_stored_order_is_kept(content, shuffle):
    expected = list(range(len(content["options"])))
    assert all(o["options"] == expected for o in orders(content, shuffle=shuffle))


def test_true_false_shows_dung_then_sai():
    for answer in (True, False):
        view = public_view(true_false(answer), orders(true_false(answer), [5])[0])
        assert view["options"] == [{"id": "a", "text": "Đúng"}, {"id": "b", "text": "Sai"}]


def test_matching_is_always_shuffled():
    layouts = orders(matching(), shuffle=False)
    assert len({tuple(o["prompts"]) for o in layouts}) > 1
    assert len({tuple(o["choices"]) for o in layouts}) > 1
    assert all(sorted(o["prompts"]) == [0, 1, 2] for o in layouts)
    assert all(sorted(o["choices"]) == [0, 1, 3] for o in layouts)  # C's "X" is pair 0's


def test_ids_are_display_letters_so_the_key_position_is_not_exposed():
    key_ids = set()
    for order in orders(FOUR):
        view = public_view(FOUR, order)
        assert [o["id"] for o in view["options"]] == ["a", "b", "c", "d"]
        assert all(set(o) == {"id", "text"} for o in view["options"])
        key_ids.add(next(o["id"] for o in view["options"] if o["text"] == "Phương án 0"))
    assert len(key_ids) > 1  # the key (stored first) moves around


def test_many_options_get_two_letter_ids():
    content = choice("single_choice", 1.0, *([0.0] * 29))
    ids = [o["id"] for o in public_view(content, plain_order(content))["options"]]
    assert ids[:2] == ["a", "b"] and ids[25:28] == ["z", "aa", "ab"]
    assert len(set(ids)) == 30


# --- the public view leaks nothing ----------------------------------------------------------


def secrets_of(content) -> list[str]:
    """Every text of the question that must stay hidden until review."""
    found = [content.get("general_feedback", "")]
    found += [o.get("feedback", "") for o in content.get("options", [])]
    if content["type"] == "short_answer":
        found += [o["text"] for o in content["options"]]
    for answer in content.get("numeric_answers", []):
        found.append(answer.get("feedback", ""))
        found += [repr(v) for k, v in answer.items() if k != "feedback" and v is not None]
    return [s for s in found if s]


@pytest.mark.parametrize(("external_id", "content", "question"), BANK, ids=[b[0] for b in BANK])
def test_public_view_of_every_shipped_question_hides_the_key(external_id, content, question):
    order = build_order(content, random.Random(external_id), shuffle=True)
    view = public_view(content, order)
    dumped = json.dumps(view, ensure_ascii=False)
    assert not any(word in dumped.lower() for word in FORBIDDEN_WORDS)
    assert view["stem"] == content["stem"]
    without_stem = json.dumps({k: v for k, v in view.items() if k != "stem"}, ensure_ascii=False)
    leaked = [s for s in secrets_of(content) if s in without_stem]
    assert leaked == []
    expected_keys = {
        "single_choice": {"type", "stem", "multiple", "options"},
        "situational": {"type", "stem", "multiple", "options"},
        "true_false": {"type", "stem", "multiple", "options"},
        "multiple_response": {"type", "stem", "multiple", "options"},
        "matching": {"type", "stem", "prompts", "choices"},
        "short_answer": {"type", "stem", "max_length"},
        "numerical": {"type", "stem"},
    }[content["type"]]
    assert set(view) == expected_keys
    assert view.get("multiple", False) is (content["type"] == "multiple_response")
    for row in view.get("options", []) + view.get("prompts", []) + view.get("choices", []):
        assert set(row) == {"id", "text"}


def test_public_view_hides_the_key_of_every_sample_type():
    for content in SAMPLES.values():
        view = public_view(content, plain_order(content))
        dumped = json.dumps(view, ensure_ascii=False)
        assert not any(word in dumped.lower() for word in FORBIDDEN_WORDS)
        assert [s for s in secrets_of(content) if s in dumped] == []


# --- review ---------------------------------------------------------------------------------


def test_review_of_a_single_choice():
    content = choice("situational", 1.0, 0.5, 0.0)
    view = review_view(content, plain_order(content), "b")
    assert view["score"] == 0.5 and view["answered"] and view["chosen"] == ["b"]
    assert view["general_feedback"] == "Giải thích chung."
    assert [(o["id"], o["credit"], o["correct"], o["chosen"]) for o in view["options"]] == [
        ("a", 1.0, True, False),
        ("b", 0.5, False, True),
        ("c", 0.0, False, False),
    ]
    assert [o["feedback"] for o in view["options"]] == ["", "Phản hồi 1", ""]  # chosen only
    assert view["needs_manual_grading"] is False


def test_review_of_a_multiple_response_marks_positive_credits_correct():
    content = SAMPLES["multiple_response"]
    view = review_view(content, plain_order(content), ["c", "a"])
    assert view["response"] == ["a", "c"] and view["chosen"] == ["a", "c"] and view["score"] == 0
    assert [o["correct"] for o in view["options"]] == [True, True, False, False]
    assert view["multiple"] is True


def test_review_of_a_short_answer_lists_accepted_answers_and_the_matched_feedback():
    content = short_answer(("*", 0.0), ("Windows+L", 1.0), ("Ctrl+Alt+Delete", 0.5))
    view = review_view(content, {}, " ctrl+alt+delete ")
    assert view["score"] == 0.5 and view["response"] == "ctrl+alt+delete"
    assert view["accepted_answers"] == [
        {"text": "Windows+L", "credit": 1.0},
        {"text": "Ctrl+Alt+Delete", "credit": 0.5},
    ]
    assert view["feedback"] == "Phản hồi cho «Ctrl+Alt+Delete»"
    assert review_view(content, {}, "F5")["feedback"] == "Phản hồi cho «*»"


def test_review_of_a_numerical_answer():
    view = review_view(GRADED_NUMERIC, {}, "27")
    assert view["score"] == 0.0 and view["response"] == 27.0
    assert view["feedback"] == "27 là mức của cấp huyện."
    assert [a["credit"] for a in view["accepted_answers"]] == [1.0, 0.5]
    assert view["accepted_answers"][1] == {
        "value": None,
        "tolerance": 0.0,
        "low": 20.0,
        "high": 25.0,
        "credit": 0.5,
    }


def test_review_of_a_matching_question_gives_the_right_choice_per_prompt():
    content = matching()
    order = build_order(content, random.Random(9), shuffle=True)
    choice_id = {c["text"]: c["id"] for c in public_view(content, order)["choices"]}
    prompt_id = {p["text"]: p["id"] for p in public_view(content, order)["prompts"]}
    view = review_view(
        content, order, {prompt_id["A"]: choice_id["X"], prompt_id["B"]: choice_id["Z"]}
    )
    rows = {row["text"]: row for row in view["prompts"]}
    assert view["score"] == 0.333333
    assert rows["A"]["correct"] and not rows["B"]["correct"] and not rows["C"]["correct"]
    assert rows["A"]["correct_choice"] == rows["C"]["correct_choice"] == choice_id["X"]
    assert rows["B"]["chosen"] == choice_id["Z"] and rows["C"]["chosen"] is None


def test_review_of_an_essay_and_of_an_unanswered_question():
    essay = review_view(make("essay"), {}, "Bài viết.")
    assert essay["needs_manual_grading"] is True and essay["response"] == "Bài viết."
    assert essay["score"] == 0.0
    blank = review_view(FOUR, plain_order(FOUR), None)
    assert blank["answered"] is False and blank["chosen"] == [] and blank["score"] == 0.0
    assert all(o["feedback"] == "" for o in blank["options"])


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_review_view_is_json_safe(kind):
    content = SAMPLES[kind]
    view = review_view(content, plain_order(content), None)
    assert json.loads(json.dumps(view, allow_nan=False)) == view


def test_review_rejects_a_tampered_stored_response():
    with pytest.raises(ResponseError):
        review_view(FOUR, plain_order(FOUR), "z")
