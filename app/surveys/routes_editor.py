"""The questionnaire builder pages: plain forms, one change per request, no JavaScript needed.

Each POST changes one thing of a draft (header, a section, a question, an order) through
``app.surveys.editor`` and commits; a published version is never changed here (the
request is refused and the page says to make a new draft). Perm: SURVEYS_MANAGE.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import Perm, requires
from app.extensions import db
from app.models import Questionnaire, QuestionnaireVersion
from app.surveys import bp, editor
from app.surveys import questionnaires as service
from app.surveys.definition import allowed_values, definition_of
from app.surveys.editor_forms import (
    FACTOR_LABELS,
    TYPE_LABELS,
    HeaderForm,
    NewQuestionnaireForm,
    QuestionForm,
    SectionForm,
    form_data,
    question_data,
)


def _draft_or_none(version_id: int) -> QuestionnaireVersion | None:
    """The draft to edit; None (with a message) when the version is frozen."""
    version = db.session.get(QuestionnaireVersion, version_id) or abort(404)
    if version.is_frozen:
        flash(_("Phiên bản đã ban hành không thể sửa; hãy tạo bản nháp mới."), "warning")
        return None
    return version


def _to_view(version_id: int):
    return redirect(url_for("surveys.view_version", version_id=version_id))


def _to_builder(version_id: int, anchor: str = ""):
    return redirect(url_for("surveys.build_version", version_id=version_id, _anchor=anchor or None))


def _save(version: QuestionnaireVersion, change: Callable[[dict], None], label: str) -> list[str]:
    """Apply and commit one change; the list of errors (nothing saved) when it is refused."""
    try:
        editor.apply_change(version, change, label)
    except service.QuestionnaireError as exc:
        db.session.rollback()
        return exc.errors
    db.session.commit()
    return []


def _flash_result(errors: list[str]) -> None:
    for error in errors:
        flash(error, "danger")
    if not errors:
        flash(_("Đã lưu bản nháp."), "success")


@bp.route("/questionnaires/build", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def build_questionnaire():
    """A new questionnaire from a code and a title; the builder opens on its first draft."""
    form = NewQuestionnaireForm()
    if form.validate_on_submit():
        code = form.code.data.upper()
        if db.session.scalar(sa.select(Questionnaire.id).where(Questionnaire.code == code)):
            form.code.errors.append(_("Đã có phiếu mang mã này."))
        else:
            data = editor.starter_definition(code, form.title.data)
            version = service.import_questionnaire(data, publish=False)
            db.session.commit()
            return _to_builder(version.id)
    return render_template("surveys/build_questionnaire.html", form=form)


@bp.route("/versions/<int:version_id>/copy", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def copy_version(version_id: int):
    """New draft copied from this version (or the questionnaire's existing draft)."""
    source = db.session.get(QuestionnaireVersion, version_id) or abort(404)
    latest = service.latest_version(source.questionnaire, published=False)
    draft = service.create_draft(source.questionnaire, source)
    db.session.commit()
    if draft is latest:
        flash(_("Phiếu này đã có một bản nháp; đang mở bản nháp đó."), "info")
    return _to_builder(draft.id)


@bp.route("/versions/<int:version_id>/builder")
@requires(Perm.SURVEYS_MANAGE)
def build_version(version_id: int):
    """The draft's sections and questions with a button for every change."""
    version = _draft_or_none(version_id)
    if version is None:
        return _to_view(version_id)
    data = definition_of(version)
    return render_template(
        "surveys/build_version.html",
        version=version,
        data=data,
        header=HeaderForm(data=data),
        section_form=SectionForm(),
        types=dict(TYPE_LABELS),
    )


@bp.route("/versions/<int:version_id>/builder/header", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def save_header(version_id: int):
    version = _draft_or_none(version_id)
    if version is None:
        return _to_view(version_id)
    form = HeaderForm()
    if form.validate_on_submit():
        _flash_result(_save(version, partial(editor.set_header, fields=form.data), "header"))
    else:
        _flash_form_errors(form)
    return _to_builder(version_id)


def _flash_form_errors(form) -> None:
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "danger")


@bp.route("/versions/<int:version_id>/builder/sections", methods=["POST"])
@requires(Perm.SURVEYS_MANAGE)
def add_section(version_id: int):
    version = _draft_or_none(version_id)
    if version is None:
        return _to_view(version_id)
    form = SectionForm()
    if form.validate_on_submit():
        change = partial(editor.save_section, old_key=None, fields=form.data)
        _flash_result(_save(version, change, f"section.add:{form.key.data}"))
    else:
        _flash_form_errors(form)
    return _to_builder(version_id, "add-section")


@bp.route("/versions/<int:version_id>/builder/sections/<key>", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def edit_section(version_id: int, key: str):
    version = _draft_or_none(version_id)
    if version is None:
        return _to_view(version_id)
    data = definition_of(version)
    section = next((s for s in data["sections"] if s["key"] == key), None) or abort(404)
    form = SectionForm(data=section)
    errors: list[str] = []
    if form.validate_on_submit():
        change = partial(editor.save_section, old_key=key, fields=form.data)
        errors = _save(version, change, f"section.edit:{key}")
        if not errors:
            flash(_("Đã lưu bản nháp."), "success")
            return _to_builder(version_id, f"s-{form.key.data}")
    page = render_template(
        "surveys/edit_section.html", version=version, form=form, key=key, errors=errors
    )
    return page, (422 if errors or form.errors else 200)


@bp.route(
    "/versions/<int:version_id>/builder/sections/<key>/<any(up, down, delete):action>",
    methods=["POST"],
)
@requires(Perm.SURVEYS_MANAGE)
def change_section(version_id: int, key: str, action: str):
    return _move_or_delete(version_id, "section", key, action)


# per kind of builder element: how to delete it, how to move it, its anchor on the page
_CHANGES = {
    "section": (editor.remove_section, editor.move_section, "s"),
    "question": (editor.remove_question, editor.move_question, "q"),
}


def _move_or_delete(version_id: int, kind: str, key: str, action: str):
    """Move a section or question of a draft up or down, or delete it; back to the builder."""
    version = _draft_or_none(version_id)
    if version is None:
        return _to_view(version_id)
    remove, move, anchor = _CHANGES[kind]
    if action == "delete":
        change = partial(remove, key=key)
    else:
        change = partial(move, key=key, delta=-1 if action == "up" else 1)
    _flash_result(_save(version, change, f"{kind}.{action}:{key}"))
    return _to_builder(version_id, "" if action == "delete" else f"{anchor}-{key}")


def _question_form(data: dict, key: str | None) -> QuestionForm:
    """The question form with its choices: sections, earlier questions, factors."""
    if key is None:
        form = QuestionForm(section=request.args.get("section", ""))
    else:
        section_key, question = editor.question_of(data, key)
        form = QuestionForm(data=form_data(section_key, question))
    form.section.choices = [(s["key"], f"{s['key']} — {s['title']}") for s in data["sections"]]
    earlier = editor.earlier_questions(data, key)
    form.cond_question.choices = [("", _("— luôn hiện —"))] + [
        (q["key"], f"{q['key']} — {q['text'][:70]}") for q in earlier
    ]
    if form.factor.data and form.factor.data not in dict(FACTOR_LABELS):
        form.factor.choices = [*FACTOR_LABELS, (form.factor.data, form.factor.data)]
    return form


def _condition_help(data: dict, key: str | None) -> list[tuple[str, str]]:
    """For each possible condition question: the values a condition on it may list."""
    out = []
    for q in editor.earlier_questions(data, key):
        allowed = allowed_values(q)
        out.append((q["key"], ", ".join(sorted(allowed)) if allowed else _("một số (từ … đến …)")))
    return out


def _edit_question(version: QuestionnaireVersion, key: str | None):
    data = definition_of(version)
    try:
        form = _question_form(data, key)
    except service.QuestionnaireError:
        abort(404)
    errors: list[str] = []
    if form.validate_on_submit():
        question = question_data(form)
        change = partial(
            editor.save_question, old_key=key, section_key=form.section.data, question=question
        )
        errors = _save(version, change, f"question.{'edit' if key else 'add'}:{question['key']}")
        if not errors:
            flash(_("Đã lưu câu hỏi %(key)s.", key=question["key"]), "success")
            return _to_builder(version.id, f"q-{question['key']}")
    page = render_template(
        "surveys/edit_question.html",
        version=version,
        form=form,
        key=key,
        errors=errors,
        condition_help=_condition_help(data, key),
    )
    return page, (422 if errors or form.errors else 200)


@bp.route("/versions/<int:version_id>/builder/questions/new", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def create_question(version_id: int):
    version = _draft_or_none(version_id)
    return _to_view(version_id) if version is None else _edit_question(version, None)


@bp.route("/versions/<int:version_id>/builder/questions/<key>", methods=["GET", "POST"])
@requires(Perm.SURVEYS_MANAGE)
def edit_question(version_id: int, key: str):
    version = _draft_or_none(version_id)
    return _to_view(version_id) if version is None else _edit_question(version, key)


@bp.route(
    "/versions/<int:version_id>/builder/questions/<key>/<any(up, down, delete):action>",
    methods=["POST"],
)
@requires(Perm.SURVEYS_MANAGE)
def change_question(version_id: int, key: str, action: str):
    return _move_or_delete(version_id, "question", key, action)
