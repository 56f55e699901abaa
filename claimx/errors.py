"""Typed errors. The library raises these and never prints or exits; the CLI maps them to
`claimx: error: PATH: reason` and an exit code, and batch runs record them and go on."""
from __future__ import annotations


class ClaimxError(Exception):
    """Base class of every error claimx raises on purpose."""

    kind = "error"


class InputError(ClaimxError):
    """An input could not be read as text. `path` names it as the user gave it."""

    kind = "input"

    def __init__(self, path: str, reason: str, kind: str | None = None):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        if kind:
            self.kind = kind


class UsageError(ClaimxError):
    """Bad options or configuration (exit code 2)."""

    kind = "usage"
