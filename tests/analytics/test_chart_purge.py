"""``flask analytics purge-charts``: old cached charts and specs go, recent ones and other
files stay, and a purged chart is simply drawn again."""

import os
import time
from pathlib import Path

from app.analytics.charts import cached_render, spec_from_rows


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 86400
    os.utime(path, (then, then))


def test_purge_deletes_only_old_cache_files(app):
    folder = Path(app.config["CHART_CACHE_DIR"])
    (folder / "specs").mkdir(parents=True, exist_ok=True)
    old = [folder / "a.png", folder / "b.svg", folder / "specs" / "c.json", folder / "d.12.tmp"]
    recent = [folder / "e.png", folder / "specs" / "f.json"]
    other = folder / "README.txt"
    for path in [*old, *recent, other]:
        path.write_bytes(b"x")
    for path in [*old, other]:
        _age(path, 10)
    result = app.test_cli_runner().invoke(args=["analytics", "purge-charts", "--days", "7"])
    assert result.exit_code == 0, result.output
    assert "4" in result.output
    assert [p.exists() for p in old] == [False] * 4
    assert all(p.exists() for p in recent)
    assert other.exists()  # not a cache file: never touched


def test_a_purged_chart_is_drawn_again(app):
    folder = Path(app.config["CHART_CACHE_DIR"])
    spec = spec_from_rows("bar", "Tỷ lệ đạt", [("Xã Long Hưng", 0.5)], percent=True)
    first = cached_render(spec, "svg", folder)
    cached = folder / f"{spec.key()}.svg"
    _age(cached, 30)
    assert app.test_cli_runner().invoke(args=["analytics", "purge-charts"]).exit_code == 0
    assert not cached.exists()
    assert cached_render(spec, "svg", folder) == first
    assert cached.exists()


def test_without_a_cache_folder_nothing_happens(app, tmp_path):
    original = app.config["CHART_CACHE_DIR"]
    app.config["CHART_CACHE_DIR"] = str(tmp_path / "missing")
    try:
        result = app.test_cli_runner().invoke(args=["analytics", "purge-charts"])
    finally:
        app.config["CHART_CACHE_DIR"] = original
    assert result.exit_code == 0
    assert not (tmp_path / "missing").exists()
