"""Escape-aware text handling for GIFT.

GIFT marks structure with ``~ = # { } :`` and lets an author write them literally with a
backslash (``\\~`` …), ``\\n`` for a line break and ``\\\\`` for a backslash. ``Seg`` keeps the
raw text next to a *mask* of the same length in which every escape sequence is blanked out,
so the parser can search the mask for structure and cut the raw text at the same places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ESCAPABLE = "~=#{}:n\\"
_ESCAPE_RE = re.compile(r"\\[~=#{}:n\\]")
_SPECIAL = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:"}
FORMAT_NAMES = ("html", "moodle", "plain", "markdown")


def unescape(raw: str) -> str:
    """Turn GIFT escapes back into the characters they stand for."""
    return _ESCAPE_RE.sub(lambda m: "\n" if m[0][1] == "n" else m[0][1], raw)


def escape(text: str) -> str:
    """Escape every GIFT control character; line breaks become ``\\n``; CR is dropped."""
    out = "".join(_SPECIAL.get(ch, ch) for ch in text)
    return out.replace("\r", "").replace("\n", "\\n")


@dataclass(frozen=True)
class Seg:
    """A piece of raw GIFT text together with its escape mask."""

    raw: str
    mask: str

    @classmethod
    def of(cls, raw: str) -> Seg:
        return cls(raw, _ESCAPE_RE.sub("\0\0", raw))

    def __len__(self) -> int:
        return len(self.raw)

    def __getitem__(self, key: slice) -> Seg:
        return Seg(self.raw[key], self.mask[key])

    def __add__(self, other: Seg) -> Seg:
        return Seg(self.raw + other.raw, self.mask + other.mask)

    def find(self, sub: str, start: int = 0) -> int:
        return self.mask.find(sub, start)

    def rfind(self, sub: str) -> int:
        return self.mask.rfind(sub)

    def startswith(self, prefix: str) -> bool:
        return self.mask.startswith(prefix)

    def endswith(self, suffix: str) -> bool:
        return self.mask.endswith(suffix)

    def __contains__(self, sub: str) -> bool:
        return sub in self.mask

    def strip(self) -> Seg:
        # Escapes start with a backslash, never whitespace, so raw and mask strip alike.
        start = len(self.raw) - len(self.raw.lstrip())
        end = len(self.raw.rstrip())
        return self[start : max(start, end)]

    def split(self, sep: str, maxsplit: int = -1) -> list[Seg]:
        parts: list[Seg] = []
        start = 0
        while maxsplit < 0 or len(parts) < maxsplit:
            at = self.mask.find(sep, start)
            if at < 0:
                break
            parts.append(self[start:at])
            start = at + len(sep)
        parts.append(self[start:])
        return parts

    def text(self) -> str:
        """The unescaped, trimmed text."""
        return unescape(self.raw).strip()


def split_format(seg: Seg, default: str) -> tuple[str, Seg]:
    """Take a leading ``[html]``-style marker off ``seg``; unknown markers stay as text."""
    seg = seg.strip()
    if seg.startswith("["):
        end = seg.find("]")
        name = seg.mask[1:end] if end > 0 else ""
        if name in FORMAT_NAMES:
            return name, seg[end + 1 :]
    return default, seg


def text_with_format(seg: Seg, default: str) -> str:
    """The unescaped text of an answer or feedback, its format marker dropped."""
    return split_format(seg, default)[1].text()
