"""Uploads waiting for the author's confirmation, in ``UPLOAD_DIR/bank-imports/<token>/``.

The preview and the confirmation both re-plan from these stored bytes, so what is
confirmed is exactly what was previewed. A folder is deleted after its confirmation, or
when it is older than a day (checked whenever the import page is opened).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
MAX_AGE_SECONDS = 24 * 3600


@dataclass
class PendingImport:
    token: str
    files: list[tuple[str, bytes]]  # (original name, bytes)
    fmt: str
    topic: str
    account_id: int


def root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "bank-imports"


def _folder(token: str) -> Path | None:
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    return root() / token


def save_pending(files: list[tuple[str, bytes]], fmt: str, topic: str, account_id: int) -> str:
    """Store an upload; returns the random token that names it."""
    token = secrets.token_urlsafe(24)
    folder = root() / token
    folder.mkdir(parents=True)
    for index, (_name, data) in enumerate(files):
        (folder / f"{index:03d}.bin").write_bytes(data)
    meta = {
        "names": [name for name, _data in files],
        "fmt": fmt,
        "topic": topic,
        "account_id": account_id,
    }
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return token


def load_pending(token: str, account_id: int) -> PendingImport | None:
    """The upload ``token`` of ``account_id``, or None (unknown, expired or someone else's)."""
    folder = _folder(token)
    if folder is None or not (folder / "meta.json").is_file():
        return None
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("account_id") != account_id:
        return None
    files = [
        (name, (folder / f"{index:03d}.bin").read_bytes())
        for index, name in enumerate(meta["names"])
    ]
    return PendingImport(token, files, meta["fmt"], meta["topic"], account_id)


def delete_pending(token: str) -> None:
    folder = _folder(token)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def purge_old(max_age: float = MAX_AGE_SECONDS) -> int:
    """Delete uploads older than ``max_age`` seconds; returns how many were deleted."""
    base = root()
    if not base.is_dir():
        return 0
    cutoff = time.time() - max_age
    old = [p for p in base.iterdir() if p.is_dir() and p.stat().st_mtime < cutoff]
    for folder in old:
        shutil.rmtree(folder, ignore_errors=True)
    return len(old)
