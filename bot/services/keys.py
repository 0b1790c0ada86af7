"""A user's own panel key: checked with `balance`, stored encrypted, forgotten on request.

The key only ever travels as a `SecretStr`; nothing here logs it or puts it in a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import SecretStr

from bot.panel import Balance, PanelClient, PanelRejected, PanelUnavailable
from bot.storage import Account, Database

# Panel keys are long random tokens; anything with spaces or far off that length is not one.
_KEY_SHAPE = re.compile(r"[\x21-\x7e]{8,256}")
# Text sent outside /connect is taken for a key only if it looks generated: one long word of
# letters and digits (dashes and underscores allowed) with both in it. Words, links and
# order numbers are not, so the bot never deletes them or sends them to the panel.
_PASTED_KEY_SHAPE = re.compile(r"(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_-]{20,256}")


def looks_like_key(text: str) -> bool:
    """Whether the text could be an API key: 8 to 256 printable ASCII characters, no spaces."""
    return _KEY_SHAPE.fullmatch(text) is not None


def looks_like_pasted_key(text: str) -> bool:
    """Whether text nobody asked for is most likely an API key pasted into the chat."""
    return looks_like_key(text) and _PASTED_KEY_SHAPE.fullmatch(text) is not None


@dataclass(frozen=True)
class Connected:
    """The panel accepted the key; it is stored and is now the user's account."""

    account: Account
    balance: Balance


@dataclass(frozen=True)
class KeyRefused:
    """The panel refused the key. Its words are not kept: a panel may quote part of the key."""


@dataclass(frozen=True)
class CannotCheck:
    """The panel gave no usable answer, so the key could not be checked; nothing was stored."""


ConnectResult = Connected | KeyRefused | CannotCheck


async def connect(db: Database, panel: PanelClient, user_id: int, key: SecretStr) -> ConnectResult:
    """Check the key with a `balance` request and, if the panel takes it, store it encrypted."""
    try:
        balance = await panel.balance(key)
    except PanelRejected:
        return KeyRefused()
    except PanelUnavailable:
        return CannotCheck()
    account = await db.accounts.connect_personal(user_id, key, balance.currency, balance.amount)
    return Connected(account, balance)


async def disconnect(db: Database, user_id: int) -> bool:
    """Forget the user's key (its orders stay); False when none was connected."""
    return await db.accounts.disconnect(user_id) is not None
