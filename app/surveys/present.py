"""How questionnaires are shown to citizens: labels, language, and the JSON for kiosks."""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.models import QuestionnaireVersion, SurveyQuestion
from app.surveys.answers import form_questions

SCALE = [
    (1, _l("Rất không hài lòng"), "Very dissatisfied"),
    (2, _l("Không hài lòng"), "Dissatisfied"),
    (3, _l("Bình thường"), "Neutral"),
    (4, _l("Hài lòng"), "Satisfied"),
    (5, _l("Rất hài lòng"), "Very satisfied"),
]
SCALE_VI = ["Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"]
SCALE_EN = [en for _n, _vi, en in SCALE]


def english() -> bool:
    return str(get_locale()) == "en"


def pick(vi: str, en: str) -> str:
    """The English text on the English site when there is one, else the Vietnamese."""
    return en if english() and en else vi


def sections_with_questions(
    version: QuestionnaireVersion, short: bool
) -> list[tuple[dict, list[SurveyQuestion]]]:
    """(section, its questions in the chosen form) pairs, skipping empty sections."""
    questions = form_questions(version, short)
    out = []
    for section in version.sections:
        mine = [q for q in questions if q.section == section["key"]]
        if mine:
            out.append((section, mine))
    return out


def _question_json(q: SurveyQuestion) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": q.key,
        "type": q.qtype.value,
        "text": q.text,
        "text_en": q.text_en,
        "required": q.required,
        "rates_officer": q.rates_officer,
        "options": q.options,
        "condition": q.condition,
    }
    if q.min_value is not None:
        data["min"], data["max"] = q.min_value, q.max_value
    return data


def questionnaire_json(version: QuestionnaireVersion, short: bool) -> dict[str, Any]:
    """The questionnaire as the kiosk and other clients render it (both languages)."""
    return {
        "version_id": version.id,
        "code": version.code if hasattr(version, "code") else version.questionnaire.code,
        "title": version.title,
        "title_en": version.title_en,
        "intro": version.intro,
        "intro_en": version.intro_en,
        "short_form": short,
        "scale": SCALE_VI,
        "scale_en": SCALE_EN,
        "sections": [
            {**section, "questions": [_question_json(q) for q in questions]}
            for section, questions in sections_with_questions(version, short)
        ],
    }
