"""Placeholder: filled by the analytics work in progress."""
