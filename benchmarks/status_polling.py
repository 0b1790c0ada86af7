"""Status polling: 10,000 active orders on one account, batched versus one request per order.

`python -m benchmarks.status_polling [orders]`: the status job's own polling step
(`bot.jobs.status_poll.poll_orders`, with the real database, panel client and sandbox) runs
until every order has been asked about once. Reported: requests and time for that full
cycle, how many job runs it took, and the same orders polled one `status` request each, as
bots that poll order by order do (20 requests in flight, the client's connection limit).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from pydantic import SecretStr

from benchmarks.common import (
    SHARED_KEY,
    SeedOrder,
    print_table,
    quiet_logging,
    sandbox_orders,
    secret_key,
    seed_database,
)
from bot.context import Services
from bot.jobs.poller import STATUS_POLLER, PollerState
from bot.jobs.status_poll import poll_orders
from bot.sandbox import SandboxPanel
from tests.support.harness import IsolatedSettings

FIRST_PANEL_ID = 5_000_000
USER_ID = 7001
MAX_RUNS = 200
PER_ORDER_CONCURRENCY = 20


async def run(count: int) -> None:
    quiet_logging()
    async with SandboxPanel(seed=1) as panel:
        panel.add_account(SHARED_KEY, balance=Decimal("1000"))
        panel_ids = sandbox_orders(panel, SHARED_KEY, count, FIRST_PANEL_ID)
        with tempfile.TemporaryDirectory() as folder:
            database_path = Path(folder) / "bot.sqlite3"
            await seed_database(database_path, [USER_ID], [SeedOrder(USER_ID, panel_id) for panel_id in panel_ids])
            settings = IsolatedSettings(
                bot_token=SecretStr("1:bench"), smm_api_url=panel.url, smm_api_key=SecretStr(SHARED_KEY),
                database_path=database_path, secret_key=secret_key(),
            )
            services = await Services.open(settings)
            try:
                batched = await full_cycle(services, panel, count)
                per_order = await poll_each(services, panel, panel_ids)
            finally:
                await services.close()

    requests, runs, seconds, slowest_run = batched
    print_table(
        f"Status polling: {count:,} active orders on one account",
        ["polling", "requests per cycle", "cycle time", "job runs per cycle", "slowest run"],
        [
            ["batched (the bot: `status` with up to 100 ids)", f"{requests:,}", f"{seconds:.2f} s", runs,
             f"{slowest_run:.2f} s"],
            [f"one request per order ({PER_ORDER_CONCURRENCY} in flight)", f"{per_order[0]:,}",
             f"{per_order[1]:.2f} s", "–", "–"],
        ],
        ["Cycle: every order asked about once; the time includes storing each status in SQLite."],
    )


async def full_cycle(services: Services, panel: SandboxPanel, count: int) -> tuple[int, int, float, float]:
    """Run the polling step until every order was asked about: (requests, runs, seconds, slowest run)."""
    state = PollerState(STATUS_POLLER)
    asked: set[str] = set()
    first_request = len(panel.requests)
    runs, total, slowest = 0, 0.0, 0.0
    while len(asked) < count and runs < MAX_RUNS:
        before = len(panel.requests)
        started = time.monotonic()
        await poll_orders(services, state)
        elapsed = time.monotonic() - started
        runs, total, slowest = runs + 1, total + elapsed, max(slowest, elapsed)
        for request in panel.requests[before:]:
            if request.action == "status":
                asked.update(request.params.get("orders", request.params.get("order", "")).split(","))
    requests = sum(1 for request in panel.requests[first_request:] if request.action == "status")
    return requests, runs, total, slowest


async def poll_each(services: Services, panel: SandboxPanel, panel_ids: list[int]) -> tuple[int, float]:
    """Ask for each order alone: (requests, seconds)."""
    key = services.settings.smm_api_key
    assert key is not None
    limit = asyncio.Semaphore(PER_ORDER_CONCURRENCY)
    before = panel.count("status")

    async def one(panel_id: int) -> None:
        async with limit:
            await services.panel.status(key, panel_id)

    started = time.monotonic()
    await asyncio.gather(*(one(panel_id) for panel_id in panel_ids))
    return panel.count("status") - before, time.monotonic() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    asyncio.run(run(count))


if __name__ == "__main__":
    main()
