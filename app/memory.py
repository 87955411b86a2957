"""Hand memory the process has freed back to the operating system now and then.

A worker's live objects stay level under load, yet its resident size creeps up: glibc's
malloc keeps what was freed in its arenas for reuse (bench/README.md, "Worker memory").
Every ``MALLOC_TRIM_EVERY`` requests (default 1,000; 0 turns it off) one response, once
it has been sent, calls ``malloc_trim(0)``, which returns the free pages of every arena.
It takes a few milliseconds and no request waits for it. Nothing happens on a C library
without ``malloc_trim`` (musl, macOS).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import threading

from flask import Flask, Response

_counter = itertools.count(1)
_lock = threading.Lock()
trims = 0  # how many times this process trimmed (for tests and diagnostics)


def _load_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None


_malloc_trim = _load_trim()


def trim() -> None:
    global trims
    with _lock:  # one trim at a time; the others skip theirs
        _malloc_trim(0)
        trims += 1


def init_app(app: Flask) -> None:
    every = int(app.config.get("MALLOC_TRIM_EVERY", 1000))
    if every <= 0 or _malloc_trim is None:
        return

    @app.after_request
    def _maybe_trim(response: Response) -> Response:
        if next(_counter) % every == 0:
            response.call_on_close(trim)
        return response
