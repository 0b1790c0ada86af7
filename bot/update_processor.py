"""Run different chats' updates concurrently, and each chat's updates one at a time, in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def serial_key(update: object) -> int | None:
    """Return the id whose updates must not overlap: the chat, else the user, else None."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Serialise updates per chat while letting chats run side by side.

    PTB's plain `concurrent_updates=True` lets two updates of one chat race, which breaks
    multi-step dialogs (a quantity handled before its link); a single global queue lets one
    user waiting on a slow panel delay everyone. A lock per chat gives both properties.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Awaits the update's coroutine once every earlier update of its chat is done."""
        key = serial_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
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
