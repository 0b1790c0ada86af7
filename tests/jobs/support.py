"""Helpers of the job tests: the real bot against FakeTelegram and the sandbox, with pollers
the tests run directly.

Scheduled runs only happen at start-up (intervals of an hour) unless a test asks for short
intervals; `Pollers.run` runs a job's callback with a real context, in the same lock as the
scheduled runs, so both never overlap.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from pydantic import SecretStr

from bot.context import BotContext, Services
from bot.jobs import JOB_CALLBACKS
from bot.jobs.poller import POLLERS, PollerState
from bot.sandbox import SandboxPanel
from bot.storage import NewOrder, Order, ServiceSnapshot
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness

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


class Pollers:
    """The running bot's jobs and the shortcuts tests need around them."""

    def __init__(self, harness: BotHarness, panel: SandboxPanel) -> None:
        self.harness = harness
        self.panel = panel
        self._links = itertools.count(1)

    @property
    def services(self) -> Services:
        services: Services = self.harness.app.bot_data["services"]
        return services

    def state(self, name: str) -> PollerState:
        (job,) = self.harness.app.job_queue.get_jobs_by_name(name)
        state: PollerState = job.data
        return state

    async def run(self, name: str) -> None:
        """Run one poller now, as the job queue would, with a real context."""
        (job,) = self.harness.app.job_queue.get_jobs_by_name(name)
        await JOB_CALLBACKS[name](BotContext.from_job(job, self.harness.app))

    async def started(self) -> None:
        """Wait until every poller finished its start-up run."""

        def done() -> bool | None:
            return all(self.state(name).finished_runs for name in POLLERS) or None

        await self.harness.fake.wait_until(done, timeout=10)

    async def user(self, user_id: int, language: str = "en") -> None:
        """A user who has written to the bot (so their chat exists and they are stored)."""
        self.harness.user(user_id, language_code=language)
        await self.services.db.users.upsert_seen(user_id, language)

    async def place(
        self, user_id: int, key: str = SANDBOX_API_KEY, panel_order_id: int | None = None, **new: Any
    ) -> Order:
        """Place an order on the sandbox (unless its id is given) and record it as the ordering
        flow does; a key other than the shared one becomes the user's personal account."""
        services = self.services
        db = services.db
        if key == SANDBOX_API_KEY:
            account = await db.accounts.shared()
        else:
            account = await db.accounts.connect_personal(user_id, SecretStr(key), "USD", None)
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
        order = await db.orders.create_submitting(NewOrder(**(fields | new)))
        return await db.orders.mark_placed(order.id, panel_order_id)

    def texts(self, user_id: int) -> list[str]:
        """The bot's messages in the user's chat, as plain text."""
        return [message.text or "" for message in self.harness.fake.chat(user_id).messages]

    async def stored(self, order: Order) -> Order:
        fresh = await self.services.db.orders.get(order.id)
        assert fresh is not None
        return fresh


def bot_settings(**overrides: Any) -> dict[str, Any]:
    """Settings of the bot under test: shared sandbox key, one admin, hourly pollers."""
    return {
        "smm_api_key": SANDBOX_API_KEY,
        "admin_ids": str(ADMIN_ID),
        "status_poll_interval": HOUR,
        "balance_check_interval": HOUR,
        "low_balance_threshold": Decimal("5"),
    } | overrides
