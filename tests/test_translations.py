"""Every user-facing string in the code has an English translation in app/translations/en."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}


def test_english_catalog_covers_every_message():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.string}
    found = {
        (msg if isinstance(msg, str) else msg[0])
        for _file, _line, msg, _comments, _ctx in extract_from_dir(
            str(ROOT / "app"), METHOD_MAP, keywords=KEYWORDS
        )
    }
    missing = sorted(found - translated)
    assert missing == [], f"add English translations (pybabel update): {missing[:10]}"
