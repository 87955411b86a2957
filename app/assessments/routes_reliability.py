"""The calibration screen: inter-rater reliability per criterion, for a round or a rubric
version (pooled over the rounds on it in the caller's scope).

Every figure comes from :mod:`app.assessments.reliability` (which uses the pure functions
of :mod:`app.analytics.reliability`); what cannot be computed is shown with its reason.
"""

from __future__ import annotations

from flask import render_template, request

from app.access import Perm, requires
from app.analytics.reliability import ICC_FORMS
from app.assessments import bp, queries
from app.assessments.reliability import pooled_reliability, round_reliability

ICC_LABELS = {
    "icc1_1": "ICC(1,1)",
    "icc2_1": "ICC(2,1)",
    "icc3_1": "ICC(3,1)",
    "icc1_k": "ICC(1,k)",
    "icc2_k": "ICC(2,k)",
    "icc3_k": "ICC(3,k)",
}


@bp.route("/rounds/<int:round_id>/reliability")
@requires(Perm.ASSESS_MANAGE)
def view_reliability(round_id: int):
    """Per criterion: six ICCs with 95 % CIs, Krippendorff's alpha (three levels), reading."""
    rnd = queries.managed_round_or_404(round_id)
    return render_template(
        "assessments/view_reliability.html",
        rnd=rnd,
        version=rnd.rubric_version,
        rounds=[rnd],
        rel=round_reliability(rnd),
        forms=ICC_FORMS,
        labels=ICC_LABELS,
    )


@bp.route("/rubric-versions/<int:version_id>/reliability")
@requires(Perm.ASSESS_MANAGE)
def view_version_reliability(version_id: int):
    """The same figures pooled over this version's rounds in scope (``?calibration=1``:
    calibration rounds only)."""
    version = queries.rubric_version_or_404(version_id)
    calibration_only = request.args.get("calibration") == "1"
    rounds = queries.managed_rounds_on(version.id, calibration_only)
    return render_template(
        "assessments/view_reliability.html",
        rnd=None,
        version=version,
        rounds=rounds,
        calibration_only=calibration_only,
        rel=pooled_reliability(version.criteria, rounds),
        forms=ICC_FORMS,
        labels=ICC_LABELS,
    )
