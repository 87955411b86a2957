"""Every MALLOC_TRIM_EVERY requests one response, once sent, returns freed memory to the OS."""

from __future__ import annotations

import platform

import pytest

from app import memory
from tests.conftest import make_app

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)


def test_every_nth_request_trims_after_its_response(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'app.sqlite3'}", MALLOC_TRIM_EVERY=3)
    client = app.test_client()
    before = memory.trims
    for _ in range(9):
        response = client.get("/healthz")
        response.close()  # what the WSGI server does once the body is sent
    assert memory.trims - before == 3


def test_zero_turns_it_off(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'app.sqlite3'}", MALLOC_TRIM_EVERY=0)
    client = app.test_client()
    before = memory.trims
    for _ in range(5):
        client.get("/healthz").close()
    assert memory.trims == before
