"""QR codes for channels: PNG / SVG (segno) and printable A5 / A6 posters as PDF.

Posters are drawn with matplotlib (Agg, DejaVu Sans has every Vietnamese letter) so the
app needs no outside service or font. A "receipt" size is a small code to print on the
dossier receipt.
"""

from __future__ import annotations

import io

import numpy as np
import segno

from app.analytics.lazy import matplotlib_agg

MM = 1 / 25.4
SIZES = {"a5": (148, 210), "a6": (105, 148)}
PNG_SCALE = {"receipt": 4, "a6": 8, "a5": 10}


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error="m", micro=False)


def qr_png(url: str, size: str = "receipt") -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=PNG_SCALE.get(size, 4), border=2)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue()


def poster_pdf(url: str, title: str, lines: list[str], size: str = "a5") -> bytes:
    """A one-page PDF: title, the QR code, the link in clear and a few lines of text."""
    matplotlib_agg()
    from matplotlib.figure import Figure  # a bare Figure, not pyplot: no global state

    width, height = SIZES.get(size, SIZES["a5"])
    fig = Figure(figsize=(width * MM, height * MM))
    scale = width / 148
    fig.text(0.5, 0.93, title, ha="center", va="top", fontsize=17 * scale, weight="bold", wrap=True)
    matrix = np.array([list(row) for row in qr_code(url).matrix], dtype=float)
    matrix = np.pad(matrix, 2)
    frac_h = 0.62 * width / height  # a square of 62 % of the page width
    ax = fig.add_axes((0.19, 0.84 - frac_h, 0.62, frac_h))
    ax.imshow(1 - matrix, cmap="gray", interpolation="nearest", vmin=0, vmax=1)
    ax.set_axis_off()
    y = 0.8 - frac_h
    for line in lines:
        fig.text(0.5, y, line, ha="center", va="top", fontsize=11 * scale, wrap=True)
        y -= 0.05
    fig.text(0.5, 0.06, url, ha="center", fontsize=9 * scale, family="monospace")
    out = io.BytesIO()
    fig.savefig(out, format="pdf")
    return out.getvalue()
