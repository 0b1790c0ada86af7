"""Callback data: short, typed, parsed in one place, and never carrying a name from the panel.

Data is `prefix:part:part…` (for example `svc:4242`, `ord:555000:refill`). Each feature owns
its prefixes (listed below so they never collide) and registers a handler for them with
`pattern(prefix)`. Whatever does not parse — stale buttons from before a restart, hand-made
data — is answered by the stale-button fallback, never a crash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.storage import parse_id

# Telegram rejects callback_data over 64 bytes.
MAX_CALLBACK_BYTES = 64
SEPARATOR = ":"

# Prefixes in use, one owner each.
LANGUAGE = "lang"  # lang:<code>
MENU = "menu"  # menu:<item>
CATEGORY_PAGE = "cats"  # cats:<page>
CATEGORY = "cat"  # cat:<category index>:<page>
SERVICE = "svc"  # svc:<service id>
ORDER_STEP = "ow"  # ow:<action>[:<arg>] inside the order walk (confirm carries the draft token)
ORDERS_PAGE = "ords"  # ords:<filter>:<page>
ORDER = "ord"  # ord:<local order id>:<action>
SETTINGS = "set"  # set:<setting>[:<value>]
ADMIN = "adm"  # adm:<action>:<arg>


@dataclass(frozen=True)
class CallbackData:
    """A parsed callback: its prefix and the parts after it."""

    prefix: str
    parts: tuple[str, ...]

    def int_part(self, index: int) -> int | None:
        """Return part `index` as a non-negative int, or None when missing or malformed."""
        return parse_id(self.parts[index]) if index < len(self.parts) else None

    def part(self, index: int) -> str | None:
        return self.parts[index] if index < len(self.parts) else None


def pack(prefix: str, *parts: str | int) -> str:
    """Build callback data; raise ValueError rather than let Telegram reject the button."""
    texts = [str(part) for part in parts]
    if any(SEPARATOR in text for text in texts):
        raise ValueError("callback parts must not contain the separator")
    data = SEPARATOR.join([prefix, *texts])
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes")
    return data


def unpack(data: str | None) -> CallbackData | None:
    """Split callback data into prefix and parts; None for empty data."""
    if not data:
        return None
    prefix, *parts = data.split(SEPARATOR)
    return CallbackData(prefix, tuple(parts))


def pattern(prefix: str) -> re.Pattern[str]:
    """The handler pattern matching exactly this prefix."""
    return re.compile(rf"^{re.escape(prefix)}(?:{SEPARATOR}|$)")


def exact(prefix: str, *parts: str | int) -> re.Pattern[str]:
    """The handler pattern matching exactly this data (for fixed buttons like `menu:help`)."""
    return re.compile(rf"^{re.escape(pack(prefix, *parts))}$")
