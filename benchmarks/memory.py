"""Memory: the bot's resident size with 5,000 services, 10,000 users and 100,000 orders.

`python -m benchmarks.memory`: the real `python -m bot` (child process) on a database of
10,000 users with 10 orders each (one in ten still active and polled), against a sandbox
with 5,000 generated services. Its resident size (VmRSS, and the peak VmHWM, from /proc) is
read after start, after 300 users browsed the catalog and listed their orders, and after
several status job runs over the active orders.
"""

from __future__ import annotations

import asyncio
import tempfile
from decimal import Decimal
from pathlib import Path

from benchmarks.common import (
    SECRET_KEY,
    SHARED_KEY,
    SeedOrder,
    print_table,
    quiet_logging,
    reply,
    sandbox_orders,
    seed_database,
    wait_until_started,
)
from bot.sandbox import SandboxPanel
from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram

SERVICES = 5_000
USERS = 10_000
ORDERS_PER_USER = 10
ACTIVE_EVERY = 10  # one order in ten is still active
BROWSING_USERS = 300
STATUS_RUNS = 5
FIRST_USER = 400_000
FIRST_PANEL_ID = 7_000_000
GOAL_MIB = 150


def resident(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )

    def mib(name: str) -> float:
        return int(fields[name].split()[0]) / 1024

    return mib("VmRSS"), mib("VmHWM")


async def run() -> None:
    quiet_logging()
    user_ids = list(range(FIRST_USER, FIRST_USER + USERS))
    async with SandboxPanel(extra_services=SERVICES, seed=1) as panel, FakeTelegram() as fake:
        panel.add_account(SHARED_KEY, balance=Decimal("1000"))
        active_ids = iter(sandbox_orders(panel, SHARED_KEY, USERS * ORDERS_PER_USER // ACTIVE_EVERY, FIRST_PANEL_ID))
        panel.advance_all()
        orders = []
        for number in range(USERS * ORDERS_PER_USER):
            user_id = user_ids[number % USERS]
            if number % ACTIVE_EVERY == 0:
                orders.append(SeedOrder(user_id, next(active_ids), "In progress", False, "In progress"))
            else:
                orders.append(SeedOrder(user_id, FIRST_PANEL_ID * 2 + number, "Completed", True, "Completed"))
        with tempfile.TemporaryDirectory() as folder:
            await seed_database(Path(folder) / "bot.sqlite3", user_ids, orders)
            settings = {"SMM_API_URL": panel.url, "SMM_API_KEY": SHARED_KEY, "ALLOWED_USER_IDS": "*",
                        "SECRET_KEY": SECRET_KEY, "STATUS_POLL_INTERVAL": "1"}
            async with BotProcess.start(Path(folder), fake, **settings) as bot:
                pid = bot.process.pid
                await wait_until_started(bot)
                readings = [("after start", *resident(pid))]
                await asyncio.gather(*(browse(fake, user_ids[number]) for number in range(BROWSING_USERS)))
                readings.append((f"after {BROWSING_USERS} users browsed {len(panel.services):,} services and "
                                 "listed their orders", *resident(pid)))
                await panel.wait_for_request("status", panel.count("status") + STATUS_RUNS * 2)
                readings.append((f"after more status runs ({panel.count('status')} `status` requests so far)",
                                 *resident(pid)))
                bot.terminate()
                await bot.wait(timeout=60)

    peak = max(hwm for _, _, hwm in readings)
    print_table(
        f"Memory: {SERVICES:,} services, {USERS:,} users, {USERS * ORDERS_PER_USER:,} orders",
        ["moment", "resident (VmRSS)", "peak so far (VmHWM)"],
        [[moment, f"{rss:.0f} MiB", f"{hwm:.0f} MiB"] for moment, rss, hwm in readings],
        [f"Peak {peak:.0f} MiB against a goal of {GOAL_MIB} MiB."],
    )


async def browse(fake: FakeTelegram, user_id: int) -> None:
    """Open the catalog, a category, and the order list."""
    user = fake.user(user_id)
    await user.send("/order")
    categories = await reply(user, kind="sent")
    await user.press(categories.message, categories.message.buttons[0][0].text)
    await reply(user, kind="edited")
    await user.send("/orders")
    await reply(user, kind="sent")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
