"""gunicorn settings of one onestop-assess instance (see docs/deploy.md).

The systemd template ``onestop-assess@.service`` starts one instance per port with
``PORT=%i``; every value can be changed from the environment file without editing this.
Workers are threads inside a few processes: a request mostly waits on PostgreSQL, and each
process holds its own connection pool (at most ``threads`` connections in use at once).
"""

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
# workers of one instance never restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# X-Forwarded-Proto is trusted from these addresses only (the app itself reads the
# client's address through TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = f"onestop-assess-{_port}"
accesslog = "-"  # to the journal; nginx keeps the full access log
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss rid=%({x-request-id}i)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
