"""Helpers shared by the tests (never test modules themselves)."""
