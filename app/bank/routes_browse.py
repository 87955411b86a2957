"""Reading the bank: the browser, one question with its history and diffs, images, the
template download and the export."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from flask import abort, current_app, render_template, request, send_file
from flask_login import current_user

from app.access import Perm, authenticated, requires
from app.bank import bp, images, queries
from app.bank.content import from_version
from app.bank.formats import FORMATS, write
from app.bank.formats.tabular_template import xlsx_template
from app.bank.forms import DIFFICULTY_LABELS, FORMAT_LABELS, STATE_LABELS, TYPE_LABELS
from app.bank.render import diff_lines
from app.i18n import TZ
from app.models import VersionState

MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",  # Flask adds "; charset=utf-8" to text/* types
    "gift": "text/plain",
    "moodlexml": "application/xml",
    "yaml": "application/yaml; charset=utf-8",
}
SUFFIX = {"xlsx": "xlsx", "csv": "csv", "gift": "gift.txt", "moodlexml": "xml", "yaml": "yaml"}
LABELS = {"types": TYPE_LABELS, "states": STATE_LABELS, "difficulties": DIFFICULTY_LABELS}


@bp.route("/questions")
@requires(Perm.BANK_VIEW)
def list_questions():
    filters = queries.QuestionFilters.from_args(request.args)
    page = queries.paginate(
        queries.latest_versions(filters),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    ids = {v.author_id for v in page.items}
    return render_template(
        "bank/list_questions.html",
        page=page,
        filters=filters,
        topics=queries.topic_choices(),
        authors=queries.author_choices(),
        names=queries.account_names(ids),
        stats=queries.question_statistics([v.id for v in page.items]),
        formats=FORMAT_LABELS,
        can_edit=current_user.can(Perm.BANK_EDIT),
        **LABELS,
    )


@bp.route("/questions/<int:question_id>")
@requires(Perm.BANK_VIEW)
def view_question(question_id: int):
    question = queries.question_or_404(question_id)
    latest = question.latest
    ids = {v.author_id for v in question.versions} | {v.reviewer_id for v in question.versions}
    return render_template(
        "bank/view_question.html",
        question=question,
        latest=latest,
        data=from_version(latest, question.topic.full_path, question.external_id or ""),
        names=queries.account_names(ids),
        can_edit=current_user.can(Perm.BANK_EDIT),
        can_review=current_user.can(Perm.BANK_REVIEW),
        can_retire=latest.state is not VersionState.RETIRED
        and (current_user.can(Perm.BANK_EDIT) or current_user.can(Perm.BANK_REVIEW)),
        **LABELS,
    )


@bp.route("/questions/<int:question_id>/diff")
@requires(Perm.BANK_VIEW)
def diff_versions(question_id: int):
    question = queries.question_or_404(question_id)
    by_number = {v.number: v for v in question.versions}
    newest = question.latest.number
    a = request.args.get("a", max(newest - 1, 1), type=int)
    b = request.args.get("b", newest, type=int)
    if a not in by_number or b not in by_number:
        abort(404)
    return render_template(
        "bank/diff_versions.html",
        question=question,
        a=by_number[a],
        b=by_number[b],
        lines=diff_lines(by_number[a], by_number[b]),
    )


@bp.route("/images/<name>")
@authenticated
def image(name: str):
    """A stored image, to every signed-in user (examinees see images in stems)."""
    path = images.image_path(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=images.MIME_TYPES[path.suffix[1:]], max_age=31536000)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def download(data: bytes, fmt: str, stem: str):
    """A file download of ``data`` in ``fmt`` named ``stem`` + the right extension."""
    return send_file(
        BytesIO(data),
        mimetype=MIME[fmt],
        as_attachment=True,
        download_name=f"{stem}.{SUFFIX[fmt]}",
    )


@bp.route("/template")
@requires(Perm.BANK_VIEW)
def download_template():
    """The XLSX template (headers, examples, instructions sheet) or the CSV header line."""
    if request.args.get("kind") == "csv":
        return download(write([], "csv"), "csv", "mau-cau-hoi")
    return download(xlsx_template(), "xlsx", "mau-cau-hoi")


@bp.route("/export")
@requires(Perm.BANK_VIEW)
def export_questions():
    """The latest version of every question matching the browser's filters, as a file."""
    fmt = request.args.get("format", "xlsx")
    if fmt not in FORMATS:
        abort(404)
    return download(
        export_bytes(queries.QuestionFilters.from_args(request.args), fmt), fmt, export_name()
    )


def export_bytes(filters: queries.QuestionFilters, fmt: str) -> bytes:
    """The export file's content (Moodle XML embeds the images the texts show)."""
    questions = queries.export_selection(filters)
    if fmt == "moodlexml":
        questions, files = images.export_attachments(questions)
        return write(questions, fmt, attachments=files)
    return write(questions, fmt)


def export_name() -> str:
    return f"ngan-hang-cau-hoi-{datetime.now(TZ):%Y%m%d}"
