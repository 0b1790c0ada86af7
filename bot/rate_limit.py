"""Telegram's flood limits where they apply: pace bulk sends, retry any request told to wait.

Telegram asks bots to stay within about 30 messages a second overall and one a second per
chat when they message many users at once. Those limits are about broadcasts: a reply to a
user who just wrote must not queue behind a thousand status notifications. So requests
marked `rate_limit_args=BULK` (`bot.services.delivery` marks every message the user did not
ask for) are paced; everything else goes at once. Any request answered 429 (`RetryAfter`)
is sent again after the wait Telegram names, a bounded number of times; a 429 on a bulk
send also holds back the other bulk sends for that long, since they would meet the same.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from enum import Enum
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import constants
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

ApiResult = bool | dict[str, Any] | list[dict[str, Any]]
# Telegram asks for about one message a second in one chat.
PER_CHAT_INTERVAL = 1.0
# Past this many chats paced, the ones with nothing pending are forgotten.
MAX_PACED_CHATS = 512
# A little over the wait Telegram names, as PTB's AIORateLimiter does.
RETRY_MARGIN = 0.1


class Pacing(Enum):
    """What a request passes as `rate_limit_args`."""

    BULK = "bulk"  # one of many unsolicited messages: paced overall and per chat


BULK = Pacing.BULK


class BulkRateLimiter(BaseRateLimiter[Pacing]):
    """Pace only bulk sends (overall and per chat); retry every request on `RetryAfter`."""

    def __init__(
        self,
        overall_max_rate: float = constants.FloodLimit.MESSAGES_PER_SECOND,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        max_retries: int = 3,
    ) -> None:
        self._overall = AsyncLimiter(overall_max_rate, time_period=1)
        self._per_chat_interval = per_chat_interval
        self._chats: dict[int | str, AsyncLimiter] = {}
        self._next_prune = 0.0
        self._max_retries = max_retries
        # Bulk sends wait until then (loop time) after one of them met a 429.
        self._bulk_resumes_at = 0.0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Pacing | None,
    ) -> ApiResult:
        """Send the request (paced if bulk); on 429 wait as told and send it again."""
        bulk = rate_limit_args is BULK
        retries = 0
        while True:
            try:
                if bulk:
                    return await self._paced(data.get("chat_id"), callback, args, kwargs)
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if retries == self._max_retries:
                    log.warning("%s still refused by flood control after %d retries", endpoint, retries)
                    raise
                retries += 1
                wait = retry_after_seconds(error) + RETRY_MARGIN
                log.info("Flood control on %s; retrying in %.1f s", endpoint, wait)
                if bulk:
                    resume_at = asyncio.get_running_loop().time() + wait
                    self._bulk_resumes_at = max(self._bulk_resumes_at, resume_at)
                else:
                    await asyncio.sleep(wait)

    async def _paced(
        self,
        chat_id: object,
        callback: Callable[..., Coroutine[Any, Any, ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> ApiResult:
        """Wait out a flood pause, the chat's spacing and the overall rate, then send."""
        loop = asyncio.get_running_loop()
        while (pause := self._bulk_resumes_at - loop.time()) > 0:
            await asyncio.sleep(pause)
        if isinstance(chat_id, int | str):
            # The chat's turn first, so a chat waiting for its second doesn't hold an overall slot.
            await self._chat_limiter(chat_id).acquire()
        async with self._overall:
            return await callback(*args, **kwargs)

    def _chat_limiter(self, chat_id: int | str) -> AsyncLimiter:
        now = asyncio.get_running_loop().time()
        if len(self._chats) > MAX_PACED_CHATS and now >= self._next_prune:
            # Forget the chats whose spacing has run out (at most once per spacing: this is O(chats)).
            self._chats = {chat: limiter for chat, limiter in self._chats.items() if not limiter.has_capacity(1)}
            self._next_prune = now + self._per_chat_interval
        limiter = self._chats.get(chat_id)
        if limiter is None:
            limiter = self._chats[chat_id] = AsyncLimiter(1, time_period=self._per_chat_interval)
        return limiter


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait a 429 names, in seconds (PTB gives an int or a timedelta, by its settings)."""
    delay: int | timedelta = error.retry_after
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
