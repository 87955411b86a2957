"""Staff pages: the per-unit overview and the citizens' comments (masked)."""

from __future__ import annotations

from datetime import date

from flask import render_template, request

from app.access import Perm, requires
from app.surveys import bp, queries
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


@bp.route("/comments")
@requires(Perm.SURVEYS_VIEW)
def list_comments():
    """Free-text answers in scope, with phone numbers, e-mails and ID numbers masked."""
    return render_template("surveys/list_comments.html", rows=queries.comments_in_scope())


from app.surveys import (  # noqa: E402,F401
    routes_builder,
    routes_channels,
    routes_feedback,
    routes_paper,
    routes_posters,
)
