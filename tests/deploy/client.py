"""A minimal cookie-keeping HTTP client over ``http.client`` for tests against real servers.

One ``Browser`` may talk to several instances on different loopback ports with the same
cookies, as a browser does behind one nginx host name. Redirects are not followed, so
tests can assert on them.
"""

from __future__ import annotations

import http.client
import json
import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from tests.helpers import CSRF_RE, DEMO_PASSWORD


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    def json(self) -> Any:
        return json.loads(self.body)

    def csrf_token(self) -> str:
        match = CSRF_RE.search(self.text)
        assert match, f"no CSRF token in the page ({self.status})"
        return match.group(1)


class Browser:
    """Cookies shared by every port it talks to; no redirects followed."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        *,
        form: dict | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        data = None
        if form is not None:
            data = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=data, headers=sent)
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            conn.close()
        for raw in reply.headers.get_all("Set-Cookie") or []:
            self._keep(raw)
        return reply

    def _keep(self, raw: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(raw)
        for name, morsel in jar.items():
            if morsel.value and morsel["max-age"] != "0":
                self.cookies[name] = morsel.value
            else:  # the server deleted it
                self.cookies.pop(name, None)

    def get(self, port: int, path: str) -> Reply:
        return self.request(port, "GET", path)

    def login(self, port: int, username: str, password: str = DEMO_PASSWORD) -> Reply:
        token = self.get(port, "/auth/login").csrf_token()
        form = {"username": username, "password": password, "csrf_token": token}
        return self.request(port, "POST", "/auth/login", form=form)


def attempt_id_from(location: str) -> int:
    match = re.search(r"/exams/attempts/(\d+)", location)
    assert match, f"not an attempt page: {location!r}"
    return int(match.group(1))
