"""The question bank: list and search, questions with their versions, create and edit (a new
version when the latest is frozen), four-eyes review actions, import (with dry run) and export.

The bank is province-wide: permissions are checked, no unit scope applies.
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from flask_smorest import Blueprint

from app.access import Perm, requires
from app.api.bank_schemas import (
    BankExportQuery,
    BankImportInput,
    BankImportReport,
    BankNoteInput,
    BankQuery,
    BankQuestionDetail,
    BankQuestionInput,
    BankQuestionPage,
    BankVersion,
    question_body,
    question_data,
    summary_body,
    version_body,
)
from app.api.schemas import ERRORS
from app.bank import editing, importer, queries, services
from app.bank.routes_browse import MIME, download, export_bytes, export_name
from app.bank.routes_import import dry_run
from app.errors import ApiError
from app.extensions import db
from app.models import Account, QuestionVersion

PREFIX = "/bank"
blp = Blueprint(
    "api_bank", __name__, description="Ngân hàng câu hỏi: phiên bản, thẩm định, nhập, xuất"
)


def _me() -> Account | None:
    return db.session.get(Account, current_user.account_id)


def _filters(args: dict) -> queries.QuestionFilters:
    return queries.QuestionFilters(
        topic_id=args["topic_id"],
        qtype=args["type"],
        state=args["state"],
        difficulty=args["difficulty"],
        author_id=args["author_id"],
        q=args["q"],
    )


def _invalid(exc: editing.EditError):
    db.session.rollback()
    return ApiError(422, "invalid_input", str(exc), {"errors": exc.errors})


@blp.route("/questions", methods=["GET"])
@blp.arguments(BankQuery, location="query")
@blp.response(200, BankQuestionPage)
@requires(Perm.BANK_VIEW)
def list_questions(args):
    """Latest version of each question; ``q`` searches stems ignoring case and diacritics."""
    page = queries.paginate(queries.latest_versions(_filters(args)), args["page"], args["per_page"])
    return {
        "items": [summary_body(v) for v in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


@blp.route("/questions/<int:question_id>", methods=["GET"])
@blp.response(200, BankQuestionDetail)
@blp.alt_response(404, schema=ERRORS["404"])
@requires(Perm.BANK_VIEW)
def get_question(question_id: int):
    """A question with every version, oldest first."""
    return question_body(queries.question_or_404(question_id).latest)


@blp.route("/questions", methods=["POST"])
@blp.arguments(BankQuestionInput)
@blp.response(201, BankQuestionDetail)
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_EDIT)
def create_question(body):
    """Create a question (version 1, draft); ``warnings`` lists near-duplicate stems."""
    try:
        version = editing.create_question(question_data(body), _me())
    except editing.EditError as exc:
        raise _invalid(exc) from exc
    warnings = editing.near_duplicates(version)
    db.session.commit()
    return question_body(version, warnings)


@blp.route("/questions/<int:question_id>", methods=["PUT"])
@blp.arguments(BankQuestionInput)
@blp.response(200, BankQuestionDetail)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_EDIT)
def update_question(body, question_id: int):
    """Replace the content: a new draft version if the latest is approved, retired, used or
    someone else's draft; the caller's own never-used draft is edited in place."""
    question = queries.question_or_404(question_id)
    try:
        version = editing.edit_question(question, question_data(body), _me())
    except editing.EditError as exc:
        raise _invalid(exc) from exc
    warnings = editing.near_duplicates(version)
    db.session.commit()
    return question_body(version, warnings)


def _review(version: QuestionVersion, action) -> QuestionVersion:
    try:
        action()
    except services.ReviewError as exc:
        db.session.rollback()
        raise ApiError(409, "review_refused", str(exc)) from exc
    db.session.commit()
    return version_body(version)


def _note_required(body: dict, what: str) -> str:
    note = body["note"].strip()
    if not note:
        raise ApiError(422, "invalid_input", what, {"note": [what]})
    return note


@blp.route("/versions/<int:version_id>/submit", methods=["POST"])
@blp.arguments(BankNoteInput)
@blp.response(200, BankVersion)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.BANK_EDIT)
def submit_version(body, version_id: int):
    """Hand a draft to the reviewers."""
    version = queries.version_or_404(version_id)
    return _review(version, lambda: services.submit_for_review(version))


@blp.route("/versions/<int:version_id>/approve", methods=["POST"])
@blp.arguments(BankNoteInput)
@blp.response(200, BankVersion)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@requires(Perm.BANK_REVIEW)
def approve_version(body, version_id: int):
    """Approve a version in review (409 if the caller wrote it)."""
    version = queries.version_or_404(version_id)
    reviewer = current_user.account_id
    return _review(
        version, lambda: services.approve(version, reviewer_id=reviewer, note=body["note"])
    )


@blp.route("/versions/<int:version_id>/return", methods=["POST"])
@blp.arguments(BankNoteInput)
@blp.response(200, BankVersion)
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_REVIEW)
def return_version(body, version_id: int):
    """Send a version back to its author; ``note`` (the reason) is required."""
    version = queries.version_or_404(version_id)
    note = _note_required(body, "Vui lòng ghi lý do trả lại.")
    reviewer = current_user.account_id
    return _review(
        version, lambda: services.return_to_author(version, reviewer_id=reviewer, note=note)
    )


@blp.route("/versions/<int:version_id>/retire", methods=["POST"])
@blp.arguments(BankNoteInput)
@blp.response(200, BankVersion)
@blp.alt_response(403, schema=ERRORS["403"])
@blp.alt_response(404, schema=ERRORS["404"])
@blp.alt_response(409, schema=ERRORS["409"])
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_VIEW)
def retire_version(body, version_id: int):
    """Take a version out of future exams (authors and reviewers); ``note`` is required."""
    if not (current_user.can(Perm.BANK_EDIT) or current_user.can(Perm.BANK_REVIEW)):
        abort(403)
    version = queries.version_or_404(version_id)
    note = _note_required(body, "Vui lòng ghi lý do ngừng sử dụng.")
    return _review(version, lambda: services.retire(version, note=note))


@blp.route("/import", methods=["POST"])
@blp.arguments(BankImportInput, location="form", content_type="multipart/form-data")
@blp.response(200, BankImportReport)
@blp.alt_response(422, schema=ERRORS["422"])
@requires(Perm.BANK_EDIT)
def import_questions(args):
    """Import one or more files (field ``file``), all or nothing. With ``dry_run=true``
    nothing is written; the report says what would be created, updated or unchanged.
    Invalid input answers 422 with the errors (file, line, message) in ``details``."""
    files = [(f.filename or "tep", f.read()) for f in request.files.getlist("file") if f]
    if not files:
        raise ApiError(422, "invalid_input", "Vui lòng gửi ít nhất một tệp (trường file).")
    report = importer.plan_files(files, fmt=args["format"], topic=args["topic"])
    if not report.ok:
        body = report.as_json()
        raise ApiError(422, "invalid_input", "Tệp có lỗi; không ghi dữ liệu nào.", body)
    if args["dry_run"]:
        dry_run(report, _me())
    else:
        importer.apply_plan(report, author=_me())
        db.session.commit()
    return report.as_json() | {"dry_run": args["dry_run"]}


FILE = {"schema": {"type": "string", "format": "binary"}}
YAML = {"schema": {"description": "a YAML document (parsed, any value)"}}


@blp.route("/export", methods=["GET"])
@blp.arguments(BankExportQuery, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
@blp.doc(
    responses={
        "200": {
            "description": "The file, in the format's own media type",
            "content": {m.split(";")[0]: YAML if "yaml" in m else FILE for m in MIME.values()},
        }
    }
)
@requires(Perm.BANK_VIEW)
def export_questions(args):
    """The latest version of every matching question as a file in ``format``."""
    return download(export_bytes(_filters(args), args["format"]), args["format"], export_name())
