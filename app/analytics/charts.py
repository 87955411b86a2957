"""Charts drawn with matplotlib (Agg) as PNG or SVG, with alt text and a data table.

Vietnamese needs a font with the precomposed letters (ặ, ữ, ở …): DejaVu Sans ships with
matplotlib and has them all, so no system font is required; ``missing_glyphs`` proves it
for a given text. A chart is described by a ``ChartSpec``; the rendered bytes are cached
on disk under ``CHART_CACHE_DIR`` keyed by a hash of the spec, so a page view never
redraws a chart whose data has not changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from app.analytics.lazy import matplotlib_agg

FONT_FAMILY = "DejaVu Sans"
KINDS = ("bar", "hbar", "line")
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
PALETTE = ("#1f5f99", "#d9822b", "#3a8f5c", "#a23b72", "#6c757d")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartSpec:
    """What to draw. Values are plain numbers; ``percent`` formats the axis 0–100 %."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    value_label: str = ""
    percent: bool = False
    reference: float | None = None  # a horizontal (or vertical for hbar) line
    reference_label: str = ""
    intervals: tuple[tuple[float | None, float | None], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        for s in self.series:
            if len(s.values) != len(self.labels):
                raise ValueError(f"series {s.name!r} has {len(s.values)} values")

    def key(self) -> str:
        raw = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def alt_text(self) -> str:
        """A sentence a screen reader can read instead of the picture."""
        parts = []
        for s in self.series:
            shown = [
                f"{label}: {_format(v, self.percent)}"
                for label, v in zip(self.labels, s.values, strict=True)
            ]
            prefix = f"{s.name} — " if len(self.series) > 1 else ""
            parts.append(prefix + "; ".join(shown))
        ref = ""
        if self.reference is not None:
            ref = f" ({self.reference_label or 'mốc'}: {_format(self.reference, self.percent)})"
        return f"{self.title}. " + ". ".join(parts) + ref


def _format(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f} %" if percent else f"{value:.2f}".rstrip("0").rstrip(".")


def font_path() -> str:
    from matplotlib import font_manager

    return font_manager.findfont(FONT_FAMILY, fallback_to_default=False)


def missing_glyphs(text: str) -> set[str]:
    """Characters of ``text`` the chart font cannot draw (empty for Vietnamese)."""
    from matplotlib.ft2font import FT2Font

    charmap = FT2Font(font_path()).get_charmap()
    return {ch for ch in set(text) if not ch.isspace() and ord(ch) not in charmap}


def _draw(spec: ChartSpec):
    """A matplotlib ``Figure`` of the chart (not attached to pyplot, so thread-safe)."""
    matplotlib_agg()
    from matplotlib.figure import Figure

    height = 3.6 if spec.kind != "hbar" else max(2.4, 0.45 * len(spec.labels) + 1.2)
    fig = Figure(figsize=(7.2, height), dpi=100)
    ax = fig.add_subplot()
    scale = 100.0 if spec.percent else 1.0
    positions = list(range(len(spec.labels)))
    width = 0.8 / max(1, len(spec.series))
    for i, s in enumerate(spec.series):
        values = [float("nan") if v is None else v * scale for v in s.values]
        color = PALETTE[i % len(PALETTE)]
        offsets = [p + (i - (len(spec.series) - 1) / 2) * width for p in positions]
        if spec.kind == "line":
            ax.plot(positions, values, marker="o", color=color, label=s.name)
        elif spec.kind == "bar":
            ax.bar(offsets, values, width=width, color=color, label=s.name)
        else:
            ax.barh(offsets, values, height=width, color=color, label=s.name)
    _decorate(ax, spec, positions, scale)
    fig.tight_layout()
    return fig


def _decorate(ax, spec: ChartSpec, positions: list[int], scale: float) -> None:
    horizontal = spec.kind == "hbar"
    if spec.intervals and len(spec.series) == 1:
        lows = [
            (v or 0) * scale - (lo if lo is not None else v or 0) * scale
            for v, (lo, _hi) in zip(spec.series[0].values, spec.intervals, strict=True)
        ]
        highs = [
            (hi if hi is not None else v or 0) * scale - (v or 0) * scale
            for v, (_lo, hi) in zip(spec.series[0].values, spec.intervals, strict=True)
        ]
        xs, ys = (None, positions) if horizontal else (positions, None)
        values = [(v or 0) * scale for v in spec.series[0].values]
        ax.errorbar(
            values if horizontal else xs,
            ys if horizontal else values,
            xerr=[lows, highs] if horizontal else None,
            yerr=None if horizontal else [lows, highs],
            fmt="none",
            ecolor="#333333",
            capsize=3,
            linewidth=1,
        )
    if spec.reference is not None:
        line = ax.axvline if horizontal else ax.axhline
        line(
            spec.reference * scale,
            color="#b02a37",
            linestyle="--",
            linewidth=1.2,
            label=spec.reference_label or None,
        )
    (ax.set_yticks if horizontal else ax.set_xticks)(positions, spec.labels)
    if horizontal:
        ax.invert_yaxis()
    elif max((len(label) for label in spec.labels), default=0) > 8:
        ax.tick_params(axis="x", labelrotation=30)
    (ax.set_xlabel if horizontal else ax.set_ylabel)(spec.value_label)
    if spec.percent:
        (ax.set_xlim if horizontal else ax.set_ylim)(0, 100)
    ax.set_title(spec.title, fontsize=11)
    ax.grid(axis="x" if horizontal else "y", alpha=0.3)
    if len(spec.series) > 1 or spec.reference_label:
        ax.legend(fontsize=8, loc="best")


def render(spec: ChartSpec, fmt: str = "png") -> bytes:
    """The chart as PNG or SVG bytes (SVG keeps its text as paths: no font needed to view)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    with matplotlib_agg().rc_context(
        {"font.family": FONT_FAMILY, "svg.fonttype": "path", "svg.hashsalt": "onestop"}
    ):
        fig = _draw(spec)
        buffer = io.BytesIO()
        metadata = {"Software": None} if fmt == "png" else {"Date": None}
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()


def cached_render(spec: ChartSpec, fmt: str, cache_dir: str | os.PathLike | None) -> bytes:
    """``render`` through an on-disk cache (no cache when ``cache_dir`` is None)."""
    if cache_dir is None:
        return render(spec, fmt)
    path = Path(cache_dir) / f"{spec.key()}.{fmt}"
    if path.exists():
        return path.read_bytes()
    data = render(spec, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # atomic: a concurrent reader sees the old or the whole file
    return data


def spec_from_rows(
    kind: str, title: str, rows: Sequence[tuple[str, float | None]], **options
) -> ChartSpec:
    """A one-series chart from (label, value) rows."""
    labels = tuple(label for label, _v in rows)
    return ChartSpec(
        kind=kind,
        title=title,
        labels=labels,
        series=(Series(title, tuple(v for _l, v in rows)),),
        **options,
    )
