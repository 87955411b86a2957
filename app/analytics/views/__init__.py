"""The analytics pages: item analysis, pass rates, satisfaction statistics (``/analytics``).

The statistics themselves are the pure functions of ``app.analytics``; these modules load
the numbers with SQL, call them, and render tables, charts and downloads.
"""

from flask import Blueprint

bp = Blueprint("analytics", __name__, template_folder="../templates")

from app.analytics.views import routes_items, routes_rates, routes_satisfaction  # noqa: E402,F401
