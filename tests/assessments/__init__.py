"""Tests of communication-skill assessments (issue 5)."""
