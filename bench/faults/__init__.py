"""Fault injection under load (``make faults``, ``python -m bench.faults``).

A mixed load (``load``, ``users``: officers, kiosks, QR phones, report readers, each
resending as real clients do) runs against gunicorn while a scenario breaks something on
private services (``services``: PostgreSQL on 5499, Redis on 6399, a tmpfs) and lifts it;
``common.judge`` then asserts nothing acknowledged was lost or doubled and the system
recovered by itself. Scenarios: ``scenarios`` (worker kill -9, PostgreSQL restart, Redis
stop), ``sqlite_faults`` (disk full, read-only), ``backup`` (backup during writes, restore
into a fresh instance). ``bench/soak.py`` uses the same load without faults.
"""
