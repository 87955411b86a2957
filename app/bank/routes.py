"""Routes of the question bank (each concern lives in its own module)."""

from app.bank import (  # noqa: F401
    routes_browse,
    routes_edit,
    routes_import,
    routes_review,
    routes_topics,
)
