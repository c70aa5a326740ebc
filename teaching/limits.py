"""Caps that keep absurd numbers a clear 400 rather than a database overflow."""

MAX_ATTEMPTS = 100
MAX_MINUTES = 7 * 24 * 60
MAX_ID = 2**63 - 1
