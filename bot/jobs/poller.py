"""What every poller shares: one run at a time, and backing off while the panel is down.

While the panel gives no usable answer a poller skips 1, 2, 4… of its next runs (at most
`MAX_SKIPPED_RUNS`) instead of hammering it, sends users nothing about it, and records since
when it is paused in `db.meta`, which `/stats` shows through `polling_paused_since`. The status
poller also records when it last finished a poll (`last_status_poll`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import SecretStr

from bot.logging_setup import log_event
from bot.panel import PanelUnavailable
from bot.services.accounts import key_for_account
from bot.storage import Account, Database, KeyUnavailableError

if TYPE_CHECKING:
    from bot.context import BotContext, Services

log = logging.getLogger(__name__)

MAX_SKIPPED_RUNS = 16
STATUS_POLLER = "status"
REFILL_POLLER = "refills"
BALANCE_POLLER = "balance"
POLLERS = (STATUS_POLLER, REFILL_POLLER, BALANCE_POLLER)
_PAUSED_SINCE_KEY = "poller-paused-since:{name}"
_LAST_STATUS_POLL_KEY = "poller-last-poll:status"


@dataclass
class PollerState:
    """One poller's state in this process; a job carries it as its `data`."""

    name: str
    finished_runs: int = 0
    failures: int = 0
    runs_to_skip: int = 0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    # A pause recorded before a restart is cleared by the first answer after it.
    _pause_may_be_recorded: bool = field(default=True, init=False, repr=False)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Hold the poller for one run: a scheduled run and a direct call never overlap."""
        async with self._lock:
            started = time.monotonic()
            try:
                yield
            finally:
                self.finished_runs += 1
                log_event(
                    log, "job.run", job=self.name, ms=(time.monotonic() - started) * 1000, failures=self.failures
                )

    def skip_this_run(self) -> bool:
        """Consume one skipped run while backing off; False when the panel may be asked."""
        if self.runs_to_skip > 0:
            self.runs_to_skip -= 1
            return True
        return False

    async def ask_panel(self, db: Database, poll: Awaitable[bool]) -> bool:
        """Await one poll of the panel (it says whether the panel was asked at all): back off
        after an outage, resume after an answer. False when the panel was unavailable."""
        try:
            asked = await poll
        except PanelUnavailable as error:
            await self.panel_unavailable(db, error)
            return False
        if asked:
            await self.panel_answered(db)
        return True

    async def panel_unavailable(self, db: Database, error: PanelUnavailable) -> None:
        """Back off for longer after each failed run and record when the pause began."""
        self.failures += 1
        self.runs_to_skip = min(2 ** (self.failures - 1), MAX_SKIPPED_RUNS)
        key = _PAUSED_SINCE_KEY.format(name=self.name)
        if await db.meta.get(key) is None:
            await db.meta.set(key, datetime.now(UTC).isoformat())
        self._pause_may_be_recorded = True
        log.warning(
            "%s polling: the panel is unavailable (%s); skipping the next %d run(s)",
            self.name,
            error,
            self.runs_to_skip,
        )

    async def panel_answered(self, db: Database) -> None:
        """Resume normal polling after the panel answered again."""
        if self._pause_may_be_recorded:
            await db.meta.delete(_PAUSED_SINCE_KEY.format(name=self.name))
        if self.failures:
            log.info("%s polling: the panel answers again; resumed", self.name)
        self.failures = 0
        self.runs_to_skip = 0
        self._pause_may_be_recorded = False


def state_of(context: BotContext) -> PollerState:
    """The poller state a job carries as its `data`."""
    assert context.job is not None
    state = context.job.data
    assert isinstance(state, PollerState)
    return state


async def polling_paused_since(db: Database) -> datetime | None:
    """When the first poller still paused by a panel outage stopped; None while all poll."""
    paused = []
    for name in POLLERS:
        value = await db.meta.get(_PAUSED_SINCE_KEY.format(name=name))
        if value is not None:
            paused.append(datetime.fromisoformat(value))
    return min(paused, default=None)


async def record_status_poll(db: Database) -> None:
    """Remember that the status poller just finished a poll (`/stats` shows when)."""
    await db.meta.set(_LAST_STATUS_POLL_KEY, datetime.now(UTC).isoformat())


async def last_status_poll(db: Database) -> datetime | None:
    """When the status poller last finished a poll; None if it never has."""
    value = await db.meta.get(_LAST_STATUS_POLL_KEY)
    return None if value is None else datetime.fromisoformat(value)


def account_key(services: Services, account: Account | None) -> SecretStr | None:
    """The key that reaches an account; None when it is gone, disconnected or unreadable."""
    if account is None:
        return None
    try:
        return key_for_account(services.db, services.settings, account)
    except KeyUnavailableError:
        log.warning("The key of account %s cannot be decrypted; skipping it", account.id)
        return None
