"""Property tests of the exam item layer: whatever a browser sends, the layer answers sanely."""

from __future__ import annotations

import json
import random
import re
import unicodedata

from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.exams.items import (
    ResponseError,
    build_order,
    public_view,
    review_view,
    score_response,
    validate_response,
)
from app.exams.items_scoring import wildcard_match, wildcard_parts
from app.text import fold, squash
from tests.exams.item_samples import SAMPLES, bank_questions, short_answer


def _first_of_each_type() -> list[dict]:
    seen: dict[str, dict] = {}
    for _, content, _ in bank_questions():
        seen.setdefault(content["type"], content)
    return list(seen.values())


CONTENTS = list(SAMPLES.values()) + _first_of_each_type()

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**400)
    | st.floats()
    | st.text(max_size=30)
)
JSON_LIKE = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=15,
)
IDS = st.sampled_from(["a", "b", "c", "d", "e", "h", "z", "aa", "1", "2", "3", "4", "0", ""])
NUMBER_TEXT = st.from_regex(
    r"\s*[+-]?[0-9]{1,6}([.,][0-9]{0,4})?([eE][+-]?[0-9]{1,3})?\s*", fullmatch=True
)
PLAUSIBLE = (
    IDS
    | st.lists(IDS, max_size=6)
    | st.dictionaries(IDS, IDS | st.none() | st.integers(0, 3), max_size=5)
    | NUMBER_TEXT
    | st.sampled_from(["Đà Nẵng", " da  NANG ", "Đà", "*", "ĐÀ NẴNG", "Windows+L"])
    | st.text(min_size=490, max_size=520)
)


def shaped_like_an_answer(view: dict) -> st.SearchStrategy:
    """Responses of the question's own shape, from its real display ids (mostly valid)."""
    if "prompts" in view:
        prompts = st.sampled_from([p["id"] for p in view["prompts"]])
        choices = st.sampled_from([c["id"] for c in view["choices"]])
        return st.dictionaries(prompts, choices | st.none(), max_size=6)
    if "options" in view:
        ids = st.sampled_from([o["id"] for o in view["options"]])
        return st.lists(ids, max_size=6, unique=True) if view["multiple"] else ids
    return PLAUSIBLE


@settings(max_examples=300, deadline=None)
@given(
    content=st.sampled_from(CONTENTS),
    seed=st.integers(0, 2**32),
    shuffle=st.booleans(),
    data=st.data(),
)
def test_a_response_is_either_refused_or_scored_in_range(content, seed, shuffle, data):
    order = build_order(content, random.Random(seed), shuffle)
    shaped = shaped_like_an_answer(public_view(content, order))
    source = data.draw(st.sampled_from([shaped, PLAUSIBLE, JSON_LIKE]), label="source")
    raw = data.draw(source, label="raw")
    try:
        answer = validate_response(content, order, raw)
    except ResponseError as error:
        assert str(error)
        event(f"{content['type']}: refused")
        return
    event(f"{content['type']}: {'blank' if answer is None else 'scored'}")
    credit = score_response(content, order, answer)
    assert 0.0 <= credit <= 1.0
    assert credit == score_response(content, order, raw)
    assert validate_response(content, order, answer) == answer  # what is stored re-validates
    assert json.loads(json.dumps(answer, allow_nan=False)) == answer
    review = review_view(content, order, answer)
    assert review["score"] == credit and review["answered"] is (answer is not None)
    if answer is None:
        assert credit == 0.0


@given(
    pattern=st.text(alphabet="ab*\\ ", max_size=8),
    text=st.text(alphabet="ab*\\ ", max_size=12),
)
def test_wildcard_match_agrees_with_a_regular_expression(pattern, text):
    regex = ".*".join(re.escape(part) for part in wildcard_parts(pattern))
    assert wildcard_match(pattern, text) is bool(re.fullmatch(regex, text, re.DOTALL))


VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
)
ANSWER_TEXT = st.text(alphabet=VIETNAMESE + "0123456789 +-/.", min_size=1, max_size=40).filter(
    lambda t: squash(t)
)


@given(accepted=ANSWER_TEXT, spaces=st.integers(1, 3))
def test_an_accepted_answer_typed_in_another_case_spacing_or_form_gets_full_credit(
    accepted, spaces
):
    typed = " " + unicodedata.normalize("NFD", accepted.upper()).replace(" ", " " * spaces) + "\t"
    assert score_response(short_answer((accepted, 1.0)), {}, typed) == 1.0
    folded = short_answer((accepted, 1.0), ignore_diacritics=True)
    assert score_response(folded, {}, fold(accepted).upper()) == 1.0


@given(value=st.floats(min_value=-1e6, max_value=1e6))
def test_a_number_round_trips_through_its_text_with_either_decimal_mark(value):
    content = SAMPLES["numerical"]
    text = repr(value)
    assert validate_response(content, {}, text) == value
    if "e" not in text:
        assert validate_response(content, {}, text.replace(".", ",")) == value
