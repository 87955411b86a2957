"""``flask analytics purge-charts [--days N]``: delete cached chart files nobody wrote lately.

Charts (PNG/SVG) and the chart specs that pages remember for their images live under
``CHART_CACHE_DIR``, keyed by a hash of their data, so every new figure adds files and
none is ever overwritten. Deleting an old one is always safe: the next request for it
draws it again (or computes its spec again from the page's query string). Run nightly
(``deploy/nightly.sh``). Registered on the ``analytics`` group by ``app.analytics.cli``.
"""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app

from app.analytics.cli import analytics_cli

CACHED_SUFFIXES = {".png", ".svg", ".json", ".tmp"}


def purge_chart_cache(folder: Path, older_than_days: float, now: float | None = None) -> int:
    """Delete cached chart files and specs under ``folder`` last written more than
    ``older_than_days`` ago; returns how many were deleted. Other files are left alone."""
    cutoff = (time.time() if now is None else now) - older_than_days * 86400
    deleted = 0
    for path in folder.rglob("*"):
        if path.suffix not in CACHED_SUFFIXES or not path.is_file():
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # another instance purged or replaced it meanwhile
            continue
    return deleted


@analytics_cli.command("purge-charts")
@click.option("--days", type=click.FloatRange(min=0), default=7, show_default=True)
def purge_charts_command(days: float) -> None:
    """Delete cached charts and chart specs not written in the last DAYS days."""
    folder = current_app.config.get("CHART_CACHE_DIR")
    if not folder or not Path(folder).is_dir():
        click.echo("Chưa có thư mục biểu đồ đệm (no chart cache folder): nothing to do.")
        return
    deleted = purge_chart_cache(Path(folder), days)
    click.echo(
        f"Đã xoá {deleted} tệp biểu đồ đệm cũ hơn {days:g} ngày (deleted old cached charts)."
    )
