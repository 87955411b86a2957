"""The exam item layer: show a question without its key, check a response, score it.

Pure Python — no Flask, no database. The attempt service calls these functions and stores
what they return in JSON columns:

* ``build_order(content, rng, shuffle)`` when the attempt starts → the item's ``order``
  (stored server-side, never sent to the browser);
* ``public_view(content, order)`` → what the page or the API shows while the exam runs;
* ``validate_response(content, order, raw)`` → the normalised response to store, or None
  for "not answered"; ``ResponseError`` (Vietnamese message) for a wrong shape;
* ``score_response(content, order, response)`` → credit in [0, 1];
  ``needs_manual_grading(content)`` for essays; ``max_credit_reachable(content)`` to check
  that a question can give full marks;
* ``review_view(content, order, response)`` → what may be shown once review is allowed.

``content`` is a question version's ``content`` column (``app.bank.content.to_content``).
Shapes, with display ids ("a", "b", … for options and matching choices in display order;
"1", "2", … for matching prompts)::

    order     choice types  {"options": [2, 0, 3, 1]}          stored option indices
              matching      {"prompts": [1, 0], "choices": [2, 0, 1]}   pair indices
              other types   {}
    response  single choice, situational, true/false  "b"
              multiple response                       ["a", "c"]
              short answer, essay                     "văn bản"      (NFC, trimmed)
              numerical                               3.5            (float)
              matching                                {"1": "c", "2": "a"}
              not answered                            None
"""

from __future__ import annotations

from app.exams.items_layout import (
    TEXT_LIMITS,
    ResponseError,
    build_order,
    public_view,
)
from app.exams.items_review import review_view
from app.exams.items_scoring import max_credit_reachable, needs_manual_grading, score_response
from app.exams.items_validate import validate_response

__all__ = [
    "TEXT_LIMITS",
    "ResponseError",
    "build_order",
    "max_credit_reachable",
    "needs_manual_grading",
    "public_view",
    "review_view",
    "score_response",
    "validate_response",
]
