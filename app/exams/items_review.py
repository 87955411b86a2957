"""What a person may see of one answered question once the exam's review policy allows it.

The review view is the public view plus the response, the score, the general feedback and,
per type, the key: each option's credit and whether it is correct (with the feedback of the
options the examinee chose), the accepted answers of a short-answer or numerical question
(with the feedback of the one that matched), the right choice for each matching prompt.
Texts taken from the question are sanitised HTML; ``response`` is the examinee's plain text.
"""

from __future__ import annotations

from typing import Any

from app.exams.items_layout import (
    CHOICE_TYPES,
    Content,
    Order,
    answer_key,
    matching_layout,
    option_layout,
    option_text,
    public_view,
    question_type,
)
from app.exams.items_scoring import (
    FULL,
    best_numeric_answer,
    best_text_answer,
    chosen_indices,
    credit_of,
    matching_results,
    needs_manual_grading,
    numeric_bounds,
    score_valid_response,
)
from app.exams.items_validate import Response, validate_response

NUMERIC_KEYS = ("value", "tolerance", "low", "high")


def _choice_review(content: Content, order: Order, answer: Response) -> dict[str, Any]:
    options = content["options"]
    chosen = set(chosen_indices(content, order, answer)) if answer is not None else set()
    multiple = question_type(content) == "multiple_response"
    rows, chosen_ids = [], []
    for oid, index in option_layout(content, order):
        credit = credit_of(options[index])
        picked = index in chosen
        if picked:
            chosen_ids.append(oid)
        rows.append(
            {
                "id": oid,
                "text": option_text(content, index),
                "credit": credit,
                "correct": credit > 0 if multiple else credit >= FULL,
                "chosen": picked,
                "feedback": str(options[index].get("feedback", "")) if picked else "",
            }
        )
    return {"options": rows, "chosen": chosen_ids}


def _short_answer_review(content: Content, answer: Response) -> dict[str, Any]:
    options = content.get("options") or []
    accepted = [
        {"text": str(o.get("text", "")), "credit": credit_of(o)}
        for o in options
        if credit_of(o) > 0
    ]
    accepted.sort(key=lambda row: -row["credit"])
    matched = best_text_answer(content, str(answer))[1] if answer is not None else None
    feedback = str(options[matched].get("feedback", "")) if matched is not None else ""
    return {"accepted_answers": accepted, "feedback": feedback}


def _numerical_review(content: Content, answer: Response) -> dict[str, Any]:
    answers = content.get("numeric_answers") or []
    accepted = [
        {key: a.get(key) for key in NUMERIC_KEYS} | {"credit": credit_of(a)}
        for a in answers
        if credit_of(a) > 0 and numeric_bounds(a)
    ]
    accepted.sort(key=lambda row: -row["credit"])
    matched = best_numeric_answer(content, float(answer))[1] if answer is not None else None  # type: ignore[arg-type]
    feedback = str(answers[matched].get("feedback", "")) if matched is not None else ""
    return {"accepted_answers": accepted, "feedback": feedback}


def _matching_review(content: Content, order: Order, answer: Response) -> dict[str, Any]:
    pairs = content["pairs"]
    prompts, choices = matching_layout(content, order)
    choice_by_key = {answer_key(pairs[index]["answer"]): cid for cid, index in choices}
    results = matching_results(content, order, answer)
    chosen = answer if isinstance(answer, dict) else {}
    rows = [
        {
            "id": pid,
            "text": str(pairs[index]["prompt"]),
            "chosen": chosen.get(pid),
            "correct_choice": choice_by_key.get(answer_key(pairs[index]["answer"])),
            "correct": results[pid],
        }
        for pid, index in prompts
    ]
    return {"prompts": rows}


def review_view(content: Content, order: Order, response: Any) -> dict[str, Any]:
    """The public view with the response, score, key and feedback, for review after the exam.

    Adds ``response`` (normalised), ``answered``, ``score`` (0..1), ``needs_manual_grading``,
    ``general_feedback`` and, per type: choice — ``options: [{id, text, credit, correct,
    chosen, feedback}]`` and ``chosen: [ids]``; short answer and numerical —
    ``accepted_answers`` and the matched answer's ``feedback``; matching — ``prompts: [{id,
    text, chosen, correct_choice, correct}]``. Raises ``ResponseError`` for a malformed response.
    """
    answer = validate_response(content, order, response)
    kind = question_type(content)
    view = public_view(content, order)
    view.update(
        response=answer,
        answered=answer is not None,
        score=score_valid_response(content, order, answer),
        needs_manual_grading=needs_manual_grading(content),
        general_feedback=str(content.get("general_feedback", "")),
    )
    if kind in CHOICE_TYPES:
        view.update(_choice_review(content, order, answer))
    elif kind == "short_answer":
        view.update(_short_answer_review(content, answer))
    elif kind == "numerical":
        view.update(_numerical_review(content, answer))
    elif kind == "matching":
        view.update(_matching_review(content, order, answer))
    return view
