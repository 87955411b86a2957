"""Numbers as a Vietnamese administrative text writes them: 1.234 and 58,3 %."""

from __future__ import annotations


def number(value: int) -> str:
    """1234 → "1.234" (a dot groups thousands)."""
    return f"{value:,}".replace(",", ".")


def decimal(value: float, digits: int = 2) -> str:
    """1234.5 → "1.234,50" (a comma before the decimals)."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: float | None, digits: int = 1) -> str:
    """0.583 → "58,3 %"; None → "—"."""
    return "—" if value is None else f"{decimal(value * 100, digits)} %"


def cell_text(value) -> str:
    """Any table value as text: numbers formatted as above, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return number(value)
    if isinstance(value, float):
        return decimal(value)
    return str(value)


def roman(n: int) -> str:
    """1 → "I", 4 → "IV", 9 → "IX" (section numbers of an administrative text)."""
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out
