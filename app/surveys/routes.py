"""Staff pages: the per-unit overview, its downloads, and the citizens' comments (masked)."""

from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for

from app.access import Perm, requires
from app.exports.tables import table_download
from app.surveys import bp, exports, queries
from app.surveys.masking import mask_personal_data


@bp.app_template_filter("mask_pii")
def _mask(text: str | None) -> str:
    return mask_personal_data(text)


@bp.route("/")
@requires(Perm.SURVEYS_VIEW)
def overview():
    """Responses per unit in scope; ``?verified=1`` keeps only dossier-code responses."""
    verified_only = request.args.get("verified") == "1"
    since = _since(request.args.get("since", ""))
    rows = queries.counts_by_unit(verified_only=verified_only, since=since)
    return render_template(
        "surveys/overview.html", rows=rows, verified_only=verified_only, since=since
    )


def _since(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/export/<any(responses, distribution):what>.<any(xlsx, csv):fmt>")
@requires(Perm.SURVEYS_VIEW)
def export_table(what: str, fmt: str):
    """Responses (anonymous, month only) or answers per question, in scope, as XLSX / CSV."""
    options = {
        "verified_only": request.args.get("verified") == "1",
        "since": _since(request.args.get("since", "")),
    }
    if what == "responses":
        tables = exports.responses_table(**options, fmt=fmt)
    else:
        tables = [exports.distribution_table(**options)]
    return table_download(tables, fmt, f"khao-sat-{'phieu' if what == 'responses' else 'phan-bo'}")


@bp.route("/comments")
@requires(Perm.SURVEYS_VIEW)
def list_comments():
    """The old address of the comment list: the comment browser (filters, search, pages,
    the same masking) lives with the satisfaction statistics now."""
    return redirect(url_for("analytics.satisfaction_comments"), code=301)


from app.surveys import (  # noqa: E402,F401
    routes_builder,
    routes_channels,
    routes_dossiers,
    routes_editor,
    routes_feedback,
    routes_paper,
    routes_posters,
)
