"""The domain's refusal: a rule said no. It carries a message and a code, no HTTP status."""

from __future__ import annotations

__all__ = ["DomainError", "NotPermitted"]


class DomainError(Exception):
    """A rule of the domain refused the request (the API answers 409)."""

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotPermitted(DomainError):
    """A rule says this person may not do this (the API answers 403)."""
