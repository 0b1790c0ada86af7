"""Builders for the orders, accounts and admin end-to-end tests.

`Shop` wraps a running bot (shared sandbox key, one admin, pollers that run once at start-up
and then hourly) and places orders on the sandbox, recording them as the ordering flow does,
so tests start from orders in any state without walking the order dialog each time.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.sandbox import SandboxPanel
from bot.storage import NewOrder, Order, ServiceSnapshot
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness
from tests.support.running_bot import RunningBot

SHARED_KEY = SANDBOX_API_KEY
ADMIN_ID = 900
ALICE = 1001
BOB = 1002
CAROL = 1003
HOUR = 3600.0
# Sandbox services: 1 offers refill and cancel; 2 offers neither.
REFILL_AND_CANCEL = 1
NO_REFILL_NO_CANCEL = 2


def bot_settings(**overrides: Any) -> dict[str, Any]:
    """Shared key for Alice and Bob (and the admin), hourly pollers."""
    return {
        "smm_api_key": SHARED_KEY,
        "admin_ids": str(ADMIN_ID),
        "allowed_user_ids": f"{ALICE},{BOB}",
        "status_poll_interval": HOUR,
        "balance_check_interval": HOUR,
    } | overrides


class Shop(RunningBot):
    """The running bot, the sandbox behind it, and shortcuts to set up orders."""

    def __init__(self, harness: BotHarness, panel: SandboxPanel) -> None:
        super().__init__(harness, panel)
        self._links = itertools.count(1)

    async def place(
        self,
        user_id: int,
        *,
        key: str = SHARED_KEY,
        service_id: int = REFILL_AND_CANCEL,
        quantity: int = 100,
        link: str | None = None,
    ) -> Order:
        """Place an order on the sandbox and store it; any key but the shared one is the
        user's personal account."""
        db = self.services.db
        await db.users.upsert_seen(user_id, "en")
        account = await self.account_for(user_id, key)
        link = link or f"https://instagram.com/user{next(self._links)}"
        sandbox_order = self.panel.place_order(
            self.panel.account(key), {"service": str(service_id), "link": link, "quantity": str(quantity)}
        )
        service = self.panel.service(service_id)
        snapshot = ServiceSnapshot(service.id, service.name, service.type, service.category, service.rate)
        new = NewOrder(
            user_id=user_id,
            account_id=account.id,
            submit_token=f"token-{link}",
            service=snapshot,
            expected_price=sandbox_order.price,
            currency="USD",
            link=link,
            quantity=quantity,
        )
        order = await db.orders.create_submitting(new)
        return await db.orders.mark_placed(order.id, sandbox_order.id)


@asynccontextmanager
async def open_shop(tmp_path: Path, panel: SandboxPanel, **overrides: Any) -> AsyncIterator[Shop]:
    """Start the bot with `bot_settings(**overrides)` and wait out the start-up polls."""
    async with BotHarness.start(tmp_path, panel=panel, **bot_settings(**overrides)) as harness:
        shop = Shop(harness, panel)
        await shop.started()
        yield shop


def with_balance(panel: SandboxPanel, key: str, amount: str = "50") -> str:
    """Open a sandbox account for `key` and return the key."""
    panel.add_account(key, balance=Decimal(amount), currency="USD")
    return key
