"""Interactive load: 200 users each walk an order at the same moment.

`python -m benchmarks.interactive_load [users]`: the real `python -m bot` (a child process)
polls the fake Bot API, once as built and once without its rate limiter (to show what the
bot itself can do, see `benchmarks.unthrottled_bot`); every simulated user sends `/order 2`, presses Order, types a link
and a quantity, and confirms, each step as soon as the previous answer arrives. Reported:
updates per second, and per step the time from the update being queued at "Telegram" to the
bot's answer there. The sandbox answers at once, so the panel's own latency is ~0.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from benchmarks.common import (
    SECRET_KEY,
    SHARED_KEY,
    ms,
    order_walk,
    percentile,
    print_table,
    quiet_logging,
    wait_until_started,
)
from bot.sandbox import SandboxPanel
from tests.ops.bot_process import BotProcess
from tests.support.fake_telegram import FakeTelegram

STEPS = ("/order 2 → card", "Order button → link step", "link → quantity step", "quantity → confirmation",
         "Confirm → placed (2 panel calls)")
FIRST_USER_ID = 100_000


# (label, the child's command line)
BOTS = (
    ("as built", ("-m", "bot")),
    ("what-if: no rate limiter at all", ("-m", "benchmarks.unthrottled_bot")),
)


async def run(users: int) -> None:
    quiet_logging()
    for label, arguments in BOTS:
        walks, elapsed, placed = await measure(users, arguments)
        rows: list[list[object]] = []
        for index, name in enumerate(STEPS):
            sample = [walk[index] for walk in walks]
            rows.append([name, ms(percentile(sample, 0.5)), ms(percentile(sample, 0.95)), ms(max(sample))])
        every = [latency for walk in walks for latency in walk]
        rows.append(["every step", ms(percentile(every, 0.5)), ms(percentile(every, 0.95)), ms(max(every))])
        updates = users * len(STEPS)
        print_table(
            f"Interactive load, {label}: {users} users walking an order at once",
            ["step (update → answer)", "p50", "p95", "max"],
            rows,
            [f"{updates} updates in {elapsed:.1f} s = **{updates / elapsed:.0f} updates/s**; "
             f"{placed} of {users} orders placed on the sandbox."],
        )


async def measure(users: int, arguments: tuple[str, ...]) -> tuple[list[list[float]], float, int]:
    """Run every walk at once against one bot: (each walk's step latencies, seconds, orders placed)."""
    async with SandboxPanel(seed=1) as panel, FakeTelegram() as fake:
        panel.add_account(SHARED_KEY, balance=Decimal("1000000"))
        with tempfile.TemporaryDirectory() as folder:
            settings = {"SMM_API_URL": panel.url, "SMM_API_KEY": SHARED_KEY, "ALLOWED_USER_IDS": "*",
                        "SECRET_KEY": SECRET_KEY}
            async with BotProcess.start(Path(folder), fake, arguments=arguments, **settings) as bot:
                await wait_until_started(bot)
                await order_walk(fake.user(FIRST_USER_ID - 1), "instagram.com/warm-up")  # loads the catalog
                walkers = [fake.user(FIRST_USER_ID + number) for number in range(users)]
                started = time.monotonic()
                walks = await asyncio.gather(
                    *(order_walk(user, f"instagram.com/bench{user.id}") for user in walkers)
                )
                elapsed = time.monotonic() - started
                bot.terminate()
                await bot.wait(timeout=60)
        placed = sum(1 for order in panel.orders.values() if order.target.startswith("https://instagram.com/bench"))
    return walks, elapsed, placed


def main() -> None:
    users = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    asyncio.run(run(users))


if __name__ == "__main__":
    main()
