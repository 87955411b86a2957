"""Inter-rater reliability: Shrout & Fleiss ICCs and Krippendorff's alpha.

Ratings are a matrix ``ratings[n_targets, n_raters]`` with NaN for a missing rating.

* ICC(1,1), ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k) from the two-way ANOVA
  mean squares (Shrout & Fleiss 1979, Psychological Bulletin 86:420-428), with
  F-based confidence intervals (their eqs. for cases 1 and 3; for ICC(2,1) the
  Satterthwaite-style df ``v``; the k-rater bounds are McGraw & Wong 1996's, which
  equal the Spearman-Brown step-up of the single-rater bounds). Only targets rated
  by every rater are used; the number dropped is reported.
* Krippendorff's alpha (nominal, ordinal, interval) from the coincidence matrix,
  using every unit with at least two ratings (Krippendorff 2011, "Computing
  Krippendorff's Alpha-Reliability"); implemented in :mod:`app.analytics.krippendorff`
  and re-exported here.

Nothing is clipped: a negative ICC or alpha stays negative. What cannot be computed
is ``None`` with a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from app.analytics.krippendorff import (
    KrippendorffResult,
    Level,
    as_ratings_matrix,
    few_raters_reason,
    krippendorff_alpha,
)
from app.analytics.lazy import scipy_stats as _stats

__all__ = [
    "ICC_FORMS",
    "IccAnalysis",
    "IccEstimate",
    "KrippendorffResult",
    "Level",
    "describe_agreement",
    "icc",
    "krippendorff_alpha",
]

ICC_FORMS = ("icc1_1", "icc2_1", "icc3_1", "icc1_k", "icc2_k", "icc3_k")


@dataclass(frozen=True)
class IccEstimate:
    """One ICC form with its confidence interval (``None`` with ``reason`` if undefined)."""

    form: str
    value: float | None
    ci: tuple[float, float] | None
    reason: str | None = None


@dataclass(frozen=True)
class IccAnalysis:
    """All six Shrout & Fleiss ICCs on the targets rated by every rater."""

    n_targets: int
    n_raters: int
    n_dropped: int
    confidence: float
    estimates: dict[str, IccEstimate] = field(default_factory=dict)
    mean_squares: dict[str, float] = field(default_factory=dict)
    reason: str | None = None

    def value(self, form: str) -> float | None:
        """Return the point estimate of ``form`` (e.g. ``"icc2_1"``), or None."""
        return self.estimates[form].value


def _mean_squares(x: np.ndarray) -> dict[str, float]:
    n, k = x.shape
    grand = x.mean()
    rows, cols = x.mean(axis=1, keepdims=True), x.mean(axis=0, keepdims=True)
    return {
        "bms": float(k * ((rows - grand) ** 2).sum()) / (n - 1),
        "wms": float(((x - rows) ** 2).sum()) / (n * (k - 1)),
        "jms": float(n * ((cols - grand) ** 2).sum()) / (k - 1),
        "ems": float(((x - rows - cols + grand) ** 2).sum()) / ((n - 1) * (k - 1)),
    }


def _f_bounds(f0: float, df1: float, df2: float, confidence: float) -> tuple[float, float]:
    """Shrout & Fleiss FL = F0 / F(1-a/2; df1, df2), FU = F0 * F(1-a/2; df2, df1)."""
    q = 0.5 + confidence / 2.0
    return f0 / _stats().f.ppf(q, df1, df2), f0 * _stats().f.ppf(q, df2, df1)


def _ratio_forms(f0: float, df2: float, n: int, k: int, confidence: float) -> tuple:
    """Single and k-rater CIs for cases 1 and 3 from the F ratio ``f0``."""
    fl, fu = _f_bounds(f0, n - 1, df2, confidence)
    single = ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
    average = (1 - 1 / fl, 1 - 1 / fu)
    return single, average


def _icc2_ci(ms: dict[str, float], n: int, k: int, rho: float, confidence: float) -> tuple:
    """ICC(2,1) and ICC(2,k) bounds with Satterthwaite df (Shrout & Fleiss 1979)."""
    bms, jms, ems = ms["bms"], ms["jms"], ms["ems"]
    fj = jms / ems
    b = n * (1 + (k - 1) * rho) - k * rho
    v = (k - 1) * (n - 1) * (k * rho * fj + b) ** 2 / ((n - 1) * (k * rho * fj) ** 2 + b**2)
    q = 0.5 + confidence / 2.0
    f_low, f_up = _stats().f.ppf(q, n - 1, v), _stats().f.ppf(q, v, n - 1)
    base = k * jms + (k * n - k - n) * ems
    single = (
        n * (bms - f_low * ems) / (f_low * base + n * bms),
        n * (f_up * bms - ems) / (base + n * f_up * bms),
    )
    average = (
        n * (bms - f_low * ems) / (f_low * (jms - ems) + n * bms),
        n * (f_up * bms - ems) / (jms - ems + n * f_up * bms),
    )
    return single, average


def _point_estimates(ms: dict[str, float], n: int, k: int) -> dict[str, float]:
    bms, wms, jms, ems = (np.float64(ms[key]) for key in ("bms", "wms", "jms", "ems"))
    with np.errstate(all="ignore"):  # a zero denominator gives inf/NaN, reported as None
        return {
            "icc1_1": (bms - wms) / (bms + (k - 1) * wms),
            "icc2_1": (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n),
            "icc3_1": (bms - ems) / (bms + (k - 1) * ems),
            "icc1_k": (bms - wms) / bms,
            "icc2_k": (bms - ems) / (bms + (jms - ems) / n),
            "icc3_k": (bms - ems) / bms,
        }


def _intervals(ms: dict[str, float], values: dict, n: int, k: int, confidence: float) -> dict:
    """CIs per form; a degenerate F ratio (inf/NaN bound, v <= 0) gives ``None``."""
    cis: dict[str, tuple | None] = dict.fromkeys(ICC_FORMS)
    with np.errstate(all="ignore"):
        if ms["wms"] > 0:
            cis["icc1_1"], cis["icc1_k"] = _ratio_forms(
                ms["bms"] / ms["wms"], n * (k - 1), n, k, confidence
            )
        if ms["ems"] > 0:
            cis["icc3_1"], cis["icc3_k"] = _ratio_forms(
                ms["bms"] / ms["ems"], (n - 1) * (k - 1), n, k, confidence
            )
            cis["icc2_1"], cis["icc2_k"] = _icc2_ci(ms, n, k, values["icc2_1"], confidence)
    return {form: _finite(ci) for form, ci in cis.items()}


def _finite(ci: tuple | None) -> tuple[float, float] | None:
    if ci is None or not np.isfinite(np.asarray(ci, dtype=float)).all():
        return None
    return float(ci[0]), float(ci[1])


def _undefined_icc(n: int, k: int, dropped: int, confidence: float, reason: str) -> IccAnalysis:
    estimates = {form: IccEstimate(form, None, None, reason) for form in ICC_FORMS}
    return IccAnalysis(n, k, dropped, confidence, estimates, {}, reason)


def icc(
    ratings: np.ndarray | Sequence[Sequence[float | None]], confidence: float = 0.95
) -> IccAnalysis:
    """The six Shrout & Fleiss ICCs with confidence intervals.

    ``ratings[n_targets, n_raters]``; rows with a missing (NaN/None) rating are dropped
    and counted in ``n_dropped``. Returns an :class:`IccAnalysis`; every estimate is
    ``None`` with a reason for fewer than 2 raters, fewer than 2 complete targets or
    ratings that do not vary. A CI is ``None`` (with a reason) when its F ratio has a
    zero denominator (e.g. perfectly consistent raters).

    Raises ``ValueError`` for a non-2-D array, infinite values or a confidence
    level outside (0, 1).
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    data = as_ratings_matrix(ratings)
    complete = data[~np.isnan(data).any(axis=1)]
    n, k = complete.shape[0], data.shape[1]
    dropped = data.shape[0] - n
    if k < 2:
        return _undefined_icc(n, k, dropped, confidence, few_raters_reason(k))
    if n < 2:
        reason = (
            f"không tính được: chỉ có {n} người được mọi người chấm chấm đủ "
            "(needs at least 2 targets rated by every rater)"
        )
        return _undefined_icc(n, k, dropped, confidence, reason)
    if np.ptp(complete) == 0:
        reason = "không tính được: mọi điểm đều bằng nhau (all ratings are identical)"
        return _undefined_icc(n, k, dropped, confidence, reason)
    ms = _mean_squares(complete)
    if ms["bms"] == 0:
        reason = "không tính được: mọi người được chấm có cùng điểm trung bình (no target variance)"
        return _undefined_icc(n, k, dropped, confidence, reason)
    values = _point_estimates(ms, n, k)
    cis = _intervals(ms, values, n, k, confidence)
    return IccAnalysis(n, k, dropped, confidence, _estimates(values, cis), ms)


def _estimates(values: dict, cis: dict) -> dict[str, IccEstimate]:
    no_value = "không tính được: mẫu số bằng 0 (zero denominator)"
    no_ci = "không tính được khoảng tin cậy (confidence interval undefined, e.g. zero error)"
    out = {}
    for form in ICC_FORMS:
        value = float(values[form])
        if not np.isfinite(value):
            out[form] = IccEstimate(form, None, None, no_value)
        else:
            out[form] = IccEstimate(form, value, cis[form], None if cis[form] else no_ci)
    return out


def describe_agreement(value: float | None, kind: Literal["icc", "krippendorff"] = "icc") -> str:
    """A plain-language Vietnamese reading of an ICC or Krippendorff's alpha.

    ICC bands follow Koo & Li (2016): < 0.5 kém, 0.5-0.75 trung bình, 0.75-0.9 tốt,
    > 0.9 rất tốt. Krippendorff (2004): >= 0.8 đáng tin cậy, 0.667-0.8 chỉ dùng để
    kết luận tạm thời, < 0.667 không đáng tin cậy. ``None`` gives "không tính được".

    Raises ``ValueError`` for an unknown ``kind``.
    """
    if kind not in ("icc", "krippendorff"):
        raise ValueError(f"unknown kind {kind!r}")
    if value is None:
        return "không tính được (not computable)"
    if kind == "krippendorff":
        if value >= 0.8:
            return "đáng tin cậy: các người chấm thống nhất cao"
        if value >= 0.667:
            return "tạm chấp nhận: chỉ nên dùng để kết luận thận trọng"
        return "không đáng tin cậy: các người chấm chưa thống nhất"
    if value < 0.5:
        return "kém: mức độ thống nhất giữa các người chấm thấp"
    if value < 0.75:
        return "trung bình: mức độ thống nhất vừa phải"
    if value <= 0.9:
        return "tốt: các người chấm khá thống nhất"
    return "rất tốt: các người chấm rất thống nhất"
