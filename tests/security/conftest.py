"""The world of the security suite: the demo plus objects inside and outside hr.xa's commune.

Built once per run on SQLite, then restored from its rows for each test (like ``demo_bank``).
The generated suites (matrix, CSRF, headers, XSS) send thousands of requests whose outcome
does not depend on the engine; the scope filters' SQL runs on both engines in each feature's
own tests (``tests/org``, ``tests/exams``, ``tests/hr``…).
"""

from __future__ import annotations

import pytest
from flask import Flask

from app.extensions import db
from tests.conftest import _capture_rows, _restore_rows
from tests.security.world import World, build_world

_WORLD: dict[str, tuple[World, list]] = {}


@pytest.fixture
def world(demo_bank: Flask) -> World:
    url = demo_bank.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("the generated security suites run on SQLite (tests/security/conftest.py)")
    if url in _WORLD:
        restore_world(demo_bank, _WORLD)
        return _WORLD[url][0]
    built = build_world()
    _WORLD[url] = (built, _capture_rows())
    return built


def restore_world(app: Flask, worlds: dict[str, tuple[World, list]]) -> None:
    """Put the world's rows back as they were when it was built."""
    db.session.remove()
    _restore_rows(app, worlds[app.config["SQLALCHEMY_DATABASE_URI"]][1])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out (rather than skip one by one) the PostgreSQL runs of the world-based tests."""
    dropped = [
        item
        for item in items
        if "world" in getattr(item, "fixturenames", ()) and "[postgresql" in item.nodeid
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]
