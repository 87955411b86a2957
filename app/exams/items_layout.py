"""How one question is laid out for one attempt: the display order, display ids, public view.

The layout (``order``) is built once when the attempt starts and stored server-side with the
attempt item. The browser only ever sees display ids — "a", "b", "c", … for options and
matching choices in display order, "1", "2", … for matching prompts — never a stored option
index: authors often put the key first, so the index would give the answer away.

Everything here is pure Python (no Flask, no database): ``content`` is the version's JSON
from ``app.bank.content.to_content``, ``order`` the JSON dict ``build_order`` returned.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from app.text import squash

Content = Mapping[str, Any]
Order = Mapping[str, Any]

CHOICE_TYPES = frozenset({"single_choice", "multiple_response", "true_false", "situational"})
TEXT_LIMITS = {"short_answer": 500, "essay": 10_000}  # characters, after NFC
KNOWN_TYPES = CHOICE_TYPES | {"short_answer", "numerical", "matching", "essay"}
# True/false options are stored as "true" / "false"; this is what the examinee reads.
TRUE_FALSE_LABELS = {"true": "Đúng", "false": "Sai"}

Layout = list[tuple[str, int]]  # (display id, index into content["options"] or ["pairs"])


class ResponseError(ValueError):
    """A response of the wrong shape; ``str(error)`` is a Vietnamese message for the examinee."""


def letter_id(position: int) -> str:
    """The display id of a display position: 0 → "a", 25 → "z", 26 → "aa"."""
    out = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


def question_type(content: Content) -> str:
    """The question's type; ValueError for content that is not a question version's."""
    kind = content.get("type")
    if kind not in KNOWN_TYPES:
        raise ValueError(f"unknown question type {kind!r}")
    return str(kind)


def answer_key(text: Any) -> str:
    """Matching answers are one choice when their texts are equal up to spacing."""
    return squash(text if isinstance(text, str) else "")


def _stored_option_order(content: Content) -> list[int]:
    options = content.get("options") or []
    indices = list(range(len(options)))
    if content.get("type") == "true_false":  # "Đúng" first, whatever the stored order
        indices.sort(key=lambda i: options[i].get("text") != "true")
    return indices


def matching_parts(content: Content) -> tuple[list[int], list[int]]:
    """(pair indices of the real prompts, pair index of the first pair of each distinct answer).

    A pair with an empty prompt is an extra distractor answer; an empty answer is no choice.
    """
    pairs = content.get("pairs") or []
    prompts = [i for i, pair in enumerate(pairs) if str(pair.get("prompt") or "").strip()]
    choices: list[int] = []
    seen: set[str] = set()
    for i, pair in enumerate(pairs):
        key = answer_key(pair.get("answer"))
        if key and key not in seen:
            seen.add(key)
            choices.append(i)
    return prompts, choices


def build_order(content: Content, rng: random.Random, shuffle: bool) -> dict[str, list[int]]:
    """The per-attempt layout of a question, JSON-safe, to store server-side.

    Choice types: ``{"options": [stored option index, … in display order]}``, shuffled only
    when both ``shuffle`` (the exam's setting) and ``content["shuffle"]`` are true; true/false
    is never shuffled ("Đúng" then "Sai"). Matching: ``{"prompts": [pair index, …],
    "choices": [pair index of each distinct answer, …]}``, both always shuffled (as Moodle
    does). Other types: ``{}``. The same ``rng`` state always gives the same layout.
    """
    kind = question_type(content)
    if kind in CHOICE_TYPES:
        options = _stored_option_order(content)
        if shuffle and content.get("shuffle", True) and kind != "true_false":
            rng.shuffle(options)
        return {"options": options}
    if kind == "matching":
        prompts, choices = matching_parts(content)
        rng.shuffle(prompts)
        rng.shuffle(choices)
        return {"prompts": prompts, "choices": choices}
    return {}


def _checked(indices: Any, expected: list[int], what: str) -> list[int]:
    """``indices`` if it is a permutation of ``expected``; ValueError (a server bug) if not."""
    if (
        not isinstance(indices, list)
        or not all(type(i) is int for i in indices)
        or sorted(indices) != sorted(expected)
    ):
        raise ValueError(f"the stored {what} order does not fit this question")
    return indices


def option_layout(content: Content, order: Order) -> Layout:
    """(display id, stored option index) of a choice question, in display order."""
    expected = list(range(len(content.get("options") or [])))
    indices = _checked(order.get("options"), expected, "option")
    return [(letter_id(position), index) for position, index in enumerate(indices)]


def matching_layout(content: Content, order: Order) -> tuple[Layout, Layout]:
    """(prompts, choices) of a matching question as (display id, pair index), display order."""
    prompts, choices = matching_parts(content)
    prompt_order = _checked(order.get("prompts"), prompts, "prompt")
    choice_order = _checked(order.get("choices"), choices, "choice")
    return (
        [(str(position + 1), index) for position, index in enumerate(prompt_order)],
        [(letter_id(position), index) for position, index in enumerate(choice_order)],
    )


def option_text(content: Content, index: int) -> str:
    """The text an examinee reads for a stored option (true/false labels in Vietnamese)."""
    text = str(content["options"][index].get("text", ""))
    if content.get("type") == "true_false":
        return TRUE_FALSE_LABELS.get(text, text)
    return text


def public_view(content: Content, order: Order) -> dict[str, Any]:
    """What the browser or the API may see before review — never a credit, key or feedback.

    ``{"type", "stem"}`` plus, for choice types, ``"multiple"`` (true for multiple response)
    and ``"options": [{"id", "text"}]``; for matching ``"prompts": [{"id", "text"}]`` and
    ``"choices": [{"id", "text"}]``; for short answer and essay ``"max_length"``. Texts are
    the stored, sanitised HTML. ValueError if ``order`` does not fit ``content``.
    """
    kind = question_type(content)
    view: dict[str, Any] = {"type": kind, "stem": str(content.get("stem", ""))}
    if kind in CHOICE_TYPES:
        view["multiple"] = kind == "multiple_response"
        view["options"] = [
            {"id": oid, "text": option_text(content, index)}
            for oid, index in option_layout(content, order)
        ]
    elif kind == "matching":
        pairs = content["pairs"]
        prompts, choices = matching_layout(content, order)
        view["prompts"] = [{"id": pid, "text": str(pairs[i]["prompt"])} for pid, i in prompts]
        view["choices"] = [{"id": cid, "text": str(pairs[i]["answer"])} for cid, i in choices]
    elif kind in TEXT_LIMITS:
        view["max_length"] = TEXT_LIMITS[kind]
    return view
