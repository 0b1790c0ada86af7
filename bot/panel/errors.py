"""Exceptions of the panel client; none of them ever carries the API key."""

from __future__ import annotations

import re

REDACTED = "***"
AUTH_HTTP_STATUSES = frozenset({401, 403})
# "Invalid API key", "bad apikey", "neworder.error.invalid_key", but not "Incorrect keywords".
_MENTIONS_KEY = re.compile(r"(?<![a-z])(?:api)?key(?![a-z])", re.IGNORECASE)


class PanelError(Exception):
    """Anything that kept a panel call from giving a usable answer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class PanelRejected(PanelError):
    """The panel answered `{"error": ...}`: it understood the request and refused it."""


class PanelAuthError(PanelRejected):
    """The panel refused the API key itself (invalid, disabled, missing)."""


class PanelUnavailable(PanelError):
    """No usable answer (HTML page, empty or non-JSON body, 5xx, timeout, connection error).

    For `add` this also means the request never left the bot: nothing was placed.
    """


class OrderOutcomeUnknown(PanelError):
    """`add` may have reached the panel but its answer was lost: the order may exist.

    Never resend the order automatically; the user must check their orders on the panel.
    """


def rejection(message: str, http_status: int) -> PanelRejected:
    """Build the exception for a panel's `{"error": message}`; the one bad-key classifier."""
    if http_status in AUTH_HTTP_STATUSES or _MENTIONS_KEY.search(message):
        return PanelAuthError(message)
    return PanelRejected(message)


