"""HR tests reuse the exam fixtures (the demo exam, open now)."""

from tests.exams.conftest import exam  # noqa: F401 - a fixture
