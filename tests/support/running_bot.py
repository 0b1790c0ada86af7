"""The running bot seen from inside, for tests that set up state or drive the jobs themselves.

`RunningBot` wraps a `BotHarness` and the sandbox behind it: the bot's `Services`, its
pollers (wait for their start-up runs, run one now with a real context), known users, their
accounts and stored orders. Feature helpers build on it: `tests/e2e/orders_support.Shop`,
`tests/jobs/support.Pollers`.
"""

from __future__ import annotations

from pydantic import SecretStr

from bot.context import BotContext, Services
from bot.jobs import JOB_CALLBACKS
from bot.jobs.poller import POLLERS, PollerState
from bot.sandbox import SandboxPanel
from bot.storage import Account, Order
from tests.support.fake_chats import SimulatedUser
from tests.support.fixtures import SANDBOX_API_KEY
from tests.support.harness import BotHarness

STARTUP_TIMEOUT = 10.0


class RunningBot:
    """A bot the harness runs on the sandbox panel: its services, pollers and orders."""

    def __init__(self, harness: BotHarness, panel: SandboxPanel) -> None:
        self.harness = harness
        self.panel = panel

    @property
    def services(self) -> Services:
        services: Services = self.harness.app.bot_data["services"]
        return services

    def state(self, name: str) -> PollerState:
        """The state of poller `name` (`bot.jobs.poller.STATUS_POLLER`…)."""
        (job,) = self.harness.app.job_queue.get_jobs_by_name(name)
        state: PollerState = job.data
        return state

    async def run(self, name: str) -> None:
        """Run one poller now, as the job queue would, with a real context.

        It takes the same lock as the scheduled runs, so the two never overlap.
        """
        (job,) = self.harness.app.job_queue.get_jobs_by_name(name)
        await JOB_CALLBACKS[name](BotContext.from_job(job, self.harness.app))

    async def started(self) -> None:
        """Wait until every poller finished its start-up run."""

        def done() -> bool | None:
            return all(self.state(name).finished_runs for name in POLLERS) or None

        await self.harness.fake.wait_until(done, timeout=STARTUP_TIMEOUT)

    async def user(self, user_id: int, language: str = "en") -> SimulatedUser:
        """A user who has written to the bot before (stored, chat open)."""
        await self.services.db.users.upsert_seen(user_id, language)
        return self.harness.user(user_id, language_code=language)

    async def account_for(self, user_id: int, key: str) -> Account:
        """The account an order on `key` is paid from: the shared one for the bot's own key,
        else the user's personal account, connected with `key`."""
        db = self.services.db
        if key == SANDBOX_API_KEY:
            return await db.accounts.shared()
        return await db.accounts.connect_personal(user_id, SecretStr(key), "USD", None)

    async def stored(self, order: Order) -> Order:
        """The order as the database holds it now."""
        fresh = await self.services.db.orders.get(order.id)
        assert fresh is not None
        return fresh
