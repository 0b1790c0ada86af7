"""Sending messages the user did not ask for (status changes, alerts) without ever stopping a loop.

Every such message is a bulk send: the application's `BulkRateLimiter` (`bot.rate_limit`)
paces them within Telegram's limits (30 a second overall, one a second per chat) and
retries 429s; what still goes wrong is sorted here by what the caller should do about it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from enum import Enum
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.logging_setup import log_event
from bot.rate_limit import BULK, BulkRateLimiter, retry_after_seconds
from bot.storage import Database

log = logging.getLogger(__name__)

T = TypeVar("T")

# How often a flood-control answer that got past the rate limiter is waited out before giving up.
MAX_FLOOD_WAITS = 3
# BadRequest texts meaning the chat is gone for good, like a 403.
_CHAT_GONE = ("chat not found", "user not found", "peer_id_invalid", "user is deactivated")


class Delivery(Enum):
    """What became of a message."""

    SENT = "sent"
    UNREACHABLE = "unreachable"  # blocked, gone, or refused for good: sending again will not help
    RETRY_LATER = "retry_later"  # Telegram could not be reached; the message may be sent later


async def send(
    bot: Bot, db: Database, user_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> Delivery:
    """Send Telegram HTML to a user not known to have blocked the bot; never raise for it.

    A user who blocked the bot is marked inactive (skipped until they write again).
    """
    user = await db.users.get(user_id)
    if user is not None and not user.active:
        return Delivery.UNREACHABLE
    started = time.monotonic()
    pacing = _bulk_pacing(bot)
    for _ in range(MAX_FLOOD_WAITS + 1):
        try:
            await bot.send_message(user_id, text, parse_mode=ParseMode.HTML, reply_markup=reply_markup, **pacing)
        except RetryAfter as error:
            wait = retry_after_seconds(error)
            log.info("Flood control while notifying a user; waiting %.1f s", wait)
            await asyncio.sleep(wait)
            continue
        except Forbidden:
            await _mark_unreachable(db, user_id, "blocked the bot")
            return Delivery.UNREACHABLE
        except BadRequest as error:
            if "message is not modified" in error.message.lower():
                return Delivery.SENT
            if any(reason in error.message.lower() for reason in _CHAT_GONE):
                await _mark_unreachable(db, user_id, "chat is gone")
            else:
                log.error("Telegram refused a notification to user %s: %s", user_id, error.message)
            return Delivery.UNREACHABLE
        except NetworkError as error:
            log.warning("Could not reach Telegram to notify user %s: %s", user_id, error.message)
            return Delivery.RETRY_LATER
        except TelegramError as error:
            log.error("Notification to user %s failed: %s", user_id, error.message)
            return Delivery.UNREACHABLE
        log_event(log, "notification.sent", user=user_id, ms=(time.monotonic() - started) * 1000)
        return Delivery.SENT
    log.warning("Flood control kept refusing a notification to user %s; retrying later", user_id)
    return Delivery.RETRY_LATER


async def push(
    bot: Bot, db: Database, user_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Send a message; True when it was delivered, False otherwise (never raises for it)."""
    return await send(bot, db, user_id, text, reply_markup) is Delivery.SENT


async def deliver_by_user(
    items: Iterable[T],
    user_id_of: Callable[[T], int],
    deliver: Callable[[T], Awaitable[Delivery | None]],
) -> None:
    """Deliver items to their users side by side; to one user in order (the rate limiter
    spaces them a second apart).

    `deliver` sends one item (None when it sent nothing) and records it as told unless the
    outcome is RETRY_LATER, which also stops that user's remaining items until the next run.
    """
    by_user: dict[int, list[T]] = defaultdict(list)
    for item in items:
        by_user[user_id_of(item)].append(item)
    results = await asyncio.gather(
        *(_deliver_in_turn(user_items, deliver) for user_items in by_user.values()),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, Exception):
            log.error("Delivering notifications failed", exc_info=result)


async def _deliver_in_turn(items: Sequence[T], deliver: Callable[[T], Awaitable[Delivery | None]]) -> None:
    for item in items:
        if await deliver(item) is Delivery.RETRY_LATER:
            return


async def _mark_unreachable(db: Database, user_id: int, reason: str) -> None:
    log.info("User %s %s; notifications paused until they write again", user_id, reason)
    await db.users.set_active(user_id, False)


def _bulk_pacing(bot: Bot) -> dict[str, Any]:
    """The `rate_limit_args` marking a send as bulk, for a bot whose rate limiter reads them."""
    if isinstance(bot, ExtBot) and isinstance(bot.rate_limiter, BulkRateLimiter):
        return {"rate_limit_args": BULK}
    return {}
