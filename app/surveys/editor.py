"""The form-based questionnaire builder: one change at a time to a draft version.

Every change reads the draft as plain data (``definition_of``), edits that data and saves
it through ``update_draft``, which checks it with ``check_definition`` — the very check a
YAML file gets — so the builder can store nothing a YAML file could not. Structural
mistakes (unknown key, a section that still has questions) raise ``QuestionnaireError``
before anything is saved. Callers commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.models import QuestionnaireVersion
from app.surveys.definition import definition_of
from app.surveys.questionnaires import QuestionnaireError, update_draft
from app.text import nfc

Definition = dict[str, Any]


def apply_change(
    version: QuestionnaireVersion, change: Callable[[Definition], None], label: str
) -> None:
    """Run ``change`` on the draft's definition and save it (QuestionnaireError)."""
    if version.is_frozen:
        raise QuestionnaireError(["Phiên bản đã ban hành không thể sửa; hãy tạo bản nháp mới."])
    data = definition_of(version)
    change(data)
    update_draft(version, data, change=label)


# --- header and sections ---------------------------------------------------------------


def set_header(data: Definition, fields: dict[str, str]) -> None:
    for name in ("title", "title_en", "intro", "intro_en"):
        data[name] = nfc(fields.get(name))


def _section_index(data: Definition, key: str) -> int:
    for index, section in enumerate(data["sections"]):
        if section["key"] == key:
            return index
    raise QuestionnaireError([f"Không có phần '{key}'."])


def save_section(data: Definition, old_key: str | None, fields: dict[str, str]) -> None:
    """Add a section (``old_key`` None) at the end, or change its key and titles."""
    key = nfc(fields.get("key"))
    taken = {s["key"] for s in data["sections"]} - {old_key}
    if key in taken:
        raise QuestionnaireError([f"{key}: khóa phần bị trùng."])
    titles = {"title": nfc(fields.get("title")), "title_en": nfc(fields.get("title_en"))}
    if old_key is None:
        data["sections"].append({"key": key, **titles, "questions": []})
        return
    data["sections"][_section_index(data, old_key)].update(key=key, **titles)


def move_section(data: Definition, key: str, delta: int) -> None:
    sections = data["sections"]
    index = _section_index(data, key)
    target = index + delta
    if 0 <= target < len(sections):
        sections[index], sections[target] = sections[target], sections[index]


def remove_section(data: Definition, key: str) -> None:
    index = _section_index(data, key)
    if data["sections"][index]["questions"]:
        raise QuestionnaireError([f"Phần '{key}' còn câu hỏi; hãy xóa hoặc chuyển chúng trước."])
    del data["sections"][index]


# --- questions -------------------------------------------------------------------------


def _locate(data: Definition, key: str) -> tuple[int, int]:
    """(section index, question index) of question ``key``."""
    for s_index, section in enumerate(data["sections"]):
        for q_index, question in enumerate(section["questions"]):
            if question["key"] == key:
                return s_index, q_index
    raise QuestionnaireError([f"Không có câu hỏi '{key}'."])


def question_of(data: Definition, key: str) -> tuple[str, dict[str, Any]]:
    """(section key, question data) of question ``key`` (QuestionnaireError)."""
    s_index, q_index = _locate(data, key)
    section = data["sections"][s_index]
    return section["key"], section["questions"][q_index]


def save_question(
    data: Definition, old_key: str | None, section_key: str, question: dict[str, Any]
) -> None:
    """Add ``question`` at the end of ``section_key``, or replace question ``old_key``.

    A replaced question keeps its place unless it moves to another section (then it goes
    to that section's end). Renaming a key renames it in the conditions that use it.
    """
    target = _section_index(data, section_key)
    if old_key is None:
        data["sections"][target]["questions"].append(question)
        return
    s_index, q_index = _locate(data, old_key)
    if s_index == target:
        data["sections"][s_index]["questions"][q_index] = question
    else:
        del data["sections"][s_index]["questions"][q_index]
        data["sections"][target]["questions"].append(question)
    if question["key"] != old_key:
        for other in _questions(data):
            cond = other.get("condition")
            if cond and cond.get("question") == old_key:
                cond["question"] = question["key"]


def _questions(data: Definition) -> list[dict[str, Any]]:
    return [q for section in data["sections"] for q in section["questions"]]


def move_question(data: Definition, key: str, delta: int) -> None:
    """One place up (-1) or down (+1); past a section's edge it joins the next section."""
    sections = data["sections"]
    s_index, q_index = _locate(data, key)
    questions = sections[s_index]["questions"]
    target = q_index + delta
    if 0 <= target < len(questions):
        questions[q_index], questions[target] = questions[target], questions[q_index]
        return
    neighbour = s_index + delta
    if 0 <= neighbour < len(sections):
        question = questions.pop(q_index)
        into = sections[neighbour]["questions"]
        into.insert(len(into) if delta < 0 else 0, question)


def remove_question(data: Definition, key: str) -> None:
    users = [
        q["key"] for q in _questions(data) if (q.get("condition") or {}).get("question") == key
    ]
    if users:
        raise QuestionnaireError(
            [f"Câu '{key}' là điều kiện của câu {', '.join(users)}; hãy sửa các câu đó trước."]
        )
    s_index, q_index = _locate(data, key)
    del data["sections"][s_index]["questions"][q_index]


def earlier_questions(data: Definition, key: str | None) -> list[dict[str, Any]]:
    """The questions before ``key`` (all of them for a new question): condition targets."""
    out: list[dict[str, Any]] = []
    for question in _questions(data):
        if question["key"] == key:
            break
        out.append(question)
    return out


def starter_definition(code: str, title: str) -> Definition:
    """A new questionnaire's first draft: one section with the officer rating question.

    A definition needs at least one question to be valid; the builder then edits it.
    """
    return {
        "code": nfc(code).upper(),
        "title": nfc(title),
        "sections": [
            {
                "key": "R",
                "title": "Đánh giá nhanh",
                "title_en": "Quick rating",
                "questions": [
                    {
                        "key": "officer_rating",
                        "type": "scale5",
                        "required": True,
                        "short": True,
                        "rates_officer": True,
                        "factor": "C",
                        "text": "Ông/Bà hài lòng thế nào với sự phục vụ của công chức?",
                        "text_en": "How satisfied are you with the officer who served you?",
                    }
                ],
            }
        ],
    }
