"""Writing questions: the editor (new / edit, server-side preview), image upload, and
handing a draft to the reviewers."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Perm, requires
from app.bank import bp, editing, images, queries, services
from app.bank.content import from_version
from app.bank.form_data import form_values, question_from_form
from app.bank.formats.model import QuestionData, QuestionType
from app.bank.forms import CHOICE_TYPES, TYPE_LABELS, NoteForm, QuestionForm
from app.bank.queries import question_or_404, version_or_404
from app.extensions import db
from app.models import Account, Question, Topic

ROW_LISTS = ("options", "numeric", "pairs", "sources")
FIELD_AREAS = {"stem": "stem", "external_id": "external_id", "topic": "topic_id"}


def _me() -> Account | None:
    return db.session.get(Account, current_user.account_id)


@bp.route("/questions/new", methods=["GET", "POST"])
@requires(Perm.BANK_EDIT)
def new_question():
    form = QuestionForm()
    if not form.is_submitted() and request.args.get("type") in {t.value for t in QuestionType}:
        form.qtype.data = request.args["type"]
    if not form.is_submitted() and request.args.get("topic", type=int):
        form.topic_id.data = request.args.get("topic", type=int)
    return _editor(form, None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Perm.BANK_EDIT)
def edit_question(question_id: int):
    question = question_or_404(question_id)
    if request.method == "POST":
        form = QuestionForm()
    else:
        latest = question.latest
        data = from_version(latest, question.topic.full_path, question.external_id or "")
        form = QuestionForm(data=form_values(data, question.topic_id))
    return _editor(form, question)


def _editor(form: QuestionForm, question: Question | None):
    form.topic_id.choices = [(0, _("— chọn chủ đề —")), *queries.topic_choices()]
    errors: dict[str, list[str]] = {}
    preview = None
    if form.is_submitted():
        valid = form.validate()
        _attach_image(form)
        q, errors = question_from_form(form, _topic_path(form))
        preview = q
        wants_save = form.save.data and not request.form.get("add")
        if wants_save and valid and not errors and not form.image.errors:
            saved = _save(q, question, errors)
            if saved is not None:
                return saved
        _add_row(form)
        _show_errors(form, errors)
    elif question is not None:
        preview = from_version(question.latest, question.topic.full_path, "")
    return render_template(
        "bank/edit_question.html",
        form=form,
        question=question,
        preview=preview,
        errors=errors,
        types=TYPE_LABELS,
        choice_types=[t.value for t in CHOICE_TYPES],
        positions=queries.known_positions(),
        in_place=question is not None and editing.is_editable_in_place(question.latest, _me()),
    )


def _topic_path(form: QuestionForm) -> str:
    if (form.new_topic.data or "").strip():
        return form.new_topic.data
    topic = db.session.get(Topic, form.topic_id.data) if form.topic_id.data else None
    return topic.full_path if topic else ""


def _attach_image(form: QuestionForm) -> None:
    """Without JS, the chosen image is stored and appended to the stem on any submit."""
    upload = form.image.data
    if not upload or not getattr(upload, "filename", ""):
        return
    try:
        name = images.save_image(upload.stream.read(images.max_bytes() + 1))
    except images.ImageError as exc:
        form.image.errors = [*form.image.errors, str(exc)]
        return
    form.stem.data = (form.stem.data or "") + f'<p><img src="{images.image_url(name)}" alt=""></p>'
    form.stem.raw_data = [form.stem.data]


def _add_row(form: QuestionForm) -> None:
    target = request.form.get("add", "")
    if target in ROW_LISTS:
        rows = getattr(form, target)
        if len(rows.entries) < (rows.max_entries or 26):
            rows.append_entry()


def _show_errors(form: QuestionForm, errors: dict[str, list[str]]) -> None:
    for area, field_name in FIELD_AREAS.items():
        if errors.get(area):
            field = getattr(form, field_name)
            field.errors = [*field.errors, *errors.pop(area)]


def _save(q: QuestionData, question: Question | None, errors: dict[str, list[str]]):
    """Create or edit; on success commit and redirect, else fill ``errors`` and return None."""
    try:
        if question is None:
            version = editing.create_question(q, _me())
        else:
            version = editing.edit_question(question, q, _me())
    except editing.EditError as exc:
        db.session.rollback()
        errors.update(exc.errors)
        return None
    warnings = editing.near_duplicates(version)
    db.session.commit()
    flash(_("Đã lưu phiên bản %(n)d.", n=version.number), "success")
    for warning in warnings:
        flash(warning, "warning")
    return redirect(url_for("bank.view_question", question_id=version.question_id))


@bp.route("/images", methods=["POST"])
@requires(Perm.BANK_EDIT)
def upload_image():
    """Store an image for the editor; JSON ``{"url": …}`` (201) or ``{"error": …}`` (422)."""
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        return jsonify({"error": _("Vui lòng chọn một tệp ảnh.")}), 422
    try:
        name = images.save_image(upload.stream.read(images.max_bytes() + 1))
    except images.ImageError as exc:
        return jsonify({"error": str(exc)}), 422
    return jsonify({"url": images.image_url(name), "name": name}), 201


@bp.route("/versions/<int:version_id>/submit", methods=["POST"])
@requires(Perm.BANK_EDIT)
def submit_version(version_id: int):
    version = version_or_404(version_id)
    NoteForm().validate_on_submit()
    try:
        services.submit_for_review(version)
    except services.ReviewError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(_("Đã gửi phiên bản %(n)d đi thẩm định.", n=version.number), "success")
    return redirect(url_for("bank.view_question", question_id=version.question_id))
