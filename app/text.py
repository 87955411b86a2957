"""Text hygiene for Vietnamese: NFC at every edge, diacritic folding, name sorting.

Every string that enters the system from a form, a file or the API goes through
``nfc``. Searches compare ``fold`` of both sides, so "nguyen van duc" finds
"Nguyễn Văn Đức". People are sorted by given name (the last word), then full name,
in Vietnamese alphabetical order (a < ă < â < b … d < đ …).
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet order; tones rank after the base letter (none, huyền, hỏi, ngã, sắc, nặng).
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_BASE_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def nfc(value: str | None) -> str:
    """Return ``value`` in Unicode NFC with surrounding whitespace removed ('' for None)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def squash(value: str | None) -> str:
    """NFC, then collapse runs of whitespace to one space."""
    return _SPACES.sub(" ", nfc(value))


def fold(value: str | None) -> str:
    """Lower-case, remove every diacritic (đ → d) and collapse spaces: the search key."""
    decomposed = unicodedata.normalize("NFD", squash(value).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _letter_key(ch: str) -> tuple[int, int]:
    """Rank one lower-case letter: (position of its base letter in the alphabet, tone)."""
    parts = unicodedata.normalize("NFD", ch)
    tone = 0
    base = parts[0]
    for mark in parts[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in _BASE_MARKS:
            base += mark
    base = unicodedata.normalize("NFC", base)
    if base in _ALPHABET:
        return (_ALPHABET.index(base) + 1, tone)
    if base.isdigit():
        return (0, int(base))
    return (100 + ord(base[0]), tone)


def collation_key(value: str | None) -> str:
    """Return an ASCII string whose byte order is Vietnamese alphabetical order.

    Stored in the database so both SQLite and PostgreSQL can ORDER BY it in SQL.
    Letters compare first; tones only break ties (as dictionaries do). The "!" separator
    sorts below every digit, so a prefix ("an") comes before its extensions ("anh").
    """
    text = squash(value).lower()
    letters: list[str] = []
    tones: list[str] = []
    for ch in text:
        if ch == " ":
            letters.append("00")
            continue
        rank, tone = _letter_key(ch)
        letters.append(f"{min(rank, 99):02d}")
        tones.append(str(tone))
    return "".join(letters) + "!" + "".join(tones)


def given_name(full_name: str) -> str:
    """The last word of a Vietnamese full name ("Nguyễn Văn Đức" → "Đức")."""
    words = squash(full_name).split(" ")
    return words[-1] if words else ""


def person_sort_key(full_name: str) -> str:
    """Sort key for people: given name first, then the whole name (both collated)."""
    return collation_key(given_name(full_name)) + "|" + collation_key(full_name)
