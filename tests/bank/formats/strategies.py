"""Hypothesis strategies that build valid ``QuestionData`` values of every type.

Texts mix Vietnamese letters (NFC) with the characters GIFT, XML, YAML and spreadsheets
treat specially (``{}=~#:\\[]%<>&'"`` , a leading ``=``/``-``/``+``/``@``, line breaks);
they never start or end with white space, since every reader trims. Credits have at most
7 decimals, as every format stores them.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import strategies as st

from app.bank.formats.common import round_credit
from app.bank.formats.model import (
    Difficulty,
    MatchPair,
    NumericAnswer,
    Option,
    QuestionData,
    QuestionType,
    SourceRef,
    TextFormat,
)

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ"
    "ìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐĂÂÊÔƠƯ"
)
SPECIAL = "{}=~#:\\[]%<>&'\"_.,;!?/@+-$*|`"
WORD = VIETNAMESE + "0123456789"


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def texts(*, newlines: bool = True, max_size: int = 24) -> st.SearchStrategy[str]:
    alphabet = WORD + SPECIAL + " " + ("\n" if newlines else "")
    raw = st.text(alphabet=alphabet, min_size=1, max_size=max_size)
    return raw.map(_clean).filter(bool)


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def maybe(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), strategy)


words = st.text(alphabet=WORD + "-_", min_size=1, max_size=10).map(_clean).filter(bool)
labels = st.lists(words, min_size=1, max_size=3).map(" ".join)  # tags, positions
identifiers = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._", min_size=1, max_size=12)
topics = maybe(st.lists(labels, min_size=1, max_size=3).map("/".join))
partial_credits = st.sampled_from([0.0, 0.0, 0.5, 0.25, -0.25, -0.5, -1.0, 0.3333333, 0.1])
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))
numbers = st.one_of(
    st.integers(-(10**6), 10**6).map(float),
    st.integers(-(10**6), 10**6).map(lambda n: n / 10_000),
)


@st.composite
def sources(draw: st.DrawFn) -> SourceRef:
    return SourceRef(
        document=draw(texts(newlines=False)),
        article=draw(maybe(texts(newlines=False))),
        issued=draw(st.one_of(st.none(), days)),
        checked_on=draw(st.one_of(st.none(), days)),
        note=draw(maybe(texts(newlines=False))),
    )


def _unique_options(draw: st.DrawFn, credits: list[float]) -> list[Option]:
    option_texts = draw(
        st.lists(texts(), min_size=len(credits), max_size=len(credits), unique_by=_collapsed)
    )
    return [
        Option(text, credit, draw(maybe(texts())))
        for text, credit in zip(option_texts, credits, strict=True)
    ]


@st.composite
def _single(draw: st.DrawFn) -> list[Option]:
    others = draw(st.lists(partial_credits, min_size=1, max_size=5))
    credits = others.copy()
    credits.insert(draw(st.integers(0, len(others))), 1.0)
    return _unique_options(draw, credits)


@st.composite
def _multiple(draw: st.DrawFn) -> list[Option]:
    right = draw(st.integers(1, 4))
    wrong_credits = st.sampled_from([0.0, -0.5, -1.0, -0.3333333])
    wrong = draw(st.lists(wrong_credits, min_size=1 if right == 1 else 0, max_size=3))
    credits = draw(st.permutations([round_credit(1 / right)] * right + wrong))
    return _unique_options(draw, list(credits))


@st.composite
def _numeric(draw: st.DrawFn) -> NumericAnswer:
    credit = draw(partial_credits)
    feedback = draw(maybe(texts()))
    if draw(st.booleans()):
        low, high = sorted([draw(numbers), draw(numbers)])
        return NumericAnswer(low=low, high=high, credit=credit, feedback=feedback)
    tolerance = abs(draw(numbers))
    return NumericAnswer(value=draw(numbers), tolerance=tolerance, credit=credit, feedback=feedback)


@st.composite
def _pairs(draw: st.DrawFn) -> list[MatchPair]:
    prompts = draw(st.lists(texts(), min_size=2, max_size=5, unique_by=_collapsed))
    pairs = [MatchPair(prompt, draw(texts())) for prompt in prompts]
    return pairs + [MatchPair("", text) for text in draw(st.lists(texts(), max_size=2))]


def _body(draw: st.DrawFn, kind: QuestionType) -> dict:
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.SITUATIONAL):
        return {"options": draw(_single())}
    if kind == QuestionType.MULTIPLE_RESPONSE:
        return {"options": draw(_multiple())}
    if kind == QuestionType.TRUE_FALSE:
        right = draw(st.booleans())
        true = Option("true", 1.0 if right else 0.0, draw(maybe(texts())))
        return {"options": [true, Option("false", 0.0 if right else 1.0, draw(maybe(texts())))]}
    if kind == QuestionType.SHORT_ANSWER:
        options = draw(_single())
        return {
            "options": options,
            "case_sensitive": draw(st.booleans()),
            "ignore_diacritics": draw(st.booleans()),
        }
    if kind == QuestionType.NUMERICAL:
        answers = draw(st.lists(_numeric(), min_size=1, max_size=3))
        answers[0].credit = 1.0
        return {"numeric_answers": answers}
    if kind == QuestionType.MATCHING:
        return {"pairs": draw(_pairs())}
    return {}


@st.composite
def questions(draw: st.DrawFn) -> QuestionData:
    kind = draw(st.sampled_from(list(QuestionType)))
    return QuestionData(
        type=kind,
        stem=draw(texts(max_size=60)),
        stem_format=draw(st.sampled_from(list(TextFormat))),
        name=draw(maybe(texts(newlines=False))),
        external_id=draw(maybe(identifiers)),
        general_feedback=draw(maybe(texts())),
        topic=draw(topics),
        difficulty=draw(st.one_of(st.none(), st.sampled_from(list(Difficulty)))),
        tags=draw(st.lists(labels, max_size=3)),
        positions=draw(st.lists(labels, max_size=2)),
        sources=draw(st.lists(sources(), max_size=2)),
        status=draw(st.sampled_from(["", "approved", "draft"])),
        note=draw(maybe(texts())),
        shuffle=draw(st.booleans()),
        **_body(draw, kind),
    )


question_lists = st.lists(questions(), min_size=1, max_size=4)
