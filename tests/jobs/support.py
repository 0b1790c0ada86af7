"""Helpers of the job tests: the real bot against FakeTelegram and the sandbox, with pollers
the tests run directly.

Scheduled runs only happen at start-up (intervals of an hour) unless a test asks for short
intervals; `Pollers.run` (from `RunningBot`) runs a job's callback with a real context, in the
same lock as the scheduled runs, so both never overlap.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from bot.sandbox import SandboxPanel
from bot.storage import NewOrder, Order, ServiceSnapshot
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness
from tests.support.running_bot import RunningBot

ADMIN_ID = 900
# Sandbox service 1: Default, 0.90 per 1,000, refill and cancel offered.
SERVICE = ServiceSnapshot(
    service_id=1,
    name="Instagram Followers [Refill 30D]",
    type="Default",
    category="Instagram Followers",
    rate=Decimal("0.90"),
)
QUANTITY = 100
PRICE = Decimal("0.09")
HOUR = 3600.0


class Pollers(RunningBot):
    """The running bot's jobs and the shortcuts tests need around them."""

    def __init__(self, harness: BotHarness, panel: SandboxPanel) -> None:
        super().__init__(harness, panel)
        self._links = itertools.count(1)

    async def place(
        self, user_id: int, key: str = SANDBOX_API_KEY, panel_order_id: int | None = None, **new: Any
    ) -> Order:
        """Place an order on the sandbox (unless its id is given) and record it as the ordering
        flow does; a key other than the shared one becomes the user's personal account."""
        services = self.services
        account = await self.account_for(user_id, key)
        link = f"https://instagram.com/user{next(self._links)}"
        if panel_order_id is None:
            panel_order_id = await services.panel.add(
                SecretStr(key), SERVICE.service_id, {"link": link, "quantity": QUANTITY}
            )
        fields: dict[str, Any] = {
            "user_id": user_id,
            "account_id": account.id,
            "submit_token": f"token-{link}",
            "service": SERVICE,
            "expected_price": PRICE,
            "currency": "USD",
            "link": link,
            "quantity": QUANTITY,
        }
        order = await services.db.orders.create_submitting(NewOrder(**(fields | new)))
        return await services.db.orders.mark_placed(order.id, panel_order_id)

    def texts(self, user_id: int) -> list[str]:
        """The bot's messages in the user's chat, as plain text."""
        return [message.text or "" for message in self.harness.fake.chat(user_id).messages]


def bot_settings(**overrides: Any) -> dict[str, Any]:
    """Settings of the bot under test: shared sandbox key, one admin, hourly pollers."""
    return {
        "smm_api_key": SANDBOX_API_KEY,
        "admin_ids": str(ADMIN_ID),
        "status_poll_interval": HOUR,
        "balance_check_interval": HOUR,
        "low_balance_threshold": Decimal("5"),
    } | overrides
