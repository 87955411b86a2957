"""Images in question texts: checked by their first bytes, stored under their SHA-256.

An upload is accepted only if its content starts like a PNG, JPEG, GIF or WebP file (the
name and the declared type are ignored) and is at most ``BANK_IMAGE_MAX_BYTES``. Files live
in ``UPLOAD_DIR/bank/<sha256>.<ext>``; the same picture uploaded twice is one file, so a
stored name never changes meaning and can be cached forever. Texts refer to images as
``/bank/images/<name>``, served to every signed-in user (examinees see images in stems).

Moodle XML carries its images inside the file (``@@PLUGINFILE@@/<key>`` references): the
importer checks them while planning, rewrites the references to their future URLs, and
queues the files, which are written only when the import's transaction commits — a dry run
or a failed import leaves no file behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.bank.formats.model import MatchPair, Option, QuestionData
from app.extensions import db

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
URL_PREFIX = "/bank/images/"
MIME_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
NAME_RE = re.compile(r"[0-9a-f]{64}\.(?:png|jpg|gif|webp)")
PLUGINFILE_RE = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#]+)")
LOCAL_RE = re.compile(re.escape(URL_PREFIX) + r"([0-9a-f]{64}\.(?:png|jpg|gif|webp))")
PENDING = "bank_pending_images"


class ImageError(ValueError):
    """The file is not an acceptable image; the message is shown to the user."""


def sniff(data: bytes) -> str | None:
    """The extension matching the file's magic bytes (png, jpg, gif, webp), else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def max_bytes() -> int:
    if has_app_context():
        return int(current_app.config.get("BANK_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES))
    return DEFAULT_MAX_BYTES


def image_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "bank"


def check_image(data: bytes, label: str = "") -> str:
    """The stored name ``<sha256>.<ext>`` of ``data``; raises ImageError if it is refused."""
    what = _("Tệp %(label)s", label=label) if label else _("Tệp")
    limit = max_bytes()
    if len(data) > limit:
        raise ImageError(_l("%(what)s lớn hơn %(size).3g MB.", what=what, size=limit / 2**20))
    ext = sniff(data)
    if ext is None:
        raise ImageError(_l("%(what)s không phải ảnh PNG, JPEG, GIF hay WebP.", what=what))
    return f"{hashlib.sha256(data).hexdigest()}.{ext}"


def image_url(name: str) -> str:
    return URL_PREFIX + name


def image_path(name: str) -> Path | None:
    """The file of a stored image name, or None for a malformed or unknown name."""
    if not NAME_RE.fullmatch(name):
        return None
    path = image_dir() / name
    return path if path.is_file() else None


def _write(path: Path, data: bytes) -> None:
    """Write atomically (temp file + rename), so a reader never sees half an image."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_image(data: bytes) -> str:
    """Check and store an uploaded image now; returns its name. Raises ImageError."""
    name = check_image(data)
    _write(image_dir() / name, data)
    return name


# --- texts ------------------------------------------------------------------------------


def map_texts(q: QuestionData, fn: Callable[[str], str]) -> QuestionData:
    """A copy of ``q`` with ``fn`` applied to every text a browser shows."""
    return dataclasses.replace(
        q,
        stem=fn(q.stem),
        general_feedback=fn(q.general_feedback),
        options=[Option(fn(o.text), o.credit, fn(o.feedback)) for o in q.options],
        numeric_answers=[
            dataclasses.replace(a, feedback=fn(a.feedback)) for a in q.numeric_answers
        ],
        pairs=[MatchPair(fn(p.prompt), fn(p.answer)) for p in q.pairs],
    )


def plan_attachments(
    attachments: dict[str, bytes],
) -> tuple[dict[str, str], dict[str, bytes], list[str]]:
    """Check Moodle attachments: (URL per key, bytes per stored name, error messages)."""
    urls: dict[str, str] = {}
    files: dict[str, bytes] = {}
    errors: list[str] = []
    for key, data in attachments.items():
        try:
            name = check_image(data, key)
        except ImageError as exc:
            errors.append(str(exc))
            continue
        urls[key], files[name] = image_url(name), data
    return urls, files, errors


def rewrite_references(q: QuestionData, urls: dict[str, str]) -> tuple[QuestionData, set[str]]:
    """``q`` with ``@@PLUGINFILE@@/key`` replaced by the image URLs; also the unknown keys."""
    missing: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        key = unquote(match.group(1))
        if key in urls:
            return urls[key]
        missing.add(key)
        return match.group(0)

    return map_texts(q, lambda text: PLUGINFILE_RE.sub(replace, text)), missing


def queue_files(files: dict[str, bytes]) -> None:
    """Write these images when the current transaction commits (dropped on rollback)."""
    if files:
        pending = db.session.info.setdefault(PENDING, {})
        pending.update({str(image_dir() / name): data for name, data in files.items()})


@sa.event.listens_for(Session, "after_commit")
def _write_pending(session: Session) -> None:
    for path, data in session.info.pop(PENDING, {}).items():
        try:
            _write(Path(path), data)
        except OSError:
            log.exception("could not store image %s", path)


@sa.event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(PENDING, None)


def export_attachments(
    questions: Iterable[QuestionData],
) -> tuple[list[QuestionData], dict[str, bytes]]:
    """For Moodle XML export: local image URLs back to ``@@PLUGINFILE@@`` plus their bytes."""
    files: dict[str, bytes] = {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        path = image_path(name)
        if path is None:
            return match.group(0)
        files[name] = path.read_bytes()
        return f"@@PLUGINFILE@@/{name}"

    out = [map_texts(q, lambda text: LOCAL_RE.sub(replace, text)) for q in questions]
    return out, files
