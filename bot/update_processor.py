"""Run different chats' updates concurrently, and each chat's updates one at a time, in order."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.logging_setup import log_event

log = logging.getLogger(__name__)

# Larger than any number of updates that can be in flight at once.
_UNBOUNDED = 1 << 30


def serial_key(update: object) -> int | None:
    """Return the id whose updates must not overlap: the chat, else the user, else None."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


def update_kind(update: Update) -> str:
    """The update's kind as the Bot API names it ("message", "callback_query", …)."""
    return next((kind for kind in Update.ALL_TYPES if getattr(update, kind, None) is not None), "other")


# Longer than any command or button prefix of ours, shorter than a key glued to "/connect".
_NAME = re.compile(r"[A-Za-z0-9_]{1,16}")


def update_action(update: Update) -> str | None:
    """What the user asked for, without anything they typed: a command's name or a button's prefix."""
    if update.callback_query is not None and update.callback_query.data:
        return _named(update.callback_query.data.split(":", 1)[0])
    text = update.message.text if update.message is not None else None
    if text and text.startswith("/"):
        return "/" + _named(text[1:].split(maxsplit=1)[0].split("@", 1)[0])
    return None


def _named(word: str) -> str:
    """The word if it can be a command or a button prefix; else "other", since it may be
    something typed (a key glued to a command, "/connectsk-…", or forged button data)."""
    return word if _NAME.fullmatch(word) else "other"


def _log_handled(update: object, chat: int | None, arrived: float, started: float) -> None:
    """Log one `update.handled` line: how long it waited behind its chat and how long it took."""
    if not isinstance(update, Update) or not log.isEnabledFor(logging.INFO):
        return
    finished = time.monotonic()
    log_event(
        log,
        "update.handled",
        update_id=update.update_id,
        kind=update_kind(update),
        action=update_action(update),
        chat=chat,
        wait_ms=(started - arrived) * 1000,
        ms=(finished - started) * 1000,
    )


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Serialise updates per chat while letting chats run side by side.

    PTB's plain `concurrent_updates=True` lets two updates of one chat race, which breaks
    multi-step dialogs (a quantity handled before its link); a single global queue lets one
    user waiting on a slow panel delay everyone. A lock per chat gives both properties.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        # PTB takes its own semaphore before do_process_update, so an update still waiting
        # for its chat's turn would hold a slot: one chat with many queued updates behind a
        # slow panel could then starve every other chat. PTB's limit (what
        # `max_concurrent_updates` reports) is therefore made unreachable, and the real limit
        # is taken only once the chat's turn has come.
        self._active = 0
        self._running = asyncio.Semaphore(max_concurrent_updates)
        super().__init__(_UNBOUNDED)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    @property
    def current_concurrent_updates(self) -> int:
        return self._active

    async def _run(self, coroutine: Awaitable[Any]) -> float:
        """Await the coroutine within the concurrency limit; return when it started."""
        async with self._running:
            self._active += 1
            try:
                started = time.monotonic()
                await coroutine
                return started
            finally:
                self._active -= 1

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Awaits the update's coroutine once every earlier update of its chat is done."""
        arrived = time.monotonic()
        key = serial_key(update)
        if key is None:
            _log_handled(update, key, arrived, await self._run(coroutine))
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                started = await self._run(coroutine)
            _log_handled(update, key, arrived, started)
        finally:
            # Forget idle chats so the table does not grow with every user ever seen.
            self._waiting[key] -= 1
            if self._waiting[key] == 0:
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate: locks are created on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: locks die with their last waiter."""
