"""deploy/gunicorn.conf.py limits glibc's malloc arenas before the workers are forked: each
thread of a worker otherwise gets an arena of its own, which keeps what was freed in it
(bench/README.md, "Worker memory")."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from bench.harness import ROOT

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)

# Load the configuration as gunicorn does (in the process that later starts threads), then
# let 6 threads allocate through malloc; count the 64 MB-aligned anonymous mappings, which
# are glibc's thread arenas.
PROBE = """
import runpy, sys, threading
if sys.argv[1] == "conf":
    runpy.run_path("deploy/gunicorn.conf.py")
barrier = threading.Barrier(6)
def work():
    barrier.wait()
    keep = [bytearray(4096) for _ in range(100)]
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(6)]
for t in threads: t.start()
for t in threads: t.join()
arenas = 0
for line in open("/proc/self/maps"):
    fields = line.split()
    start = int(fields[0].split("-")[0], 16)
    if len(fields) == 5 and start % (1 << 26) == 0:
        arenas += 1
print(arenas)
"""


def _thread_arenas(*, with_conf: bool, env_value: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    if env_value is not None:
        env["MALLOC_ARENA_MAX"] = env_value
    mode = "conf" if with_conf else "bare"
    result = subprocess.run(
        [sys.executable, "-c", PROBE, mode], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


def test_the_configuration_limits_the_workers_to_two_arenas():
    assert _thread_arenas(with_conf=False, env_value=None) >= 3  # glibc: one per thread
    assert _thread_arenas(with_conf=True, env_value=None) <= 1  # the main arena + 1


def test_zero_in_the_environment_gives_glibcs_default_back():
    assert _thread_arenas(with_conf=True, env_value="0") >= 3
