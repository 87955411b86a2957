"""One import service for the UI, the API and the CLI: parse, check, then write all or nothing.

``plan_files`` parses every file first; any error anywhere means nothing is written.
``apply_plan`` then creates questions, adds a version to a changed question with the same
external id, and leaves unchanged ones alone, so importing a file twice changes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.audit import record_audit
from app.bank import content, images
from app.bank.formats import FORMATS, detect_format, parse
from app.bank.formats.model import ParseResult, QuestionData, QuestionType
from app.extensions import db
from app.models import Account, Question, QuestionVersion, Topic, VersionState, utcnow

MAX_FILE_BYTES = 20 * 1024 * 1024
# Sub-folders of question_bank/ that hold other content (rubrics, citizen questionnaires).
NOT_QUESTIONS = {"rubrics", "questionnaires"}
SUFFIXES = {".xlsx", ".csv", ".gift", ".txt", ".xml", ".yaml", ".yml"}


@dataclass
class ImportReport:
    questions: list[QuestionData] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)  # {"file", "line", "message"}
    warnings: list[dict] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)  # Moodle XML pictures to store
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict:
        by_type = {t.value: 0 for t in QuestionType}
        for q in self.questions:
            by_type[q.type.value] += 1
        return {
            "questions": len(self.questions),
            "by_type": by_type,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def collect_files(path: Path) -> list[Path]:
    """The importable files under ``path`` (itself if a file), in a stable order."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file()
            and p.suffix.lower() in SUFFIXES
            and not NOT_QUESTIONS & set(p.relative_to(path).parts[:-1])
        )
    return [path]


def plan_files(
    files: list[tuple[str, bytes]], *, fmt: str = "auto", topic: str = ""
) -> ImportReport:
    """Parse and check every (name, bytes) pair; writes nothing."""
    report = ImportReport()
    for name, data in files:
        if len(data) > MAX_FILE_BYTES:
            report.errors.append(
                {
                    "file": name,
                    "line": 0,
                    "message": _("Tệp lớn hơn %(size)s MB.", size=MAX_FILE_BYTES // 2**20),
                }
            )
            continue
        try:
            kind = detect_format(name, data) if fmt == "auto" else fmt
        except ValueError as exc:
            report.errors.append({"file": name, "line": 0, "message": str(exc)})
            continue
        if kind not in FORMATS:
            report.errors.append(
                {"file": name, "line": 0, "message": _("Định dạng %(kind)s?", kind=kind)}
            )
            continue
        _add_result(report, name, parse(data, kind, filename=name), topic)
    if not report.questions and not report.errors:
        report.errors.append({"file": "", "line": 0, "message": _("Không có câu hỏi nào.")})
    _check_duplicate_ids(report)
    return report


def _add_result(report: ImportReport, name: str, result: ParseResult, topic: str) -> None:
    """Record one parsed file: its issues, then its questions (images resolved, sanitised)."""
    for issue in result.issues:
        target = report.errors if issue.severity == "error" else report.warnings
        target.append({"file": name, "line": issue.line, "message": issue.message})
    urls = _attachments(report, name, result.attachments)
    for q in result.questions:
        q, missing = images.rewrite_references(q, urls)
        for key in sorted(missing):
            message = _(
                "Dòng %(line)s: không tìm thấy ảnh %(key)s trong tệp.", line=q.line, key=key
            )
            report.warnings.append({"file": name, "line": q.line, "message": message})
        q = content.sanitise(q)
        if topic:
            q = dataclasses.replace(q, topic="/".join(filter(None, [topic, q.topic])))
        report.questions.append(q)


def _attachments(report: ImportReport, name: str, attachments: dict[str, bytes]) -> dict[str, str]:
    """Check a file's embedded images (errors go to the report); returns the URL per key."""
    urls, files, problems = images.plan_attachments(attachments)
    report.errors += [{"file": name, "line": 0, "message": message} for message in problems]
    report.images.update(files)
    return urls


def _check_duplicate_ids(report: ImportReport) -> None:
    seen: dict[str, int] = {}
    for q in report.questions:
        if q.external_id and q.external_id in seen:
            report.errors.append(
                {
                    "file": "",
                    "line": q.line,
                    "message": _("Mã câu hỏi %(code)s xuất hiện hai lần.", code=q.external_id),
                }
            )
        seen.setdefault(q.external_id, q.line)


def topic_for(path: str) -> Topic:
    """The topic at ``path`` ("A/B/C"), creating it and its parents as needed."""
    parent = None
    walked: list[str] = []
    for part in [p.strip() for p in (path or "Chưa phân loại").split("/") if p.strip()]:
        walked.append(part)
        full = "/".join(walked)
        topic = db.session.scalar(sa.select(Topic).where(Topic.full_path == full))
        if topic is None:
            topic = Topic(name=part, full_path=full, parent=parent)
            db.session.add(topic)
            db.session.flush()
        parent = topic
    return parent


def apply_plan(
    report: ImportReport, *, author: Account | None, approver: Account | None = None
) -> ImportReport:
    """Write the planned questions in the caller's transaction (ValueError if it has errors).

    New versions are drafts, unless the file marks them approved and ``approver`` (a
    reviewer other than the author) is given.
    """
    if not report.ok:
        raise ValueError(_l("Tệp có lỗi; không ghi dữ liệu nào."))
    images.queue_files(report.images)  # written only if the caller commits
    for q in report.questions:
        question = (
            db.session.scalar(sa.select(Question).where(Question.external_id == q.external_id))
            if q.external_id
            else None
        )
        digest = content.content_hash(q)
        if question is None and not q.external_id and _hash_exists(digest):
            report.unchanged += 1  # formats without ids: identical content is the same item
            continue
        if question is not None and question.latest.content_hash == digest:
            report.unchanged += 1
            continue
        if question is None:
            question = Question(external_id=q.external_id or None, topic=topic_for(q.topic))
            db.session.add(question)
            report.created += 1
        else:
            question.topic = topic_for(q.topic)
            report.updated += 1
        _add_version(question, q, digest, author, approver)
        _flag_near_duplicates(report, question, q)
    record_audit(
        "bank.import",
        after={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    return report


def _hash_exists(digest: str) -> bool:
    stmt = sa.select(QuestionVersion.id).where(QuestionVersion.content_hash == digest).limit(1)
    return db.session.scalar(stmt) is not None


def _add_version(
    question: Question,
    q: QuestionData,
    digest: str,
    author: Account | None,
    approver: Account | None,
) -> QuestionVersion:
    approve = q.status == "approved" and approver is not None and approver != author
    number = len(question.versions) + 1
    version = QuestionVersion(
        question=question,
        number=number,
        qtype=q.type.value,
        stem=q.stem,
        stem_fold=content.stem_key(q.stem),
        content=content.to_content(q),
        content_hash=digest,
        difficulty=q.difficulty.value if q.difficulty else None,
        tags=q.tags,
        positions=q.positions,
        sources=content.sources_json(q),
        note=q.note,
        author_id=author.id if author else None,
        state=VersionState.APPROVED if approve else VersionState.DRAFT,
        reviewer_id=approver.id if approve else None,
        reviewed_at=utcnow() if approve else None,
        review_note="Duyệt khi nhập ngân hàng câu hỏi" if approve else "",
    )
    db.session.add(version)
    db.session.flush()
    return version


def _flag_near_duplicates(report: ImportReport, question: Question, q: QuestionData) -> None:
    key = content.stem_key(q.stem)
    other = db.session.scalar(
        sa.select(Question.external_id)
        .join(QuestionVersion)
        .where(QuestionVersion.stem_fold == key, Question.id != question.id)
        .limit(1)
    )
    if other is not None:
        report.warnings.append(
            {
                "file": "",
                "line": q.line,
                "message": f"Nội dung gần trùng với câu {other or '(không mã)'}.",
            }
        )
