"""gunicorn settings of one onestop-assess instance (see docs/deploy.md).

The systemd template ``onestop-assess@.service`` starts one instance per port with
``PORT=%i``; every value can be changed from the environment file without editing this.
Workers are threads inside a few processes: a request mostly waits on PostgreSQL, and each
process holds its own connection pool (at most ``threads`` connections in use at once).
"""

import contextlib
import ctypes
import ctypes.util
import os

_port = os.environ.get("PORT", "8001")
# 127.0.0.1 when nginx runs on the same host; the host's private address otherwise (and
# then a firewall that lets only the nginx host reach this port).
bind = f"{os.environ.get('BIND_HOST', '127.0.0.1')}:{_port}"
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60  # a silent worker is killed and replaced after this long
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 5  # nginx keeps its upstream connections open (``keepalive`` in the upstream)
# Recycle workers now and then (bounded memory even if something grows); jitter so the
# workers of one instance never restart together. A worker's RSS creeps up 15-25 MB/h under
# load after its first minutes (free memory the allocators keep, not live objects;
# bench/README.md, "Worker memory"): 5,000 requests is a quarter of an hour on exam day.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500


def _limit_malloc_arenas() -> None:
    """At most ``MALLOC_ARENA_MAX`` glibc malloc arenas (default 2, 0: glibc's 8 per core).

    Each thread otherwise gets an arena of its own, and each keeps the memory freed in it:
    2 arenas ended the soak 10 MB lower per worker. glibc reads the variable only when a
    process starts, so it is also applied here, in the master, before the workers are forked
    (they inherit it). Nothing happens on a C library without ``mallopt``.
    """
    m_arena_max = -8  # from glibc's malloc.h
    with contextlib.suppress(OSError, AttributeError, ValueError):
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(m_arena_max, int(os.environ.get("MALLOC_ARENA_MAX", "2")))


_limit_malloc_arenas()
# X-Forwarded-Proto is trusted from these addresses only (the app itself reads the
# client's address through TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = f"onestop-assess-{_port}"
accesslog = "-"  # to the journal; nginx keeps the full access log
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss rid=%({x-request-id}i)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
