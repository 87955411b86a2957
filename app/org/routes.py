"""Routes of the organisation module (units and people live in their own modules)."""

from app.org import routes_people, routes_units  # noqa: F401
