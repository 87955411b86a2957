"""Charts over HTTP: PNG or SVG from the on-disk chart cache, with the alt text in a header."""

from __future__ import annotations

from flask import Response, abort, current_app

from app.analytics.charts import FORMATS, ChartSpec, cached_render


def chart_response(spec: ChartSpec, fmt: str) -> Response:
    """The chart as an image response (404 for an unknown format)."""
    if fmt not in FORMATS:
        abort(404)
    data = cached_render(spec, fmt, current_app.config.get("CHART_CACHE_DIR"))
    response = Response(data, mimetype=FORMATS[fmt])
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
