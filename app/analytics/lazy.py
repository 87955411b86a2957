"""Heavy libraries imported on first use.

Importing scipy.stats and matplotlib takes seconds; every gunicorn worker, CLI command and
test process would pay it at start although most requests never compute a statistic or
draw a chart. Modules call these accessors at the point of use instead.
"""

from __future__ import annotations

from types import ModuleType


def scipy_stats() -> ModuleType:
    """The ``scipy.stats`` module."""
    from scipy import stats

    return stats


def matplotlib_agg() -> ModuleType:
    """The ``matplotlib`` package with the non-interactive Agg backend selected."""
    import matplotlib

    matplotlib.use("Agg")
    return matplotlib
