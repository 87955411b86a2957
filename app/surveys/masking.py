"""Masking personal data in citizens' free text before staff see it.

Citizens are asked not to write personal details, and some still do. What is stored
stays as written (the citizen's words); every staff screen and export shows it through
``mask_personal_data``, which hides e-mail addresses, phone numbers and identity-document
numbers (CCCD 12 digits, CMND 9 digits, passports). The result is plain text: templates
escape it like any other text.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Vietnamese phone numbers: 0 or +84 / 84, then 8–10 digits, with spaces, dots or dashes.
PHONE = re.compile(r"(?<!\w)(?:\(?\+?84\)?|0)(?:[\s.\-]?\d){8,10}(?!\w)")
# Any other run of 9–12 digits (identity cards), or a passport number (letter + 7–8 digits).
ID_NUMBER = re.compile(r"(?<!\w)(?:\d(?:[\s.\-]?\d){8,11}|[A-Za-z]\d{7,8})(?!\w)")

EMAIL_MASK = "[email đã ẩn]"
PHONE_MASK = "[số điện thoại đã ẩn]"
ID_MASK = "[số giấy tờ đã ẩn]"


def mask_personal_data(text: str | None) -> str:
    """``text`` with e-mails, phone numbers and ID-document numbers replaced by labels."""
    if not text:
        return ""
    text = EMAIL.sub(EMAIL_MASK, text)
    text = PHONE.sub(PHONE_MASK, text)
    return ID_NUMBER.sub(ID_MASK, text)
