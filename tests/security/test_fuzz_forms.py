"""hypothesis through every form page of ``url_map``: fill the page's own form with hostile
values, post it, and get a page back — never a 5xx — and, when the form is shown again with
its errors, nothing written (audit entries aside: a refused sign-in is audited on purpose).

Generated: every non-API rule that answers GET and POST, with its URL from the world, is
fetched as ``admin``; the form whose action is the page itself is parsed (inputs, text areas,
selects with their options) and filled with values drawn from hostile cells and, for
selects, the real options. Deterministic and bounded (a few examples per form).
"""

from __future__ import annotations

from html.parser import HTMLParser

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import login
from tests.security.test_fuzz_uploads import CELLS
from tests.security.urls import build_url
from tests.security.world import World, row_counts

FUZZ = settings(
    max_examples=3, derandomize=True, deadline=None, database=None,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
# sign-in pages: a refused attempt is audited and counted by design; tested in tests/auth
SKIP = {"auth.login", "auth.setup"}


class FormFields(HTMLParser):
    """The fields of the first POST form whose action is ``url`` (or empty)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url, self.inside, self.done = url, False, False
        self.fields: dict[str, list[str]] = {}  # name → options ([] for free text)
        self.fixed: dict[str, str] = {}  # hidden inputs (the CSRF token)
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done:
            action = (a.get("action") or self.url).split("?")[0]
            self.inside = (a.get("method") or "").lower() == "post" and action == self.url
        elif self.inside and tag in ("input", "textarea") and a.get("name"):
            if a.get("type") == "hidden":
                self.fixed[a["name"]] = a.get("value") or ""
            elif a.get("type") not in ("submit", "file", "button"):
                self.fields[a["name"]] = [a["value"]] if a.get("type") == "checkbox" else []
        elif self.inside and tag == "select" and a.get("name"):
            self._select = a["name"]
            self.fields[self._select] = []
        elif self.inside and tag == "option" and self._select and a.get("value") is not None:
            self.fields[self._select].append(a["value"] or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_of(client, url: str) -> FormFields | None:
    page = client.get(url)
    if page.status_code != 200 or page.mimetype != "text/html":
        return None
    parser = FormFields(url.split("?")[0])
    parser.feed(page.get_data(as_text=True))
    return parser if "csrf_token" in parser.fixed else None


def values_for(fields: dict[str, list[str]]):
    return st.fixed_dictionaries(
        {
            name: (st.sampled_from(options) | CELLS) if options else CELLS
            for name, options in fields.items()
        }
    )


def test_every_form_survives_hostile_values(app: Flask, client, world: World) -> None:
    login(client, "admin")
    failures, forms = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.rule.startswith("/api/") or not {"GET", "POST"} <= rule.methods:
            continue
        if rule.endpoint in SKIP:
            continue
        url = build_url(rule, world.args["in"])
        form = form_of(client, url)
        if form is None or not form.fields:
            continue
        forms += 1
        failures += fuzz_form(client, url, form)
    assert forms >= 20
    assert failures == [], "\n".join(failures)


def fuzz_form(client, url: str, form: FormFields) -> list[str]:
    failures: list[str] = []

    @given(data=values_for(form.fields))
    @FUZZ
    def run(data: dict[str, str]) -> None:
        before = _counts()
        response = client.post(url, data={**form.fixed, **data})
        if response.status_code >= 500:
            failures.append(f"{url} {data}: {response.status_code}")
        elif response.status_code in (200, 400, 422) and _counts() != before:
            failures.append(f"{url} {data}: refused ({response.status_code}) but wrote rows")

    run()
    return failures[:1]


def _counts() -> dict[str, int]:
    return {t: n for t, n in row_counts().items() if t != "audit_events"}
