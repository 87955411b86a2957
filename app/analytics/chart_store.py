"""Chart specs remembered between a page and its <img> requests.

A report page computes its figures once; each chart image is a separate request. Rather
than running the SQL again for every image, the page stores each ``ChartSpec`` as JSON in
``CHART_CACHE_DIR`` under a key that hashes the spec *and* the caller's scope, and puts
the key in the image URL. The image route renders the stored spec when the key is found
and was stored for the same scope (so a URL passed to someone with another scope is
recomputed for theirs); otherwise it computes the spec again from the query string. The
image then shows exactly the numbers of the table beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict
from pathlib import Path

from flask import current_app

from app.analytics.charts import ChartSpec, Series

KEY_RE = re.compile(r"^[0-9a-f]{32}$")


def _folder() -> Path | None:
    folder = current_app.config.get("CHART_CACHE_DIR")
    return Path(folder) / "specs" if folder else None


def _key(spec: ChartSpec, scope: tuple[str, ...]) -> str:
    raw = json.dumps([spec.key(), list(scope)])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def remember(spec: ChartSpec, scope: tuple[str, ...]) -> str | None:
    """Store ``spec`` for callers with ``scope``; return its key (None without a cache)."""
    folder = _folder()
    if folder is None:
        return None
    key = _key(spec, scope)
    path = folder / f"{key}.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        body = {"scope": list(scope), "spec": asdict(spec)}
        tmp.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    return key


def recall(key: str | None, scope: tuple[str, ...]) -> ChartSpec | None:
    """The spec stored under ``key`` for the same ``scope``, else None."""
    folder = _folder()
    if folder is None or not key or not KEY_RE.match(key):
        return None
    try:
        body = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if body.get("scope") != list(scope):
        return None
    data = body["spec"]
    return ChartSpec(
        **{
            **data,
            "labels": tuple(data["labels"]),
            "series": tuple(Series(s["name"], tuple(s["values"])) for s in data["series"]),
            "intervals": tuple(tuple(pair) for pair in data["intervals"]),
        }
    )
