"""URL arguments for every rule of ``app.url_map``, from the objects of ``world.World``.

An argument is looked up by name, after the endpoint-specific renames below (the same name
means different objects in different blueprints: ``version_id`` is a question version in the
bank, a rubric version in assessments, a questionnaire version in surveys). A rule whose
arguments cannot all be built raises ``MissingArgument`` with its endpoint, so a new route
without an entry here fails the matrix by name.
"""

from __future__ import annotations

from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

# (endpoint or endpoint prefix, {url argument: world argument}); the first match wins
RENAMES: list[tuple[str, dict[str, str]]] = [
    ("exams.fix_item", {"version_id": "exam_version_id"}),
    ("api_exams.", {"item_id": "attempt_item_id"}),
    ("surveys.view_feedback", {"item_id": "feedback_id"}),
    ("surveys.poster", {"channel_id": "qr_channel_id"}),
    ("surveys.print_paper", {"channel_id": "paper_channel_id"}),
    ("surveys.edit_question", {"version_id": "survey_version_id", "key": "question_key"}),
    ("surveys.change_question", {"version_id": "survey_version_id", "key": "question_key"}),
    ("surveys.", {"version_id": "survey_version_id", "key": "section_key"}),
    ("api_surveys.", {"version_id": "survey_version_id"}),
    ("assessments.edit_sheet", {"person_id": "round_person_id"}),
    ("assessments.", {"version_id": "rubric_version_id"}),
    ("api_assessments.", {"version_id": "rubric_version_id"}),
    ("bank.image", {"name": "image_name"}),
    ("public_api.get_dossier", {"code": "dossier_code"}),
]

# fixed values of path arguments that name a format or a section, not an object
FIXED: dict[str, dict[str, str]] = {
    "analytics.exam_items_chart": {"fmt": "svg"},
    "analytics.export_exam_items": {"fmt": "csv"},
    "analytics.download_pass_rates": {"name": "summary", "fmt": "csv"},
    "analytics.chart_pass_rates": {"name": "trend", "fmt": "svg"},
    "analytics.export_question_items": {"fmt": "csv"},
    "analytics.download_satisfaction": {"name": "factors", "fmt": "csv"},
    "analytics.chart_satisfaction": {"name": "factors", "fmt": "svg"},
    "surveys.poster": {"size": "a6", "fmt": "svg"},
    "main.set_language": {"lang": "en"},
    "static": {"filename": "css/app.css"},
}


# query strings a GET needs to get past its input validation
QUERY: dict[str, str] = {"api_bank.export_questions": "?format=csv"}


# well-formed JSON bodies, so that a refused call is refused by its access rule, not its schema
BODIES: dict[str, dict] = {
    "api_exams.save_answer": {"response": "a", "seq": 1},
    "api_exams.finish_attempt": {"seq": 1},
    "api_assessments.revise_sheet": {"scores": {}, "reason": "thử"},
    "api_hr.post_decision": {"decision": "commend", "reason": "thử"},
}


class MissingArgument(LookupError):
    """No way to build an argument of a rule (the endpoint needs an entry in this module)."""


def _renames(endpoint: str) -> dict[str, str]:
    for prefix, renames in RENAMES:
        if endpoint == prefix or (prefix.endswith(".") and endpoint.startswith(prefix)):
            return renames
    return {}


def world_name(endpoint: str, argument: str) -> str:
    """The world's name for ``argument`` of ``endpoint``."""
    return _renames(endpoint).get(argument, argument)


def build_url(rule: Rule, values: dict[str, object]) -> str:
    """The rule's URL with ``values`` (one variant of the world); MissingArgument if not."""
    fixed = FIXED.get(rule.endpoint, {})
    args: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if name in fixed:
            args[name] = fixed[name]
        elif isinstance(converter, AnyConverter):
            args[name] = sorted(converter.items)[0]
        else:
            key = world_name(rule.endpoint, name)
            if key not in values:
                raise MissingArgument(f"{rule.endpoint}: no value for <{name}> ({key})")
            args[name] = values[key]
    built = rule.build(args, append_unknown=False)
    assert built is not None, rule.endpoint
    return built[1] + QUERY.get(rule.endpoint, "")
